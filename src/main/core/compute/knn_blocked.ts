// Cross-modal top-k in both directions, with the row and column statistics that z-scores need
// (SCIENCE 4.2 step 1).
//
// exact (galleries up to 50k items): one blocked pass over the image × caption score matrix. A
//   block holds the scores of `blockRows` images against every caption (the SIMD dot engine,
//   register-blocked 2×4 over tiles of 128 captions: CONTEXT.md has the layout measurements).
//   Image rows are complete inside the block, so their top-k (i2t) is taken at once; every caption
//   keeps a running top-k (t2i) with its current k-th score as a threshold, so almost every entry
//   costs one comparison. Row and column sums and sums of squares are accumulated in the same
//   loop. The full matrix is never held.
// ivf (larger galleries): an inverted file per direction: spherical k-means (√n lists) on the
//   gallery, each query scores the `nprobe` nearest lists exactly (knn_ivf.ts). Row/column
//   statistics then come from a random sample of the gallery.
//
// Order within a list: decreasing score; equal scores keep the lower gallery index first.
import { CancelledError } from '../jobs/job.js';
import { ivfCrossModal } from './knn_ivf.js';
import type { DotEngine } from './dot_engine.js';
import type { TopRecall } from './ivf_recall.js';
import { emptyLists, finishLists, finishStats, offer, type RowStats, type TopKLists } from './top_k.js';
export { rankIn, type RowStats, type TopKLists } from './top_k.js';

/**
 * A space as cross-modal search reads it: image and caption rows in one dot engine's memory,
 * with per-item constants of the score (mining/space_engine.ts LoadedSpace is one).
 */
export interface CrossModalSpace {
  readonly nImages: number;
  readonly nTexts: number;
  readonly engine: DotEngine;
  /** Floats per row (padded). */
  readonly row: number;
  /** Images per score block. */
  readonly blockRows: number;
  /** Scores are −(a_i + a_t − 2⟨u, v⟩) with the constants below (CSD); else ⟨u, v⟩. */
  readonly csd: boolean;
  imageOffset(i: number): number;
  textOffset(c: number): number;
  imageConst(i: number): number;
  textConst(c: number): number;
  /** Scores images i0..i0+rows-1 against every caption; returns the block's offset in memory. */
  scoreBlock(i0: number, rows: number): number;
}

export interface CrossModalKnn {
  method: 'exact' | 'ivf';
  /** Image queries over captions. */
  i2t: TopKLists;
  /** Caption queries over images. */
  t2i: TopKLists;
  /** Per image: its scores against all captions. */
  imageStats: RowStats;
  /** Per caption: its scores against all images. */
  textStats: RowStats;
  /** IVF only: recall of sampled queries' top-50 against exact search, per direction. */
  recall?: { i2t: TopRecall; t2i: TopRecall };
}

export interface KnnOptions {
  /** List length per image (i2t). */
  kI2T: number;
  /** List length per caption (t2i). */
  kT2I: number;
  /** 'auto' (default): exact when neither gallery exceeds exactLimit, else ivf. */
  method?: 'auto' | 'exact' | 'ivf';
  exactLimit?: number;
  ivf?: IvfOptions;
  /**
   * IVF only: compute one direction ('i2t': image queries; 't2i': caption queries); the other
   * comes back empty (k = 0, statistics NaN). Two threads then run the directions side by side
   * (mining/knn_worker.ts) and mergeDirections joins them. Exact search always does both in its one pass.
   */
  direction?: 'both' | 'i2t' | 't2i';
  signal?: AbortSignal;
  /** Fraction done in 0..1. */
  onProgress?: (fraction: number) => void;
}

export interface IvfOptions {
  /** Lists (default round(√n)). */
  nlist?: number;
  /** Lists scanned per query (default: the smallest of max(4, nlist / 64), doubled, … whose sampled recall reaches recallTarget). */
  nprobe?: number;
  /** k-means iterations (default 6). */
  iterations?: number;
  /** Gallery items sampled for the row statistics (default 256). */
  statSample?: number;
  seed?: number;
  /** Queries per direction whose top-`recallDepth` is checked against exact search (default 100; 0 skips). */
  recallSample?: number;
  recallDepth?: number;
  /** Without an explicit nprobe: the smallest nprobe (default, doubled, …) whose sampled recall reaches this (default 0.95). */
  recallTarget?: number;
}

export const EXACT_LIMIT = 50_000;

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('mining');
}

/** Exact blocked top-k in both directions (see the file header). */
export function exactCrossModal(space: CrossModalSpace, opts: KnnOptions): CrossModalKnn {
  const { nImages: nI, nTexts: nT } = space;
  const kI = Math.max(1, Math.min(opts.kI2T, nT));
  const kT = Math.max(1, Math.min(opts.kT2I, nI));
  const i2t = emptyLists(nI, kI);
  const t2i = emptyLists(nT, kT);
  const colThr = new Float32Array(nT).fill(-Infinity);
  const colSum = new Float64Array(nT);
  const colSq = new Float64Array(nT);
  const rowSum = new Float64Array(nI);
  const rowSq = new Float64Array(nI);
  const mem = space.engine.memory;
  const tIdx = t2i.indices;
  const tSc = t2i.scores;
  const iIdx = i2t.indices;
  const iSc = i2t.scores;
  const block = space.blockRows;
  for (let i0 = 0; i0 < nI; i0 += block) {
    checkAbort(opts.signal);
    const rows = Math.min(block, nI - i0);
    const off = space.scoreBlock(i0, rows);
    for (let r = 0; r < rows; r++) {
      const i = i0 + r;
      const o = off + r * nT;
      const base = i * kI;
      let thr = -Infinity;
      let s1 = 0;
      let s2 = 0;
      for (let c = 0; c < nT; c++) {
        const s = mem[o + c];
        s1 += s;
        s2 += s * s;
        colSum[c] += s;
        colSq[c] += s * s;
        if (s > thr) thr = offer(iIdx, iSc, base, kI, c, s);
        if (s > colThr[c]) colThr[c] = offer(tIdx, tSc, c * kT, kT, i, s);
      }
      rowSum[i] = s1;
      rowSq[i] = s2;
    }
    opts.onProgress?.((i0 + rows) / nI);
  }
  return { method: 'exact', i2t: finishLists(i2t), t2i: finishLists(t2i), imageStats: finishStats(rowSum, rowSq, nT, 'all'), textStats: finishStats(colSum, colSq, nI, 'all') };
}

/** Top-k in both directions: exact and blocked up to `exactLimit` items per gallery, else IVF. */
export function crossModalKnn(space: CrossModalSpace, opts: KnnOptions): CrossModalKnn {
  const method = opts.method ?? 'auto';
  const limit = opts.exactLimit ?? EXACT_LIMIT;
  const exact = method === 'exact' || (method === 'auto' && Math.max(space.nImages, space.nTexts) <= limit);
  return exact ? exactCrossModal(space, opts) : ivfCrossModal(space, opts);
}

