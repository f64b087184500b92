// One NN-descent join worker (core/compute/nn_descent_parallel.ts): the rows arrive as a shared
// WebAssembly memory and everything else on SharedArrayBuffers in workerData; the thread scores
// its share of each chunk of local joins until the main thread says quit. No RPC: the main thread
// waits on Atomics. A failure sets the failed word so the main thread stops waiting.
import { workerData } from 'node:worker_threads';
import { runJoinWorker, failJoins, type JoinShared } from '../core/compute/nn_descent_parallel.js';

const { shared, w } = workerData as { shared: JoinShared; w: number };
try {
  runJoinWorker(shared, w);
} catch {
  failJoins(shared);
}
