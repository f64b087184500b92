// Joint UMAP of images and captions, run in a worker thread (DESIGN.md "Compute").
// Rows are L2-normalised first, so euclidean UMAP neighbours are cosine neighbours.
import { runWorkerJob } from '../jobs/worker_job.js';
import type { ProgressFn } from '../jobs/job.js';

export interface UmapParams {
  nNeighbors: number;
  minDist: number;
  nEpochs: number;
  seed: number;
}

export const DEFAULT_UMAP: UmapParams = { nNeighbors: 15, minDist: 0.1, nEpochs: 200, seed: 42 };

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

export function runUmap(
  data: Float32Array,
  dims: number,
  params: UmapParams,
  onProgress?: ProgressFn,
  signal?: AbortSignal,
): Promise<Float32Array> {
  const n = data.length / dims;
  const rows = normalizedRows(data, dims);
  return runWorkerJob<Float32Array>('umap', {
    what: 'projection',
    workerData: { data: rows, n, dims, ...params },
    transferList: [rows.buffer as ArrayBuffer],
    signal,
    onProgress,
  });
}
