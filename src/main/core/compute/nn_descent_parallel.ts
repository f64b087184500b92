// NN-descent on worker threads, with the same graph as one thread, bit for bit.
//
// The rows sit once in a shared WebAssembly memory (dot_engine.ts createSharedDotEngine); each
// worker (out/main/workers/nnd.js) has a scratch area of its own in it. Phases:
// - trees: the workers build the random-projection trees at once (tree t on worker t mod W; each
//   tree has its own seed, so it does not matter which thread builds it);
// - sampling: each round's candidate heaps, each worker filling its own points' heaps from every
//   list, then marking its points' sampled neighbours old (nn_candidates.ts; the main thread draws
//   the priorities in slot order first);
// - joins: a tree's leaves or a round's candidates, cut into chunks of groups; for each chunk every worker
// scores its share of the groups (the blocked SIMD kernel, as joinAll does) and writes the pairs
// that could enter a list: d below either point's current worst distance, read from the shared
// heaps. The main thread applies the chunks' pairs in group order, with the same heapPush calls
// and order as one thread, while the workers score the next chunk (two buffers per worker).
//
// Why the graph does not depend on timing: a list's worst distance only falls, so a pair that a
// worker drops (d ≥ the worst distance it read) would also be refused when the main thread reaches
// it; the main thread refuses the rest itself. Scores come back as the kernel's float32 dot, and
// d = 1 − dot is formed on the main thread exactly as one thread forms it.
//
// Control words (Int32Array on a SharedArrayBuffer): see the C_* constants. No RPC: the workers
// get everything in workerData and meet the main thread through Atomics, like epochs_parallel.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../io/package_root.js';
import { attachDotEngine, type WasmMemory } from './dot_engine.js';
import { heapPush, type NeighborHeaps } from './neighbor_heap.js';
import { buildRpTree, treeSeed } from './rp_tree.js';
import { gatherCandidates, markJoined, sampleCandidates, scoreGroup } from './nn_candidates.js';
import { sharedF32, sharedI32 } from './shared_arrays.js';

/** Main → workers: job sequence number (incremented to post a chunk). */
const C_SEQ = 0;
/** 1: a tree's leaves, 2: a round's candidates, 3: quit. */
const C_KIND = 1;
const C_LO = 2;
const C_HI = 3;
/** Set when any thread failed: everyone stops. */
const C_FAILED = 4;
/** Workers that started. */
const C_STARTED = 5;
/** Per worker w: the last sequence number it finished (C_DONE + w), its pair count and evaluations per buffer. */
const C_DONE = 8;
const C_WORDS = 8 + 3 * 16;
export const MAX_JOIN_WORKERS = 8;

const KIND_LEAVES = 1;
const KIND_ROUND = 2;
const KIND_QUIT = 3;
const KIND_TREES = 4;
const KIND_SAMPLE = 5;
const KIND_MARK = 6;
/** The tree whose leaves a KIND_LEAVES phase joins. */
const C_TREE = 6;

/** Pairs a worker's buffer holds (each pair: two Int32 indices and a Float32 dot). */
const PAIR_CAPACITY = 1 << 20;

export interface JoinShared {
  memory: WasmMemory;
  /** Floats of the engine's memory. */
  floats: number;
  rowFloats: number;
  n: number;
  /** Neighbours kept per point (self excluded). */
  k: number;
  /** The heaps (shared): dists[p·k] is p's worst. */
  dists: Float32Array;
  indices: Int32Array;
  isNew: Uint8Array;
  /** Round candidates, mc per point (−1 empty), their priorities, and each list slot's draw. */
  newIdx: Int32Array;
  newPri: Float32Array;
  oldIdx: Int32Array;
  oldPri: Float32Array;
  pri: Float64Array;
  mc: number;
  seed: number;
  leafSize: number;
  /** Tree t's leaves: order at treeOrder[t·n …], leaf starts at treeStarts[t·(n+1) …], treeLeaves[t] leaves. */
  treeOrder: Int32Array;
  treeStarts: Int32Array;
  treeLeaves: Int32Array;
  ctl: Int32Array;
  workers: number;
  /** Worker w's scratch offset (floats) in the engine memory. */
  scratch: number[];
  /** Worker w, buffer b (0/1): pair arrays. */
  pairP: Int32Array[];
  pairQ: Int32Array[];
  pairDot: Float32Array[];
}


