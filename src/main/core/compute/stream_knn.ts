// Exact cross-modal top-k in both directions over embeddings read block by block (RowBlocks): the
// candidate search of mining for spaces over the memory budget. Image blocks are the outer loop,
// caption blocks stream past each; an image's list sees the captions in index order, a caption's
// list the images in index order, and every score comes from the same kernel, so the lists and
// the row/column statistics are the in-memory exactCrossModal's, bit for bit. Rows held at once:
// one image block and one caption block (streamBlocks from the budget).
import { CancelledError } from '../jobs/job.js';
import type { RowBlocks } from '../io/row_shards.js';
import type { CrossModalKnn } from './knn_blocked.js';
import { blockEngine, loadRows, streamBlocks, type StreamBlocks } from './stream_rows.js';
import { emptyLists, finishLists, finishStats, offer } from './top_k.js';

export interface StreamKnnOptions {
  kI2T: number;
  kT2I: number;
  budgetBytes: number;
  /** 'cosine' (default) normalises rows; 'dot' scores raw inner products. */
  similarity?: 'cosine' | 'dot';
  /** Fixed block sizes (tests); default from the budget. */
  blocks?: Partial<StreamBlocks>;
  engine?: 'auto' | 'wasm-simd' | 'js';
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface StreamKnn extends CrossModalKnn {
  blocks: StreamBlocks;
  /** Passes over the caption rows (one per image block). */
  passes: number;
}

export function streamedCrossModal(image: RowBlocks, text: RowBlocks, opts: StreamKnnOptions): StreamKnn {
  if (image.dims !== text.dims) throw new RangeError(`image rows have ${image.dims} dims, caption rows ${text.dims}`);
  const nI = image.rows;
  const nT = text.rows;
  const dims = image.dims;
  const kI = Math.max(1, Math.min(opts.kI2T, nT));
  const kT = Math.max(1, Math.min(opts.kT2I, nI));
  const blocks = streamBlocks(nI, nT, dims, opts.budgetBytes, opts.blocks);
  const { engine, row, galleryOff, scoreOff } = blockEngine(dims, blocks, 0, opts.engine);
  const mem = engine.memory;
  const cosine = (opts.similarity ?? 'cosine') === 'cosine';
  const i2t = emptyLists(nI, kI);
  const t2i = emptyLists(nT, kT);
  const rowThr = new Float32Array(nI).fill(-Infinity);
  const colThr = new Float32Array(nT).fill(-Infinity);
  const rowSum = new Float64Array(nI);
  const rowSq = new Float64Array(nI);
  const colSum = new Float64Array(nT);
  const colSq = new Float64Array(nT);
  const { indices: iIdx, scores: iSc } = i2t;
  const { indices: tIdx, scores: tSc } = t2i;
  let passes = 0;
  for (let i0 = 0; i0 < nI; i0 += blocks.queryRows) {
    const rows = Math.min(blocks.queryRows, nI - i0);
    loadRows(mem, 0, row, image.read(i0, rows), dims, cosine);
    passes++;
    for (let t0 = 0; t0 < nT; t0 += blocks.galleryRows) {
      if (opts.signal?.aborted) throw new CancelledError('mining');
      const cols = Math.min(blocks.galleryRows, nT - t0);
      loadRows(mem, galleryOff, row, text.read(t0, cols), dims, cosine);
      engine.dots(0, rows, galleryOff, cols, row, scoreOff, cols);
      for (let r = 0; r < rows; r++) {
        const i = i0 + r;
        const o = scoreOff + r * cols;
        const base = i * kI;
        let thr = rowThr[i];
        let s1 = rowSum[i];
        let s2 = rowSq[i];
        for (let k = 0; k < cols; k++) {
          const s = mem[o + k];
          const c = t0 + k;
          s1 += s;
          s2 += s * s;
          colSum[c] += s;
          colSq[c] += s * s;
          if (s > thr) thr = offer(iIdx, iSc, base, kI, c, s);
          if (s > colThr[c]) colThr[c] = offer(tIdx, tSc, c * kT, kT, i, s);
        }
        rowThr[i] = thr;
        rowSum[i] = s1;
        rowSq[i] = s2;
      }
    }
    opts.onProgress?.((i0 + rows) / nI);
  }
  return {
    method: 'exact',
    i2t: finishLists(i2t),
    t2i: finishLists(t2i),
    imageStats: finishStats(rowSum, rowSq, nT, 'all'),
    textStats: finishStats(colSum, colSq, nI, 'all'),
    blocks,
    passes,
  };
}
