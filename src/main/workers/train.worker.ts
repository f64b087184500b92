// Head training in a worker thread (core/heads/train_job.ts). The request arrives as workerData
// (typed arrays transferred); progress, epoch reports and the result go back as messages. A
// {type: 'stop'} message ends training after the current step with the best weights so far;
// the caller cancels by terminating the worker.
// Run as a plain process with `--bench JSON` it is the child of benchHeads (core/heads/bench.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { executeTrain, resultTransferables, type TrainJobRequest } from '../core/heads/train_job.js';
import { benchChild, type HeadBenchCase } from '../core/heads/bench.js';

async function main(): Promise<void> {
  if (!parentPort) {
    const k = process.argv.indexOf('--bench');
    if (k < 0) throw new Error('train worker: run as a worker thread, or with --bench JSON');
    const r = await benchChild(JSON.parse(process.argv[k + 1]) as HeadBenchCase).catch((e: Error) => ({ ok: false, error: e.message }));
    process.stdout.write(`${JSON.stringify(r)}\n`, () => process.exit(0));
    return;
  }
  const port = parentPort;
  let stop = false;
  port.on('message', (m: { type?: string }) => {
    if (m?.type === 'stop') stop = true;
  });
  try {
    const result = await executeTrain(workerData as TrainJobRequest, {
      onProgress: (p) => port.postMessage({ type: 'progress', ...p }),
      onEpoch: (report) => port.postMessage({ type: 'epoch', report }),
      shouldStop: () => stop,
    });
    port.postMessage({ type: 'done', result }, resultTransferables(result));
  } catch (e) {
    const err = e as Error;
    port.postMessage({ type: 'error', message: err.message, name: err.name });
  }
}

await main();