export function nndWorkerFile(): string | null {
  const file = join(packageRoot(), 'out', 'main', 'workers', 'nnd.js');
  return existsSync(file) ? file : null;
}

/** Groups' pairs: the most one group can give (every pair of a leaf, or new × all for a round). */
function maxPairsPerGroup(kind: number, leafSize: number, mc: number): number {
  return kind === KIND_LEAVES ? (leafSize * (leafSize - 1)) / 2 : mc * (2 * mc - 1);
}

/** Gathers group g's points into pts (tree `tree`'s leaf g, or point g's candidates); returns [m, nNew]. */
function gather(s: JoinShared, kind: number, tree: number, g: number, pts: Int32Array): [number, number] {
  if (kind === KIND_LEAVES) {
    const sb = tree * (s.n + 1);
    const lo = s.treeStarts[sb + g];
    const m = s.treeStarts[sb + g + 1] - lo;
    const ob = tree * s.n;
    for (let a = 0; a < m; a++) pts[a] = s.treeOrder[ob + lo + a];
    return [m, m];
  }
  return gatherCandidates(s.newIdx, s.oldIdx, s.mc, g, pts);
}

/** Worker side: answers chunks until told to quit (nnd.worker.ts). */
export function runJoinWorker(s: JoinShared, w: number): void {
  const engine = attachDotEngine(s.memory, s.floats);
  const mem = engine.memory;
  const ctl = s.ctl;
  const { rowFloats, k, dists } = s;
  const scratchOff = s.scratch[w];
  const store = { engine, n: s.n, rowFloats, scratchOff };
  const pts = new Int32Array(Math.max(2 * s.mc, s.leafSize));
  Atomics.add(ctl, C_STARTED, 1);
  Atomics.notify(ctl, C_STARTED);
  let last = 0;
  for (;;) {
    Atomics.wait(ctl, C_SEQ, last);
    if (Atomics.load(ctl, C_FAILED)) return;
    const seq = Atomics.load(ctl, C_SEQ);
    if (seq === last) continue;
    last = seq;
    const kind = Atomics.load(ctl, C_KIND);
    if (kind === KIND_QUIT) return;
    const lo = ctl[C_LO];
    const hi = ctl[C_HI];
    const g0 = lo + Math.floor(((hi - lo) * w) / s.workers);
    const g1 = lo + Math.floor(((hi - lo) * (w + 1)) / s.workers);
    if (kind === KIND_TREES) {
      for (let t = lo + w; t < hi; t += s.workers) {
        const { order, starts } = buildRpTree(store, s.leafSize, treeSeed(s.seed, t));
        s.treeOrder.set(order, t * s.n);
        s.treeStarts.set(starts, t * (s.n + 1));
        s.treeLeaves[t] = starts.length - 1;
      }
    } else if (kind === KIND_SAMPLE) sampleCandidates(s.indices, s.isNew, k, s.pri, s, g0, g1);
    else if (kind === KIND_MARK) markJoined(s.indices, s.isNew, k, s.newIdx, s.mc, g0, g1);
    if (kind === KIND_TREES || kind === KIND_SAMPLE || kind === KIND_MARK) {
      Atomics.store(ctl, C_DONE + w, seq);
      Atomics.notify(ctl, C_DONE + w);
      continue;
    }
    const tree = ctl[C_TREE];
    const buf = seq & 1;
    const P = s.pairP[w * 2 + buf];
    const Q = s.pairQ[w * 2 + buf];
    const D = s.pairDot[w * 2 + buf];
    let out = 0;
    let evals = 0;
    for (let g = g0; g < g1; g++) {
      const [m, nNew] = gather(s, kind, tree, g, pts);
      if (nNew === 0) continue;
      const outOff = scoreGroup(store, scratchOff, pts, m, nNew);
      for (let a = 0; a < nNew; a++) {
        const p = pts[a];
        const row = outOff + a * m;
        for (let b = a + 1; b < m; b++) {
          const q = pts[b];
          if (p === q) continue;
          evals++;
          const dot = mem[row + b];
          const d = 1 - dot;
          if (d < dists[p * k] || d < dists[q * k]) {
            P[out] = p;
            Q[out] = q;
            D[out] = dot;
            out++;
          }
        }
      }
    }
    ctl[C_DONE + 16 + w * 2 + buf] = out;
    ctl[C_DONE + 32 + w * 2 + buf] = evals;
    Atomics.store(ctl, C_DONE + w, seq);
    Atomics.notify(ctl, C_DONE + w);
  }
}

