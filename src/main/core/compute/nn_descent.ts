// Approximate k nearest neighbours by NN-descent (Dong, Moses & Li 2011): a neighbour of a
// neighbour is probably a neighbour. Seeded by random-projection trees, then rounds of "local
// joins": each point's sampled new and old neighbours (forward and reverse) are scored against
// each other and offered to each other's lists, until a round changes fewer than delta·n·k
// entries. Distances are 1 − cos on unit rows; each join's scores come from one blocked call of the
// wasm SIMD kernel on the candidates' rows gathered next to each other. Deterministic for a seed.
import { createDotEngine, createSharedDotEngine, paddedRow, type DotEngine, type WasmMemory } from './dot_engine.js';
import { ParallelJoins } from './nn_descent_parallel.js';
import { mulberry32 } from '../../../shared/random.js';
import { buildRpTree, treeSeed, type RowStore } from './rp_tree.js';
import { drawPriorities, gatherCandidates, markJoined, sampleCandidates, scoreGroup, type CandidateArrays } from './nn_candidates.js';
import { createHeaps, heapPush, sortHeaps, type NeighborHeaps } from './neighbor_heap.js';
import type { Knn } from './exact_knn.js';

export interface NnDescentOptions {
  seed?: number;
  /** Random-projection trees for the initial graph (default grows slowly with n). */
  nTrees?: number;
  leafSize?: number;
  maxIters?: number;
  /** Stop when a round updates fewer than delta·n·k list entries. */
  delta?: number;
  /** Candidates sampled per point and round (new and old each). */
  maxCandidates?: number;
  /**
   * Join threads (default 1). Above 1 the joins run on that many worker threads when the rows
   * were loaded shared (loadRows' `workers`); the graph is the same as on one thread.
   */
  threads?: number;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface NnDescentStats {
  trees: number;
  leafSize: number;
  iterations: number;
  /** List entries changed in each round. */
  updates: number[];
  /** Pairs scored (trees and rounds). */
  distanceEvaluations: number;
  /** Threads that scored the joins (1, or the worker threads). */
  threads: number;
}

/** Unit rows loaded into a dot engine with a scratch area behind them. */
export interface LoadedRows extends RowStore {
  dims: number;
  /** Set when the engine's memory is shared: its size in floats and each join worker's scratch offset. */
  shared?: { memory: WasmMemory; floats: number; workerScratch: number[] };
}

/**
 * Rows in an engine, `scratchFloats` behind them. `workers` > 0 asks for a shared memory with a
 * scratch area of `workerScratchFloats` per join worker behind that (one thread when the runtime
 * cannot share wasm memory).
 */
export function loadRows(rows: Float32Array, dims: number, scratchFloats: number, workers = 0, workerScratchFloats = 0): LoadedRows {
  const n = rows.length / dims;
  const rowFloats = paddedRow(dims);
  const base = n * rowFloats + scratchFloats;
  const floats = base + workers * workerScratchFloats;
  const sharedEngine = workers > 0 ? createSharedDotEngine(floats) : null;
  const engine: DotEngine = sharedEngine ?? createDotEngine(base);
  const mem = engine.memory;
  if (rowFloats === dims) mem.set(rows, 0);
  else for (let i = 0; i < n; i++) mem.set(rows.subarray(i * dims, (i + 1) * dims), i * rowFloats);
  const shared = sharedEngine ? { memory: sharedEngine.wasmMemory, floats, workerScratch: Array.from({ length: workers }, (_, w) => base + w * workerScratchFloats) } : undefined;
  return { engine, n, rowFloats, scratchOff: n * rowFloats, dims, shared };
}

/** Leaf size and candidates per round for k (self included): measured defaults, CONTEXT.md. */
export function nnDescentDefaults(k: number): { leafSize: number; maxCandidates: number } {
  const kk = Math.max(1, k - 1);
  return { leafSize: Math.max(kk + 1, 32), maxCandidates: Math.min(60, 4 * kk + 4) };
}

export function defaultTrees(n: number): number {
  return Math.min(32, 4 + Math.round(Math.pow(n, 0.25) / 2));
}

/** Scores every pair of the listed points (scoreGroup) and offers each pair both ways. */
function joinAll(store: LoadedRows, h: NeighborHeaps, pts: Int32Array, m: number, nNew: number): [number, number] {
  const mem = store.engine.memory;
  const outOff = scoreGroup(store, store.scratchOff, pts, m, nNew);
  let updates = 0;
  let evals = 0;
  const dists = h.dists;
  const k = h.k;
  for (let a = 0; a < nNew; a++) {
    const p = pts[a];
    const row = outOff + a * m;
    for (let b = a + 1; b < m; b++) {
      const q = pts[b];
      if (p === q) continue;
      evals++;
      const d = 1 - mem[row + b];
      if (d < dists[p * k]) updates += heapPush(h, p, q, d, 1);
      if (d < dists[q * k]) updates += heapPush(h, q, p, d, 1);
    }
  }
  return [updates, evals];
}

export function scratchFloatsFor(rowFloats: number, leafSize: number, maxCandidates: number): number {
  const m = Math.max(leafSize, 2 * maxCandidates);
  return m * rowFloats + m * m + rowFloats;
}

/**
 * The k nearest neighbours of every row (self first, then k−1 others), with euclidean distances
 * between the unit rows, sqrt(2 − 2·cos), as exactKnn gives them. Rows must be L2-normalised.
 */
export function nnDescentOnRows(store: LoadedRows, k: number, opts: NnDescentOptions = {}): { knn: Knn; stats: NnDescentStats } {
  const n = store.n;
  k = Math.min(k, n);
  const kk = Math.max(1, k - 1); // neighbours other than self
  const seed = opts.seed ?? 42;
  const rnd = mulberry32(seed ^ 0x9e3779b9);
  const nTrees = opts.nTrees ?? defaultTrees(n);
  const leafSize = opts.leafSize ?? nnDescentDefaults(k).leafSize;
  const maxIters = opts.maxIters ?? Math.max(5, Math.round(Math.log2(n)));
  const delta = opts.delta ?? 0.001;
  const mc = opts.maxCandidates ?? nnDescentDefaults(k).maxCandidates;
  const wantThreads = Math.max(1, Math.min(opts.threads ?? 1, store.shared?.workerScratch.length ?? 1));
  const h = createHeaps(n, kk, wantThreads > 1);
  const pj = wantThreads > 1 && store.shared ? ParallelJoins.start({ ...store.shared, scratch: store.shared.workerScratch, rowFloats: store.rowFloats, n, k: kk, mc, leafSize, seed, nTrees, heaps: h }, wantThreads) : null;
  try {
    return descend(store, h, pj, k, kk, { seed, rnd, nTrees, leafSize, maxIters, delta, mc }, opts);
  } finally {
    pj?.close();
  }
}

interface DescentParams {
  seed: number;
  rnd: () => number;
  nTrees: number;
  leafSize: number;
  maxIters: number;
  delta: number;
  mc: number;
}

function descend(store: LoadedRows, h: NeighborHeaps, pj: ParallelJoins | null, k: number, kk: number, P: DescentParams, opts: NnDescentOptions): { knn: Knn; stats: NnDescentStats } {
  const n = store.n;
  const { seed, rnd, nTrees, leafSize, maxIters, delta, mc } = P;
  const stats: NnDescentStats = { trees: nTrees, leafSize, iterations: 0, updates: [], distanceEvaluations: 0, threads: pj ? pj.workers : 1 };
  const pts = new Int32Array(Math.max(leafSize, 2 * mc));

  if (pj) {
    // Trees built on the workers at once, then each tree's leaves joined in tree order.
    pj.buildTrees(nTrees, seed, leafSize);
    for (let t = 0; t < nTrees; t++) {
      stats.distanceEvaluations += pj.leaves(h, t)[1];
      opts.onProgress?.('neighbours', t + 1, nTrees + maxIters);
    }
  } else {
    for (let t = 0; t < nTrees; t++) {
      const { order, starts } = buildRpTree(store, leafSize, treeSeed(seed, t));
      for (let l = 0; l + 1 < starts.length; l++) {
        const m = starts[l + 1] - starts[l];
        for (let a = 0; a < m; a++) pts[a] = order[starts[l] + a];
        stats.distanceEvaluations += joinAll(store, h, pts, m, m)[1];
      }
      opts.onProgress?.('neighbours', t + 1, nTrees + maxIters);
    }
  }
  // Points no leaf partner could fill (n tiny) get random neighbours so every list is full.
  for (let i = 0; i < n; i++) {
    for (let guard = 0; h.indices[i * kk] < 0 && guard < 4 * kk; guard++) {
      const j = Math.floor(rnd() * n);
      if (j !== i) heapPush(h, i, j, 1 - store.engine.dot(i * store.rowFloats, j * store.rowFloats, store.rowFloats), 1);
    }
  }

  const cand: CandidateArrays = pj ? pj.shared : { newIdx: new Int32Array(n * mc), newPri: new Float32Array(n * mc), oldIdx: new Int32Array(n * mc), oldPri: new Float32Array(n * mc), mc };
  const { newIdx, oldIdx } = cand;
  const pri = pj ? pj.shared.pri : new Float64Array(n * kk);
  for (let it = 0; it < maxIters; it++) {
    drawPriorities(h.indices, rnd, pri);
    if (pj) pj.sample();
    else {
      sampleCandidates(h.indices, h.isNew, kk, pri, cand, 0, n);
      markJoined(h.indices, h.isNew, kk, newIdx, mc, 0, n);
    }
    let updates = 0;
    if (pj) {
      const [u, e] = pj.round(h, (done) => opts.onProgress?.('neighbours', nTrees + it + done / n, nTrees + maxIters));
      updates += u;
      stats.distanceEvaluations += e;
    } else {
      for (let i = 0; i < n; i++) {
        const [m, nNew] = gatherCandidates(newIdx, oldIdx, mc, i, pts);
        if (nNew === 0) continue;
        const [u, e] = joinAll(store, h, pts, m, nNew);
        updates += u;
        stats.distanceEvaluations += e;
        if ((i & 4095) === 0) opts.onProgress?.('neighbours', nTrees + it + i / n, nTrees + maxIters);
      }
    }
    stats.iterations = it + 1;
    stats.updates.push(updates);
    if (updates <= delta * n * kk) break;
  }
  sortHeaps(h);
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    indices[i * k] = i;
    distances[i * k] = 0;
    for (let t = 0; t < k - 1; t++) {
      const j = h.indices[i * kk + t];
      indices[i * k + 1 + t] = j;
      distances[i * k + 1 + t] = j < 0 ? Infinity : Math.sqrt(Math.max(0, 2 * h.dists[i * kk + t]));
    }
  }
  return { knn: { indices, distances, k }, stats };
}

export function nnDescent(rows: Float32Array, dims: number, k: number, opts: NnDescentOptions = {}): { knn: Knn; stats: NnDescentStats } {
  const rowFloats = paddedRow(dims);
  const leafSize = opts.leafSize ?? nnDescentDefaults(k).leafSize;
  const mc = opts.maxCandidates ?? nnDescentDefaults(k).maxCandidates;
  const scratch = scratchFloatsFor(rowFloats, leafSize, mc);
  const threads = opts.threads ?? 1;
  const store = loadRows(rows, dims, scratch, threads > 1 ? threads : 0, scratch);
  return nnDescentOnRows(store, k, { ...opts, leafSize, maxCandidates: mc });
}
