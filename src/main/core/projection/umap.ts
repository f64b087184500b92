// Joint UMAP of images and captions, run in a worker thread (DESIGN.md "Compute").
// Rows are L2-normalised first, so euclidean UMAP neighbours are cosine neighbours.
import { Worker } from 'node:worker_threads';
import { workerPath } from '../jobs/worker_path.js';
import { CancelledError, type ProgressFn } from '../jobs/job.js';

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
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError('projection'));
    const worker = new Worker(workerPath('umap'), {
      workerData: { data: rows, n, dims, ...params },
      transferList: [rows.buffer as ArrayBuffer],
    });
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(new CancelledError('projection'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { type: string; phase?: string; done?: number; total?: number; xy?: Float32Array }) => {
      if (m.type === 'progress') onProgress?.({ phase: m.phase!, done: m.done!, total: m.total! });
      else if (m.type === 'done' && !settled) {
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(m.xy!);
        void worker.terminate();
      }
    });
    worker.on('error', (e) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    worker.on('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`UMAP worker exited with code ${code}`));
    });
  });
}