/** Marks the run failed and wakes the main thread (a worker's last act on an error). */
export function failJoins(s: JoinShared): void {
  Atomics.store(s.ctl, C_FAILED, 1);
  for (let w = 0; w < s.workers; w++) Atomics.notify(s.ctl, C_DONE + w);
}

export interface ParallelJoinsInit {
  memory: WasmMemory;
  floats: number;
  rowFloats: number;
  n: number;
  k: number;
  mc: number;
  leafSize: number;
  seed: number;
  nTrees: number;
  heaps: NeighborHeaps;
  /** Scratch offsets for the workers (each room for scratchFloatsFor(rowFloats, leafSize, mc)). */
  scratch: number[];
}

/** The main thread's side: starts the workers, runs phases, applies their pairs in order. */
export class ParallelJoins {
  readonly shared: JoinShared;
  private readonly threads: Worker[] = [];
  private seq = 0;
  private readonly leafSize: number;

  private constructor(shared: JoinShared, leafSize: number) {
    this.shared = shared;
    this.leafSize = leafSize;
  }

  /**
   * Shared heaps and candidate arrays for `workers` worker threads, or null when the worker bundle
   * is missing or a worker does not start within 30 s (the caller then joins on one thread).
   * `heaps.dists` must live on a SharedArrayBuffer (createSharedHeaps).
   */
  static start(init: ParallelJoinsInit, workers: number): ParallelJoins | null {
    const file = nndWorkerFile();
    if (!file || workers < 1 || init.scratch.length < workers) return null;
    for (const a of [init.heaps.dists, init.heaps.indices, init.heaps.isNew]) if (!(a.buffer instanceof SharedArrayBuffer)) throw new TypeError('ParallelJoins: heaps must be shared');
    const nw = Math.min(workers, MAX_JOIN_WORKERS);
    const s: JoinShared = {
      memory: init.memory,
      floats: init.floats,
      rowFloats: init.rowFloats,
      n: init.n,
      k: init.k,
      dists: init.heaps.dists,
      indices: init.heaps.indices,
      isNew: init.heaps.isNew,
      newIdx: sharedI32(init.n * init.mc),
      newPri: sharedF32(init.n * init.mc),
      oldIdx: sharedI32(init.n * init.mc),
      oldPri: sharedF32(init.n * init.mc),
      pri: new Float64Array(new SharedArrayBuffer(Math.max(1, init.n * init.k) * 8)),
      mc: init.mc,
      seed: init.seed,
      leafSize: init.leafSize,
      treeOrder: sharedI32(init.nTrees * init.n),
      treeStarts: sharedI32(init.nTrees * (init.n + 1)),
      treeLeaves: sharedI32(init.nTrees),
      ctl: sharedI32(C_WORDS),
      workers: nw,
      scratch: init.scratch.slice(0, nw),
      pairP: [],
      pairQ: [],
      pairDot: [],
    };
    for (let b = 0; b < 2 * nw; b++) {
      s.pairP.push(sharedI32(PAIR_CAPACITY));
      s.pairQ.push(sharedI32(PAIR_CAPACITY));
      s.pairDot.push(sharedF32(PAIR_CAPACITY));
    }
    const pj = new ParallelJoins(s, init.leafSize);
    for (let w = 0; w < nw; w++) {
      const t = new Worker(file, { workerData: { shared: s, w } });
      // Failures are seen through the control words; the 'error' event must not crash the process.
      t.on('error', () => Atomics.store(s.ctl, C_FAILED, 1));
      pj.threads.push(t);
    }
    const deadline = Date.now() + 30_000;
    while (Atomics.load(s.ctl, C_STARTED) < nw && Date.now() < deadline) Atomics.wait(s.ctl, C_STARTED, Atomics.load(s.ctl, C_STARTED), 200);
    if (Atomics.load(s.ctl, C_STARTED) < nw) {
      pj.close();
      return null;
    }
    return pj;
  }

  get workers(): number {
    return this.shared.workers;
  }

  private post(kind: number, lo: number, hi: number): number {
    const ctl = this.shared.ctl;
    ctl[C_KIND] = kind;
    ctl[C_LO] = lo;
    ctl[C_HI] = hi;
    this.seq++;
    Atomics.store(ctl, C_SEQ, this.seq);
    Atomics.notify(ctl, C_SEQ);
    return this.seq;
  }

