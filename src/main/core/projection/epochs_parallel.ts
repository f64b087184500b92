// The epochs over `threads` threads: this thread runs share 0, worker threads
// (out/main/workers/epochs.js) the others, all on SharedArrayBuffers (epochs_shared.ts). The call
// stays synchronous: the threads meet at an Atomics barrier once per epoch. Same seed and thread
// count → the same coordinates; a different thread count gives a different (equally good) map.
// When the worker bundle is missing or a worker does not start, the caller falls back to one
// thread (and reports the count it used).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../jobs/worker_path.js';
import { sharedF32, sharedI32 } from '../compute/shared_arrays.js';
import { edgeSchedule, type EpochOptions } from './umap_epochs.js';
import { fail, runEpochThread, STARTED, type SharedEpochs } from './epochs_shared.js';
import type { FuzzyGraph } from './fuzzy_set.js';


export function epochsWorkerFile(): string | null {
  const file = join(packageRoot(), 'out', 'main', 'workers', 'epochs.js');
  return existsSync(file) ? file : null;
}

/** Splits points into `threads` consecutive ranges with about equal edge counts. */
function splitByEdges(head: Int32Array, n: number, threads: number): { pLo: Int32Array; eLo: Int32Array } {
  const pLo = new Int32Array(threads + 1);
  const eLo = new Int32Array(threads + 1);
  pLo[threads] = n;
  eLo[threads] = head.length;
  for (let t = 1; t < threads; t++) {
    let e = Math.floor((head.length * t) / threads);
    // Move to the first edge of that head's point so a point's edges stay with one thread.
    while (e > 0 && head[e - 1] === head[e]) e--;
    eLo[t] = e;
    pLo[t] = e < head.length ? head[e] : n;
  }
  // Points with no edges between ranges belong to the next thread: bounds must be monotone.
  for (let t = 1; t <= threads; t++) if (pLo[t] < pLo[t - 1]) pLo[t] = pLo[t - 1];
  return { pLo, eLo };
}

/**
 * Runs the epochs on `threads` threads; returns the coordinates, or null when the workers could
 * not be started (the caller then runs one thread).
 */
export function optimizeEpochsParallel(g: FuzzyGraph, xy: Float32Array, o: EpochOptions, threads: number): Float32Array | null {
  const file = epochsWorkerFile();
  if (!file || threads < 2) return null;
  const sched = edgeSchedule(g, o.nEpochs);
  const m = sched.head.length;
  const s: SharedEpochs = {
    n: g.n,
    nEpochs: o.nEpochs,
    threads,
    a: o.a,
    b: o.b,
    gamma: o.gamma ?? 1,
    negRate: o.negativeSampleRate ?? 5,
    alpha0: o.initialAlpha ?? 1,
    seed: o.seed,
    head: sharedI32(m),
    tail: sharedI32(m),
    eps: sharedF32(m),
    ...splitByEdges(sched.head, g.n, threads),
    pub0: sharedF32(2 * g.n),
    pub1: sharedF32(2 * g.n),
    ctl: sharedI32(4),
  };
  s.head.set(sched.head);
  s.tail.set(sched.tail);
  s.eps.set(sched.epochsPerSample);
  s.pub0.set(xy);
  const workers: Worker[] = [];
  for (let t = 1; t < threads; t++) {
    const w = new Worker(file, { workerData: { shared: s, t, init: s.pub0 } });
    // A worker's failure is seen through the control words (it sets FAILED, or never starts);
    // its 'error' event arrives only after this synchronous call and must not crash the process.
    w.on('error', () => {});
    workers.push(w);
  }
  // Wait (up to 30 s) for every worker to say it started; otherwise give up on threads.
  const deadline = Date.now() + 30_000;
  while (Atomics.load(s.ctl, STARTED) < threads - 1 && Date.now() < deadline) Atomics.wait(s.ctl, STARTED, Atomics.load(s.ctl, STARTED), 200);
  if (Atomics.load(s.ctl, STARTED) < threads - 1) {
    fail(s);
    for (const w of workers) void w.terminate();
    return null;
  }
  const every = o.snapshotEvery ?? 0;
  try {
    const out = runEpochThread(s, 0, xy, {
      onEpoch: (view, e) => {
        o.onEpoch?.(e, o.nEpochs);
        if (every > 0 && o.onSnapshot && e % every === 0 && e < o.nEpochs) o.onSnapshot(view.slice(), e, o.nEpochs);
      },
    });
    xy.set(out);
    return xy;
  } catch (err) {
    fail(s);
    throw err;
  } finally {
    for (const w of workers) void w.terminate();
  }
}
