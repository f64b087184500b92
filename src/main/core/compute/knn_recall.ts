// Recall@k of an approximate kNN graph against exact search, on a seeded sample of query points:
// for each sampled point, the share of its exact k−1 nearest others (self excluded) that the
// graph lists. Exact scores come from the blocked SIMD kernel, a few queries at a time.
import { createDotEngine, paddedRow, type DotEngine } from './dot_engine.js';
import { mulberry32 } from '../../../shared/random.js';
import type { Knn } from './exact_knn.js';

export interface KnnRecall {
  /** Mean recall over the sampled points, in [0, 1]. */
  recall: number;
  /** Lowest single point's recall. */
  min: number;
  sampled: number;
  k: number;
}

const BATCH = 8;

/** Keeps the best `depth` (score, id) pairs in a sorted array (descending), inserting one. */
export function insertTop(ids: Int32Array, sc: Float32Array, depth: number, id: number, s: number): void {
  if (!(s > sc[depth - 1])) return;
  let j = depth - 1;
  while (j > 0 && sc[j - 1] < s) {
    sc[j] = sc[j - 1];
    ids[j] = ids[j - 1];
    j--;
  }
  sc[j] = s;
  ids[j] = id;
}

/** Indices of the k best scores of `scores` (length n), skipping `skip`. */
export function topIndices(scores: Float32Array, off: number, n: number, k: number, skip: number, outI: Int32Array, outS: Float32Array): void {
  outS.fill(-Infinity);
  outI.fill(-1);
  for (let g = 0; g < n; g++) if (g !== skip) insertTop(outI, outS, k, g, scores[off + g]);
}

export function sampleIndices(n: number, count: number, seed: number): Int32Array {
  count = Math.min(count, n);
  const rnd = mulberry32(seed);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(rnd() * n));
  return Int32Array.from([...picked].sort((a, b) => a - b));
}

/** Scratch floats knnRecallOnRows needs behind the rows. */
export function recallScratchFloats(n: number, rowFloats: number): number {
  return BATCH * rowFloats + BATCH * n;
}

/** Rows must be L2-normalised (the graph's metric is cosine). */
export function knnRecall(rows: Float32Array, dims: number, knn: Knn, sample = 200, seed = 7): KnnRecall {
  const n = rows.length / dims;
  const rowFloats = paddedRow(dims);
  const engine = createDotEngine(n * rowFloats + recallScratchFloats(n, rowFloats));
  const mem = engine.memory;
  for (let i = 0; i < n; i++) mem.set(rows.subarray(i * dims, (i + 1) * dims), i * rowFloats);
  return knnRecallOnRows({ engine, n, rowFloats, scratchOff: n * rowFloats }, knn, sample, seed);
}

/** The same on rows already in a dot engine (the NN-descent's own copy), with recallScratchFloats at scratchOff. */
export function knnRecallOnRows(store: { engine: DotEngine; n: number; rowFloats: number; scratchOff: number }, knn: Knn, sample = 200, seed = 7): KnnRecall {
  const { engine, n, rowFloats } = store;
  const k = knn.k - 1;
  if (k < 1 || n < 2) return { recall: 1, min: 1, sampled: 0, k: knn.k };
  const mem = engine.memory;
  const qOff = store.scratchOff;
  const outOff = qOff + BATCH * rowFloats;
  const queries = sampleIndices(n, sample, seed);
  const topI = new Int32Array(k);
  const topS = new Float32Array(k);
  let sum = 0;
  let min = 1;
  for (let q0 = 0; q0 < queries.length; q0 += BATCH) {
    const nb = Math.min(BATCH, queries.length - q0);
    for (let b = 0; b < nb; b++) mem.copyWithin(qOff + b * rowFloats, queries[q0 + b] * rowFloats, (queries[q0 + b] + 1) * rowFloats);
    engine.dots(qOff, nb, 0, n, rowFloats, outOff, n);
    for (let b = 0; b < nb; b++) {
      const q = queries[q0 + b];
      topIndices(mem, outOff + b * n, n, k, q, topI, topS);
      const listed = new Set<number>();
      for (let t = 0; t < knn.k; t++) listed.add(knn.indices[q * knn.k + t]);
      let hit = 0;
      for (let t = 0; t < k; t++) if (listed.has(topI[t])) hit++;
      const r = hit / k;
      sum += r;
      min = Math.min(min, r);
    }
  }
  return { recall: sum / queries.length, min, sampled: queries.length, k: knn.k };
}
