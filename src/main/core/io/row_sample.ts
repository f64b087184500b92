// Seeded samples of rows kept on disk, for what cannot run on every row within the memory budget
// (the first map of a million points, exact kNN of a huge gallery). A sample is stratified: one
// seeded row from each of `size` equal strata, so it covers every shard and is the same for a seed.
import { mulberry32 } from '../../../shared/random.js';
import { rowsWithin } from './memory_budget.js';
import { GATHER_RUN, type RowBlocks } from './row_shards.js';

/** What a sampled operation tells the user: how many rows of how many, which seed, and why. */
export interface SampleNote {
  rows: number;
  of: number;
  seed: number;
  reason: string;
}

/** `size` sorted row indices of 0..n-1, one per stratum (all rows when size ≥ n). */
export function sampleIndices(n: number, size: number, seed: number): Int32Array {
  if (size >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const pick = mulberry32(seed ^ 0x5eed5a3);
  const out = new Int32Array(size);
  for (let s = 0; s < size; s++) {
    const lo = Math.floor((s * n) / size);
    const hi = Math.floor(((s + 1) * n) / size);
    out[s] = lo + Math.floor(pick() * (hi - lo));
  }
  return out;
}

/**
 * Rows `indices` of `src` (any order). Sources that can gather (ShardedRows) read nearby rows in one
 * raw read and convert only the rows asked for; others are read in runs of consecutive rows.
 */
export function gatherRows(src: RowBlocks, indices: ArrayLike<number>): Float32Array {
  const d = src.dims;
  const order = Array.from({ length: indices.length }, (_, k) => k).sort((a, b) => indices[a] - indices[b]);
  const out = new Float32Array(indices.length * d);
  if (src.gather) {
    const rows = src.gather(Int32Array.from(order, (k) => indices[k]));
    order.forEach((k, t) => out.set(rows.subarray(t * d, (t + 1) * d), k * d));
    return out;
  }
  let k = 0;
  while (k < order.length) {
    const start = indices[order[k]];
    let end = start + 1;
    let j = k + 1;
    while (j < order.length && indices[order[j]] <= end && indices[order[j]] - start < GATHER_RUN) {
      end = Math.max(end, indices[order[j]] + 1);
      j++;
    }
    const block = src.read(start, end - start);
    for (let t = k; t < j; t++) {
      const r = indices[order[t]] - start;
      out.set(block.subarray(r * d, (r + 1) * d), order[t] * d);
    }
    k = j;
  }
  return out;
}

/** A sample of another RowBlocks as RowBlocks (row r is src row indices[r]). */
export class SubsetRows implements RowBlocks {
  readonly rows: number;
  readonly dims: number;
  constructor(
    readonly src: RowBlocks,
    readonly indices: Int32Array,
  ) {
    this.rows = indices.length;
    this.dims = src.dims;
  }
  read(start: number, count: number): Float32Array {
    return gatherRows(this.src, this.indices.subarray(start, start + count));
  }
}

/** Points on a first map of a streamed space, at most (a WebGL map draws this many smoothly). */
export const MAP_SAMPLE_MAX = 200_000;
/** Exact cross-modal kNN samples each gallery above this many rows (knn_blocked's exact limit). */
export const KNN_SAMPLE_MAX = 50_000;

export interface StreamPlan {
  map: SampleNote & { images: number; captions: number };
  knn: SampleNote & { images: number; captions: number };
}

/**
 * How the map and the candidate search sample a space of nImages + nCaptions rows kept on disk: the
 * map holds at most a quarter of the budget (and MAP_SAMPLE_MAX points), images and captions in
 * proportion; exact kNN samples each side to KNN_SAMPLE_MAX. Seeded, so the same every time.
 */
export function streamPlan(nImages: number, nCaptions: number, dims: number, budgetBytes: number, seed = 1): StreamPlan {
  const total = nImages + nCaptions;
  const mapRows = Math.min(total, MAP_SAMPLE_MAX, rowsWithin(budgetBytes, dims, 0.25));
  const mapImages = Math.min(nImages, Math.max(1, Math.round((mapRows * nImages) / total)));
  const mapReason =
    mapRows >= total
      ? 'every point fits'
      : mapRows === MAP_SAMPLE_MAX
        ? `a first map draws at most ${MAP_SAMPLE_MAX.toLocaleString('en-US')} points`
        : `the sample's rows take a quarter of the memory budget`;
  const knnImages = Math.min(nImages, KNN_SAMPLE_MAX);
  const knnCaptions = Math.min(nCaptions, KNN_SAMPLE_MAX);
  return {
    map: { rows: mapRows, of: total, seed, reason: mapReason, images: mapImages, captions: mapRows - mapImages },
    knn: {
      rows: knnImages + knnCaptions,
      of: total,
      seed,
      reason: knnImages + knnCaptions >= total ? 'every row is searched' : `exact search of more than ${KNN_SAMPLE_MAX.toLocaleString('en-US')} items per side does not finish in reasonable time; a seeded sample of each side is searched`,
      images: knnImages,
      captions: knnCaptions,
    },
  };
}

/** One line for the CLI and the app: "200,000 of 2,000,000 rows (seed 1): because …". */
export function sampleText(n: SampleNote): string {
  return n.rows >= n.of ? `all ${n.of.toLocaleString('en-US')} rows` : `a sample of ${n.rows.toLocaleString('en-US')} of ${n.of.toLocaleString('en-US')} rows (seed ${n.seed}): ${n.reason}`;
}
