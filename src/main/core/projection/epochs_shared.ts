// The layout's epochs on several threads at once, one thread's share (SCIENCE.md, UMAP). Each
// thread owns a consecutive range of points and the edges whose head lies in it (edges are
// sorted by head). Within an epoch a thread moves only its own points, in its private copy of all
// coordinates; the other threads' points stay as they were at the end of the previous epoch.
// At each epoch's end a thread publishes its range into one of two shared buffers (alternating by
// epoch), waits at a barrier, and copies the others' ranges back. No thread ever reads a point
// that another is writing, so the result depends on the seed and the thread count only.
// Because a positive sample moves only its head (the tail is moved when the reverse edge, which
// the fuzzy union always stores, is sampled by the tail's owner), its step counts twice.
import { fastPow } from './umap_epochs.js';

export interface SharedEpochs {
  n: number;
  nEpochs: number;
  threads: number;
  a: number;
  b: number;
  gamma: number;
  negRate: number;
  alpha0: number;
  seed: number;
  /** Edge heads, tails and epochs-per-sample (SharedArrayBuffer-backed; sorted by head). */
  head: Int32Array;
  tail: Int32Array;
  eps: Float32Array;
  /** threads + 1 point bounds and edge bounds: thread t owns points [pLo[t], pLo[t+1]). */
  pLo: Int32Array;
  eLo: Int32Array;
  /** Two n × 2 coordinate buffers on SharedArrayBuffers, written alternately. */
  pub0: Float32Array;
  pub1: Float32Array;
  /** [arrived, generation, started, failed]. */
  ctl: Int32Array;
}

const ARRIVED = 0;
const GEN = 1;
export const STARTED = 2;
export const FAILED = 3;

/** Waits until every thread has arrived; throws when a thread reported a failure. */
export function barrier(s: SharedEpochs): void {
  const ctl = s.ctl;
  const gen = Atomics.load(ctl, GEN);
  if (Atomics.add(ctl, ARRIVED, 1) === s.threads - 1) {
    Atomics.store(ctl, ARRIVED, 0);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
  } else {
    while (Atomics.load(ctl, GEN) === gen) {
      if (Atomics.load(ctl, FAILED) !== 0) throw new Error('a layout thread failed');
      Atomics.wait(ctl, GEN, gen, 1000);
    }
  }
  if (Atomics.load(ctl, FAILED) !== 0) throw new Error('a layout thread failed');
}

/** Marks the run failed and wakes every waiting thread. */
export function fail(s: SharedEpochs): void {
  Atomics.store(s.ctl, FAILED, 1);
  Atomics.add(s.ctl, GEN, 1);
  Atomics.notify(s.ctl, GEN);
}

export interface ThreadHooks {
  /** After each epoch, with every point's coordinates (thread 0 only). */
  onEpoch?: (view: Float32Array, epoch: number) => void;
}

/** Runs all epochs for thread `t`; returns its view (every point's final coordinates). */
export function runEpochThread(s: SharedEpochs, t: number, init: Float32Array, hooks: ThreadHooks = {}): Float32Array {
  const { head, tail, eps, a, b, gamma, n: nV } = s;
  const lo = s.pLo[t];
  const hi = s.pLo[t + 1];
  const e0 = s.eLo[t];
  const e1 = s.eLo[t + 1];
  const m = e1 - e0;
  const emb = init.slice();
  const epsNeg = new Float32Array(m);
  const nextSample = new Float32Array(m);
  const nextNeg = new Float32Array(m);
  for (let e = 0; e < m; e++) {
    nextSample[e] = eps[e0 + e];
    epsNeg[e] = eps[e0 + e] / s.negRate;
    nextNeg[e] = epsNeg[e];
  }
  // A generator per thread, seeded from the seed and the thread's index.
  let r = (Math.imul(s.seed >>> 0 || 1, 0x9e3779b1) ^ Math.imul(t + 1, 0x85ebca6b)) >>> 0 || 1;
  let alpha = s.alpha0;
  for (let n = 0; n < s.nEpochs; n++) {
    for (let q = 0; q < m; q++) {
      if (nextSample[q] > n) continue;
      const i = e0 + q;
      const jx = 2 * head[i];
      const kx = 2 * tail[i];
      let dx = emb[jx] - emb[kx];
      let dy = emb[jx + 1] - emb[kx + 1];
      let d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        const pb = fastPow(d2, b);
        const gc = (-2 * a * b * (pb / d2)) / (a * pb + 1);
        let gx = gc * dx;
        let gy = gc * dy;
        gx = (gx > 4 ? 4 : gx < -4 ? -4 : gx) * alpha;
        gy = (gy > 4 ? 4 : gy < -4 ? -4 : gy) * alpha;
        emb[jx] += 2 * gx;
        emb[jx + 1] += 2 * gy;
      }
      nextSample[q] += eps[i];
      const nNeg = Math.floor((n - nextNeg[q]) / epsNeg[q]);
      for (let p = 0; p < nNeg; p++) {
        r = (r + 0x6d2b79f5) >>> 0;
        let z = Math.imul(r ^ (r >>> 15), r | 1);
        z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
        const o2 = 2 * Math.floor((((z ^ (z >>> 14)) >>> 0) / 4294967296) * nV);
        if (o2 === jx) continue;
        dx = emb[jx] - emb[o2];
        dy = emb[jx + 1] - emb[o2 + 1];
        d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const gc = (2 * gamma * b) / ((0.001 + d2) * (a * fastPow(d2, b) + 1));
          let gx = gc * dx;
          let gy = gc * dy;
          gx = (gx > 4 ? 4 : gx < -4 ? -4 : gx) * alpha;
          gy = (gy > 4 ? 4 : gy < -4 ? -4 : gy) * alpha;
          emb[jx] += gx;
          emb[jx + 1] += gy;
        } else {
          emb[jx] += 4 * alpha;
          emb[jx + 1] += 4 * alpha;
        }
      }
      nextNeg[q] += nNeg * epsNeg[q];
    }
    alpha = s.alpha0 * (1 - (n + 1) / s.nEpochs);
    // Publish this thread's points, wait for the others, take theirs.
    const pub = n & 1 ? s.pub1 : s.pub0;
    pub.set(emb.subarray(2 * lo, 2 * hi), 2 * lo);
    barrier(s);
    for (let u = 0; u < s.threads; u++) {
      if (u === t) continue;
      emb.set(pub.subarray(2 * s.pLo[u], 2 * s.pLo[u + 1]), 2 * s.pLo[u]);
    }
    hooks.onEpoch?.(emb, n + 1);
  }
  return emb;
}