  private waitDone(seq: number): void {
    const ctl = this.shared.ctl;
    for (let w = 0; w < this.shared.workers; w++) {
      for (;;) {
        if (Atomics.load(ctl, C_FAILED)) throw new Error('nn-descent: a worker thread failed');
        const v = Atomics.load(ctl, C_DONE + w);
        if (v === seq) break;
        Atomics.wait(ctl, C_DONE + w, v, 1000);
      }
    }
  }

  /** Applies chunk `seq`'s pairs in group order (worker 0's share first); returns [updates, evals]. */
  private apply(h: NeighborHeaps, seq: number): [number, number] {
    const s = this.shared;
    const buf = seq & 1;
    const dists = h.dists;
    const k = h.k;
    let updates = 0;
    let evals = 0;
    for (let w = 0; w < s.workers; w++) {
      const count = s.ctl[C_DONE + 16 + w * 2 + buf];
      evals += s.ctl[C_DONE + 32 + w * 2 + buf];
      const P = s.pairP[w * 2 + buf];
      const Q = s.pairQ[w * 2 + buf];
      const D = s.pairDot[w * 2 + buf];
      for (let t = 0; t < count; t++) {
        const p = P[t];
        const q = Q[t];
        const d = 1 - D[t];
        if (d < dists[p * k]) updates += heapPush(h, p, q, d, 1);
        if (d < dists[q * k]) updates += heapPush(h, q, p, d, 1);
      }
    }
    return [updates, evals];
  }

  /** Runs groups 0..groups−1 of a phase (its inputs already in the shared arrays). */
  private phase(h: NeighborHeaps, kind: number, groups: number, onChunk?: (done: number) => void): [number, number] {
    const perWorker = Math.max(1, Math.floor(PAIR_CAPACITY / maxPairsPerGroup(kind, this.leafSize, this.shared.mc)));
    const chunk = perWorker * this.shared.workers;
    let updates = 0;
    let evals = 0;
    if (groups <= 0) return [0, 0];
    let lo = 0;
    let seq = this.post(kind, 0, Math.min(chunk, groups));
    for (;;) {
      this.waitDone(seq);
      const hi = Math.min(lo + chunk, groups);
      const next = hi < groups ? this.post(kind, hi, Math.min(hi + chunk, groups)) : -1;
      const [u, e] = this.apply(h, seq);
      updates += u;
      evals += e;
      onChunk?.(hi);
      if (next < 0) break;
      seq = next;
      lo = hi;
    }
    return [updates, evals];
  }

  /** Runs a phase without pairs (trees, sampling, marking) over 0..count−1 and waits for it. */
  private plain(kind: number, count: number): void {
    this.waitDone(this.post(kind, 0, count));
  }

  /** Builds trees 0..nTrees−1 on the workers (treeSeed(seed, t) each). */
  buildTrees(nTrees: number, seed: number, leafSize: number): void {
    if (seed !== this.shared.seed || leafSize !== this.leafSize || nTrees * this.shared.n > this.shared.treeOrder.length) throw new RangeError('ParallelJoins.buildTrees: not the trees it was started for');
    this.plain(KIND_TREES, nTrees);
  }

  /** Joins every leaf of tree t (built by buildTrees). */
  leaves(h: NeighborHeaps, t: number): [number, number] {
    this.shared.ctl[C_TREE] = t;
    return this.phase(h, KIND_LEAVES, this.shared.treeLeaves[t]);
  }

  /** The round's candidate heaps from shared.pri (drawn by the caller), then sampled new neighbours marked old. */
  sample(): void {
    this.plain(KIND_SAMPLE, this.shared.n);
    this.plain(KIND_MARK, this.shared.n);
  }

  /** Joins one round's candidates (already written to shared.newIdx / shared.oldIdx). */
  round(h: NeighborHeaps, onChunk?: (done: number) => void): [number, number] {
    return this.phase(h, KIND_ROUND, this.shared.n, onChunk);
  }

  close(): void {
    const ctl = this.shared.ctl;
    ctl[C_KIND] = KIND_QUIT;
    Atomics.add(ctl, C_SEQ, 1);
    Atomics.notify(ctl, C_SEQ);
    for (const t of this.threads) void t.terminate();
  }
}

