// One share of the layout's epochs (core/projection/epochs_shared.ts) on a worker thread started
// by core/projection/epochs_parallel.ts. No RPC: everything arrives in workerData on
// SharedArrayBuffers, the thread says it started through the shared control words, and it meets
// the others at an Atomics barrier once per epoch. A failure wakes every thread.
import { workerData } from 'node:worker_threads';
import { fail, runEpochThread, STARTED, type SharedEpochs } from '../core/projection/epochs_shared.js';

const { shared, t, init } = workerData as { shared: SharedEpochs; t: number; init: Float32Array };
const start = init.slice();
Atomics.add(shared.ctl, STARTED, 1);
Atomics.notify(shared.ctl, STARTED);
try {
  runEpochThread(shared, t, start);
} catch {
  fail(shared);
}
