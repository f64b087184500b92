// R@K, R-Precision and mAP@R in both directions over embeddings read block by block (RowBlocks,
// io/row_shards.ts): the metrics of a space over the memory budget. One pass per direction: a block
// of queries is held with its positives' rows (gathered), the gallery streams past in blocks, and
// each query's RankTally is fed its score segments in gallery order. Scores come from the same
// kernel and the same row normalisation as evaluateSpace, and queries are added in index order, so
// the results equal the in-memory evaluateSpace's exactly. Rows held at once: one query block, its
// positives' rows and one gallery block (streamBlocks from the budget). PM sets and CSD are not
// streamed.
import { paddedRow } from '../compute/dot_engine.js';
import { blockEngine, loadRows, streamBlocks, type StreamBlocks } from '../compute/stream_rows.js';
import { gatherRows } from '../io/row_sample.js';
import type { RowBlocks } from '../io/row_shards.js';
import { DEFAULT_KS, MetricsAccumulator, type MetricsOptions, type MetricsResult } from './evaluate.js';
import { invertPositives, positivesOf, toPositiveLists, type PositiveLists, type PositivesLike } from './positives.js';
import { RankTally } from './ranks.js';

export interface StreamEvalOptions extends Omit<MetricsOptions, 'pm' | 'pmSets'> {
  budgetBytes: number;
  similarity?: 'cosine' | 'dot';
  blocks?: Partial<StreamBlocks>;
  engine?: 'auto' | 'wasm-simd' | 'js';
  onProgress?: (done: number, total: number) => void;
}

export interface StreamEvalResult {
  i2t: MetricsResult;
  t2i: MetricsResult;
  blocks: StreamBlocks;
}

function direction(queries: RowBlocks, gallery: RowBlocks, lists: PositiveLists, acc: MetricsAccumulator, opts: StreamEvalOptions, progress: (done: number) => void): StreamBlocks {
  const nQ = queries.rows;
  const nG = gallery.rows;
  const dims = queries.dims;
  const cosine = (opts.similarity ?? 'cosine') === 'cosine';
  // Room for the positives' rows of one query block: at most the block × the largest positive list,
  // kept within a quarter of the budget (fewer queries per block when lists are long); the query
  // and gallery blocks share the rest.
  let maxPos = 0;
  for (let q = 0; q < nQ; q++) maxPos = Math.max(maxPos, positivesOf(lists, q).length);
  const quarter = opts.budgetBytes / 4;
  const qCap = Math.max(1, Math.floor(quarter / (4 * paddedRow(dims) * Math.max(1, maxPos))));
  const blocks = streamBlocks(nQ, nG, dims, opts.budgetBytes - quarter, opts.blocks, qCap);
  const posRows = Math.min(nG, blocks.queryRows * maxPos);
  const { engine, row, galleryOff, scoreOff } = blockEngine(dims, blocks, posRows, opts.engine);
  const mem = engine.memory;
  const posOff = blocks.queryRows * row;
  for (let q0 = 0; q0 < nQ; q0 += blocks.queryRows) {
    const rows = Math.min(blocks.queryRows, nQ - q0);
    loadRows(mem, 0, row, queries.read(q0, rows), dims, cosine);
    // The block's positives, each gallery row once, scored with the same kernel as the blocks.
    const wanted = new Map<number, number>();
    for (let r = 0; r < rows; r++) for (const g of positivesOf(lists, q0 + r)) if (!wanted.has(g)) wanted.set(g, wanted.size);
    const ids = [...wanted.keys()];
    if (ids.length) loadRows(mem, posOff, row, gatherRows(gallery, ids), dims, cosine);
    const tallies: (RankTally | null)[] = [];
    for (let r = 0; r < rows; r++) {
      const pos = positivesOf(lists, q0 + r);
      tallies.push(pos.length ? new RankTally(pos, (j) => engine.dot(r * row, posOff + wanted.get(pos[j])! * row, row)) : null);
    }
    for (let g0 = 0; g0 < nG; g0 += blocks.galleryRows) {
      const cols = Math.min(blocks.galleryRows, nG - g0);
      loadRows(mem, galleryOff, row, gallery.read(g0, cols), dims, cosine);
      engine.dots(0, rows, galleryOff, cols, row, scoreOff, cols);
      for (let r = 0; r < rows; r++) tallies[r]?.scan(mem, scoreOff + r * cols, 1, cols, g0);
    }
    for (const t of tallies) acc.add(t ? t.finish(nG) : null);
    progress(q0 + rows);
  }
  return blocks;
}

/** Both directions; t2iPositives lists, per caption, its positive images (as evaluateSpace). */
export function evaluateStreamed(image: RowBlocks, text: RowBlocks, t2iPositives: PositivesLike, opts: StreamEvalOptions): StreamEvalResult {
  if (image.dims !== text.dims) throw new RangeError(`image rows have ${image.dims} dims, caption rows ${text.dims}`);
  const nI = image.rows;
  const nT = text.rows;
  if (nI < 1 || nT < 1) throw new RangeError('both image and text embeddings need at least one row');
  const ks = opts.ks ?? DEFAULT_KS;
  const ties = opts.ties ?? 'expected';
  const t2i = toPositiveLists(t2iPositives, nT, nI);
  const i2t = invertPositives(t2i);
  const accI2t = new MetricsAccumulator(ks, ties, 0, opts.pmK);
  const accT2i = new MetricsAccumulator(ks, ties, 0, opts.pmK);
  const blocks = direction(image, text, i2t, accI2t, opts, (d) => opts.onProgress?.(d, nI + nT));
  direction(text, image, t2i, accT2i, opts, (d) => opts.onProgress?.(nI + d, nI + nT));
  return {
    i2t: accI2t.result({ out_of_range: 0, duplicates: 0 }),
    t2i: accT2i.result({ out_of_range: t2i.outOfRange, duplicates: t2i.duplicates }),
    blocks,
  };
}
