// Encoding in a worker thread (DESIGN.md "Compute"). kind 'encode': one encoding job
// (core/encoders/encode_job.ts runEncodeJob), posting progress, then the result or an error; the
// caller cancels by terminating us. kind 'bench': one backend's benchmark (core/encoders/bench.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { benchBaselineHere } from '../core/encoders/bench.js';
import { runEncodeJob, type EncodeWorkerMessage, type JobInput } from '../core/encoders/encode_job.js';

const port = parentPort!;
const data = workerData as { kind: 'encode'; input: JobInput } | { kind: 'bench'; bench: Parameters<typeof benchBaselineHere>[0] };
const post = (m: EncodeWorkerMessage | { type: 'bench'; result: unknown }): void => port.postMessage(m);

// Progress is throttled to ~20 messages a second, except the last of each phase.
let lastPost = 0;
function onProgress(phase: string, done: number, total: number): void {
  const now = performance.now();
  if (done < total && done > 0 && now - lastPost < 50) return;
  lastPost = now;
  post({ type: 'progress', phase, done, total });
}

try {
  if (data.kind === 'bench') {
    post({ type: 'bench', result: await benchBaselineHere(data.bench) });
  } else {
    const result = await runEncodeJob(data.input, {
      onProgress,
      onKey: (id) => post({ type: 'key', id }),
      log: (line) => post({ type: 'log', line }),
    });
    post({ type: 'done', result });
  }
} catch (e) {
  const err = e as Error;
  post({ type: 'error', name: err?.name ?? 'Error', message: err?.message ?? String(e) });
}
