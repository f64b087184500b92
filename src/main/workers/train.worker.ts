// Head training in a worker thread (core/heads/train_job.ts), served through the worker RPC
// (core/jobs/worker_rpc.ts): `train` takes the request (typed arrays transferred), sends progress
// and 'epoch' events, and returns the result with its arrays transferred. A soft stop (the RPC's
// stop signal) ends training after the current step with the best weights so far; a cancel aborts
// its signal, and the worker is terminated after the RPC's grace period.
// Run as a plain process with `--bench JSON` it is the child of benchHeads (core/heads/bench.ts).
import { parentPort } from 'node:worker_threads';
import { executeTrain, resultTransferables, type TrainJobRequest } from '../core/heads/train_job.js';
import { benchChild, type HeadBenchCase } from '../core/heads/bench.js';
import type { EpochReport } from '../core/heads/train.js';
import { serveWorker, type WorkerContext } from '../core/jobs/worker_rpc.js';

export type TrainWorkerEvents = {
  epoch: EpochReport;
};

async function train(req: TrainJobRequest, ctx: WorkerContext<TrainWorkerEvents>) {
  const result = await executeTrain(req, {
    onProgress: (p) => ctx.progress(p.phase, p.done, p.total),
    onEpoch: (report) => ctx.emit('epoch', report),
    shouldStop: () => ctx.stopSignal.aborted,
    signal: ctx.signal,
  });
  ctx.transfer(...resultTransferables(result));
  return result;
}

export const api = { train };
export type TrainWorker = typeof api;

async function main(): Promise<void> {
  if (!parentPort) {
    const k = process.argv.indexOf('--bench');
    if (k < 0) throw new Error('train worker: run as a worker thread, or with --bench JSON');
    const r = await benchChild(JSON.parse(process.argv[k + 1]) as HeadBenchCase).catch((e: Error) => ({ ok: false, error: e.message }));
    process.stdout.write(`${JSON.stringify(r)}\n`, () => process.exit(0));
    return;
  }
  serveWorker(api);
}

await main();
