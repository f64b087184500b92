// The map's layout in a worker thread (core/projection/umap_layout.ts), served through the worker
// RPC (core/jobs/worker_rpc.ts). Input rows arrive as a transferred Float32Array (already unit
// length); intermediate ('snapshot' events) and final coordinates go back transferred. Progress
// per phase; the layout never yields, so a cancel terminates the thread.
import { computeLayout, type LayoutParams } from '../core/projection/umap_layout.js';
import { serveWorker, type WorkerContext } from '../core/jobs/worker_rpc.js';

export interface UmapWorkerInput {
  data: Float32Array;
  n: number;
  dims: number;
  params: LayoutParams;
  snapshotEvery: number;
}

export type UmapWorkerEvents = {
  snapshot: { phase: string; xy: Float32Array };
};

function layout(input: UmapWorkerInput, ctx: WorkerContext<UmapWorkerEvents>) {
  const { xy, ...summary } = computeLayout(input.data, input.dims, input.params, {
    onProgress: (phase, done, total) => ctx.progress(phase, done, total),
    onSnapshot: input.snapshotEvery > 0 ? (s, phase) => ctx.emit('snapshot', { phase, xy: s }, [s.buffer as ArrayBuffer]) : undefined,
    snapshotEvery: input.snapshotEvery,
  });
  ctx.transfer(xy.buffer as ArrayBuffer);
  return { xy, summary };
}

export const api = { layout };
export type UmapWorker = typeof api;

serveWorker(api);
