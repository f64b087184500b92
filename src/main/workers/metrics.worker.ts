// Metrics of an embedding space over image ranges (core/metrics/space_parallel.ts), served
// through the worker RPC (core/jobs/worker_rpc.ts): `part` takes a SpacePartTask (rows in
// SharedArrayBuffers), reports progress as images scored in its range, and returns its arrays
// transferred.
import { runSpacePart, type SpacePartTask } from '../core/metrics/space_parallel.js';
import { serveWorker, type WorkerContext } from '../core/jobs/worker_rpc.js';

function part(task: SpacePartTask, ctx: WorkerContext) {
  const total = task.i1 - task.i0;
  let done = 0;
  const result = runSpacePart(task, (rows) => {
    done += rows;
    ctx.progress('scores', done, total);
  });
  ctx.transfer(...[result.i2tValues, result.i2tPresent, result.pmValues, result.pmPresent, ...result.t2iStates].map((a) => a.buffer as ArrayBuffer));
  return result;
}

export const api = { part };
export type MetricsWorker = typeof api;

serveWorker(api);
