// Joint UMAP of images and captions, run in a worker thread (DESIGN.md "Compute").
// Rows are L2-normalised first, so euclidean UMAP neighbours are cosine neighbours. The worker
// runs umap_layout.ts: PCA first view, kNN graph, fuzzy set, epochs; intermediate coordinates
// come back as transferred Float32Arrays through onSnapshot while it runs.
import { workerClient } from '../jobs/worker_rpc.js';
import type { ProgressFn } from '../jobs/job.js';
import type { KnnMethod } from '../compute/projection_knn.js';
import type { LayoutResult } from './umap_layout.js';
import type { UmapWorker } from '../../workers/umap.worker.js';

export interface UmapParams {
  nNeighbors: number;
  minDist: number;
  nEpochs: number;
  seed: number;
  /** 'umap' (default) or the PCA view alone. */
  method?: 'umap' | 'pca';
  knn?: KnnMethod;
}

export const DEFAULT_UMAP: UmapParams = { nNeighbors: 15, minDist: 0.1, nEpochs: 200, seed: 42 };

/** Epochs between intermediate coordinates sent to the caller. */
export const SNAPSHOT_EVERY = 10;

export function normalizedRows(data: Float32Array, dims: number): Float32Array {
  const out = new Float32Array(data.length);
  const n = data.length / dims;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += data[i * dims + d] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dims; d++) out[i * dims + d] = data[i * dims + d] * inv;
  }
  return out;
}

export type LayoutSummary = Omit<LayoutResult, 'xy'>;

/** The layout with its timings and kNN report. */
export async function runLayoutJob(
  data: Float32Array,
  dims: number,
  params: UmapParams,
  opts: { onProgress?: ProgressFn; onSnapshot?: (xy: Float32Array, phase: string) => void; signal?: AbortSignal } = {},
): Promise<{ xy: Float32Array; summary: LayoutSummary }> {
  const n = data.length / dims;
  const rows = normalizedRows(data, dims);
  return workerClient<UmapWorker>('umap').call(
    'layout',
    { data: rows, n, dims, params: { method: 'umap', ...params }, snapshotEvery: opts.onSnapshot ? SNAPSHOT_EVERY : 0 },
    {
      what: 'projection',
      transfer: [rows.buffer as ArrayBuffer],
      signal: opts.signal,
      onProgress: opts.onProgress,
      on: { snapshot: (s) => opts.onSnapshot?.(s.xy, s.phase) },
      // The layout never yields to read a cancel message: terminate at once.
      graceMs: 0,
    },
  );
}

export async function runUmap(
  data: Float32Array,
  dims: number,
  params: UmapParams,
  onProgress?: ProgressFn,
  signal?: AbortSignal,
): Promise<Float32Array> {
  return (await runLayoutJob(data, dims, params, { onProgress, signal })).xy;
}
