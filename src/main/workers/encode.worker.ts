// Encoding in a worker thread (DESIGN.md "Compute"), served through the worker RPC
// (core/jobs/worker_rpc.ts). `encode`: one encoding job (core/encoders/encode_job.ts runEncodeJob)
// with progress (at most ~20 reports a second, except each phase's first and last), 'key' and
// 'log' events, then the result; `bench`: one backend's benchmark (core/encoders/bench.ts).
import { benchBaselineHere } from '../core/encoders/bench.js';
import { runEncodeJob, type JobInput } from '../core/encoders/encode_job.js';
import { serveWorker, type WorkerContext } from '../core/jobs/worker_rpc.js';

export type EncodeWorkerEvents = {
  /** The space's id, once known (the caller removes its temporaries after a cancel). */
  key: string;
  log: string;
};

function encode(input: JobInput, ctx: WorkerContext<EncodeWorkerEvents>) {
  return runEncodeJob(input, {
    onProgress: (phase, done, total) => ctx.progress(phase, done, total),
    onKey: (id) => ctx.emit('key', id),
    log: (line) => ctx.emit('log', line),
    signal: ctx.signal,
  });
}

function bench(opts: Parameters<typeof benchBaselineHere>[0]) {
  return benchBaselineHere(opts);
}

export const api = { encode, bench };
export type EncodeWorker = typeof api;

serveWorker(api, { progressEveryMs: 50 });
