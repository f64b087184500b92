// The map's kNN graph: exact blocked products while they are fastest, NN-descent beyond. Exact
// costs n²·d; NN-descent about n·(a few hundred)·d. On 40-cluster 512-d data the crossover sits
// near 5,000 rows (20k: exact 42.6 s, NN-descent 11.5 s, on this 2-core machine under load).
// The approximate graph's recall against exact search is measured on a sample and returned.
import { exactKnn, type Knn } from './exact_knn.js';
import { loadRows, nnDescentDefaults, nnDescentOnRows, scratchFloatsFor, type NnDescentStats } from './nn_descent.js';
import { knnRecallOnRows, recallScratchFloats, type KnnRecall } from './knn_recall.js';
import { paddedRow } from './dot_engine.js';

export const EXACT_MAX_ROWS = 5000;

/**
 * NN-descent builds lists this many times k long (100k × 512, 40 clusters, k = 15: lists of 22
 * gave recall@15 0.913 in 32.6 CPU s against 0.816 in 23.0 CPU s with lists of 15).
 */
export const BUILD_FACTOR = 1.5;

/** The first k entries of each row's list (lists are sorted, self first). */
function firstK(knn: Knn, k: number): Knn {
  const n = knn.indices.length / knn.k;
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    indices.set(knn.indices.subarray(i * knn.k, i * knn.k + k), i * k);
    distances.set(knn.distances.subarray(i * knn.k, i * knn.k + k), i * k);
  }
  return { indices, distances, k };
}

export type KnnMethod = 'auto' | 'exact' | 'nn-descent';

export interface ProjectionKnn {
  knn: Knn;
  method: 'exact' | 'nn-descent';
  seconds: number;
  /** Only for nn-descent: recall@k against exact search on sampled rows. */
  recall?: KnnRecall;
  stats?: NnDescentStats;
}

export function projectionKnn(
  rows: Float32Array,
  dims: number,
  k: number,
  opts: { seed: number; method?: KnnMethod; recallSample?: number; exactMaxRows?: number; onProgress?: (phase: string, done: number, total: number) => void; threads?: number },
): ProjectionKnn {
  const n = rows.length / dims;
  const method = opts.method ?? 'auto';
  const t0 = performance.now();
  if (method === 'exact' || (method === 'auto' && n <= (opts.exactMaxRows ?? EXACT_MAX_ROWS))) {
    const knn = exactKnn(rows, dims, k, (d, t) => opts.onProgress?.('neighbours', d, t));
    return { knn, method: 'exact', seconds: (performance.now() - t0) / 1000 };
  }
  // One copy of the rows in the engine serves NN-descent and then the recall check.
  const rowFloats = paddedRow(dims);
  // NN-descent keeps longer lists than asked (BUILD_FACTOR × k) and returns the best k of each.
  const kBuild = Math.min(n, Math.max(k, Math.floor(BUILD_FACTOR * k)));
  const { leafSize, maxCandidates } = nnDescentDefaults(kBuild);
  // With threads > 1 the joins run on that many workers over one shared copy of the rows; the
  // graph is the same (nn_descent_parallel.ts).
  const threads = opts.threads ?? 1;
  const joinScratch = scratchFloatsFor(rowFloats, leafSize, maxCandidates);
  const store = loadRows(rows, dims, Math.max(joinScratch, recallScratchFloats(n, rowFloats)), threads > 1 ? threads : 0, joinScratch);
  const built = nnDescentOnRows(store, kBuild, { seed: opts.seed, leafSize, maxCandidates, onProgress: opts.onProgress, threads });
  const stats = built.stats;
  const knn = kBuild === k ? built.knn : firstK(built.knn, k);
  const seconds = (performance.now() - t0) / 1000;
  const sample = opts.recallSample ?? 100;
  const recall = sample > 0 ? knnRecallOnRows(store, knn, sample, opts.seed + 1) : undefined;
  return { knn, method: 'nn-descent', seconds, recall, stats };
}
