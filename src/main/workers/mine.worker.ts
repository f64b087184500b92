// Mining in worker threads, served through the worker RPC (core/jobs/worker_rpc.ts). Two functions:
// - `mine`: mining's compute step (core/mining/mine.ts `mineCompute`: plain data and typed arrays
//   read from the open Project, no path), progress per phase; the caller writes the run to the store;
// - `knn`: one space's cross-modal kNN (knn_worker.ts), progress as a fraction (done of total 1),
//   the lists and statistics transferred back.
// A cancel reaches mineCompute as its signal, and the worker is terminated after the RPC's grace period.
import type { MineInput } from '../core/mining/mine.js';
import type { KnnTask } from '../core/mining/knn_worker.js';
import { serveWorker, type WorkerContext } from '../core/jobs/worker_rpc.js';

async function mine(input: MineInput, ctx: WorkerContext) {
  const { mineCompute } = await import('../core/mining/mine.js');
  return mineCompute(input, { signal: ctx.signal, onProgress: (p) => ctx.progress(p.phase, p.done, p.total) });
}

async function knn(task: KnnTask, ctx: WorkerContext) {
  const { runKnnTask } = await import('../core/mining/knn_worker.js');
  const out = runKnnTask(task, (fraction) => ctx.progress('knn', fraction, 1));
  ctx.transfer(...[out.i2t.indices, out.i2t.scores, out.t2i.indices, out.t2i.scores, out.imageStats.mean, out.imageStats.sd, out.textStats.mean, out.textStats.sd].map((a) => a.buffer as ArrayBuffer));
  return out;
}

export const api = { mine, knn };
export type MineWorker = typeof api;

serveWorker(api, { progressEveryMs: 100 });
