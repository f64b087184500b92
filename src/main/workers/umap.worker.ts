// The map's layout in a worker thread (core/projection/umap_layout.ts). Input rows arrive as a
// transferred Float32Array (already unit length); intermediate and final coordinates go back
// transferred. Progress per phase; the caller cancels by terminating us.
import { parentPort, workerData } from 'node:worker_threads';
import { computeLayout, type LayoutParams } from '../core/projection/umap_layout.js';

export interface UmapWorkerInput {
  data: Float32Array;
  n: number;
  dims: number;
  params: LayoutParams;
  snapshotEvery: number;
}

const input = workerData as UmapWorkerInput;
const port = parentPort!;
try {
  const { xy, ...summary } = computeLayout(input.data, input.dims, input.params, {
    onProgress: (phase, done, total) => port.postMessage({ type: 'progress', phase, done, total }),
    onSnapshot: input.snapshotEvery > 0 ? (s, phase) => port.postMessage({ type: 'snapshot', phase, xy: s }, [s.buffer as ArrayBuffer]) : undefined,
    snapshotEvery: input.snapshotEvery,
  });
  port.postMessage({ type: 'done', result: { xy, summary } }, [xy.buffer as ArrayBuffer]);
} catch (e) {
  port.postMessage({ type: 'error', name: (e as Error).name, message: (e as Error).message });
}
