// Block sizes and row loading for the streamed operations (stream_knn.ts, metrics/stream_eval.ts):
// query rows and gallery rows are read block by block from a RowBlocks (io/row_shards.ts), so the
// embedding rows held at once are two blocks, whatever the gallery's size.
export { gatherRows } from '../io/row_sample.js';
import { createDotEngine, paddedRow, type DotEngine, type EngineKind } from './dot_engine.js';

export interface StreamBlocks {
  /** Query rows per block. */
  queryRows: number;
  /** Gallery rows per block. */
  galleryRows: number;
}

/**
 * The largest square-ish blocks whose rows and score block fit in `budgetBytes`:
 * (q + g)·row + q·g floats. Queries are capped at 1,024 rows per block (their tallies or lists
 * are per query, the gallery block is what saves passes).
 */
export function streamBlocks(nQueries: number, nGallery: number, dims: number, budgetBytes: number, fixed: Partial<StreamBlocks> = {}, queryCap = Infinity): StreamBlocks {
  const row = paddedRow(dims);
  const floats = Math.max(1, Math.floor(budgetBytes / 4));
  const q = Math.max(1, Math.min(nQueries, fixed.queryRows ?? Math.min(1024, queryCap, Math.floor(Math.sqrt(floats) / 2))));
  const g = fixed.galleryRows ?? Math.floor((floats - q * row) / (row + q));
  return { queryRows: q, galleryRows: Math.max(1, Math.min(nGallery, g)) };
}

/** An engine with room for a query block, a gallery block and their scores. */
export interface BlockEngine {
  engine: DotEngine;
  row: number;
  galleryOff: number;
  scoreOff: number;
}

export function blockEngine(dims: number, blocks: StreamBlocks, extraRows = 0, kind: 'auto' | EngineKind = 'auto'): BlockEngine {
  const row = paddedRow(dims);
  const galleryOff = (blocks.queryRows + extraRows) * row;
  const scoreOff = galleryOff + blocks.galleryRows * row;
  return { engine: createDotEngine(scoreOff + blocks.queryRows * blocks.galleryRows, kind), row, galleryOff, scoreOff };
}

/**
 * Copies `n` rows of `src` into the engine at `off` (padded rows), L2-normalised for cosine,
 * exactly as the in-memory spaces load them (mining/space_engine.ts, metrics/space_eval.ts).
 */
export function loadRows(mem: Float32Array, off: number, row: number, src: Float32Array, dims: number, cosine: boolean): void {
  const n = src.length / dims;
  for (let i = 0; i < n; i++) {
    const base = i * dims;
    let s = 0;
    for (let d = 0; d < dims; d++) s += src[base + d] * src[base + d];
    if (!Number.isFinite(s)) throw new RangeError(`row ${i} is not finite`);
    const scale = cosine && s > 0 ? 1 / Math.sqrt(s) : 1;
    const o = off + i * row;
    for (let d = 0; d < dims; d++) mem[o + d] = src[base + d] * scale;
    for (let d = dims; d < row; d++) mem[o + d] = 0;
  }
}
