// The map's whole pipeline on typed arrays: kNN graph → fuzzy simplicial set (CSR) → PCA start →
// epochs, with intermediate coordinates every few epochs so the map takes shape while it runs.
// `method: 'pca'` stops after the first view. Rows must be L2-normalised (cosine neighbours).
import { projectionKnn, type KnnMethod, type ProjectionKnn } from '../compute/projection_knn.js';
import { fuzzySimplicialSet } from './fuzzy_set.js';
import { fitCurve } from './umap_curve.js';
import { optimizeEpochs, type EpochOptions } from './umap_epochs.js';
import { optimizeEpochsParallel } from './epochs_parallel.js';
import { pca2, scaleTo } from './pca.js';
import { mulberry32 } from '../../../shared/random.js';

export interface LayoutParams {
  method: 'umap' | 'pca';
  nNeighbors: number;
  minDist: number;
  nEpochs: number;
  seed: number;
  knn?: KnnMethod;
  /** Math.pow in the epochs instead of fastPow (the bench measures the difference). */
  exactPow?: boolean;
  /**
   * Threads for the epochs (default 2 from `PARALLEL_MIN_ROWS` rows up, else 1). The map depends
   * on the seed and this count; the result says how many ran.
   */
  threads?: number;
}

/** Below this many rows the epochs stay on one thread (a worker's start costs more than it saves). */
export const PARALLEL_MIN_ROWS = 4000;

export interface LayoutHooks {
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Intermediate coordinates (n × 2): the PCA view first, then every `snapshotEvery` epochs. */
  onSnapshot?: (xy: Float32Array, phase: string) => void;
  snapshotEvery?: number;
}

export interface LayoutResult {
  xy: Float32Array;
  method: 'umap' | 'pca';
  seconds: { pca: number; knn: number; graph: number; epochs: number; total: number };
  knn?: Omit<ProjectionKnn, 'knn'>;
  pcaExplained: [number, number];
  /** Threads the epochs ran on. */
  threads: number;
}

export function computeLayout(rows: Float32Array, dims: number, params: LayoutParams, hooks: LayoutHooks = {}): LayoutResult {
  const n = rows.length / dims;
  const t0 = performance.now();
  const pca = pca2(rows, dims, params.seed);
  const init = scaleTo(pca.xy, 10);
  const tPca = performance.now();
  const seconds = { pca: (tPca - t0) / 1000, knn: 0, graph: 0, epochs: 0, total: 0 };
  if (params.method === 'pca' || n < 3) {
    seconds.total = seconds.pca;
    return { xy: init, method: 'pca', seconds, pcaExplained: pca.explained, threads: 1 };
  }
  hooks.onSnapshot?.(init.slice(), 'pca');
  const k = Math.min(params.nNeighbors, n - 1);
  const wanted = params.threads ?? (n >= PARALLEL_MIN_ROWS ? 2 : 1);
  const pk = projectionKnn(rows, dims, k, { seed: params.seed, method: params.knn, onProgress: hooks.onProgress, threads: wanted });
  const tKnn = performance.now();
  hooks.onProgress?.('graph', 0, 1);
  const graph = fuzzySimplicialSet(pk.knn, n);
  const tGraph = performance.now();
  // A whisper of seeded jitter separates points that PCA put on the same spot.
  const rnd = mulberry32(params.seed ^ 0x5bd1e995);
  for (let t = 0; t < init.length; t++) init[t] += (rnd() - 0.5) * 1e-3;
  const { a, b } = fitCurve(params.minDist);
  let lastReported = 0;
  const epochOpts: EpochOptions = {
    nEpochs: params.nEpochs,
    a,
    b,
    seed: params.seed,
    exactPow: params.exactPow,
    snapshotEvery: hooks.snapshotEvery ?? 0,
    onSnapshot: hooks.onSnapshot ? (s, e, total) => hooks.onSnapshot!(s, `epoch ${e}/${total}`) : undefined,
    onEpoch: (e, total) => {
      if (e - lastReported >= Math.max(1, Math.floor(total / 100)) || e === total) {
        lastReported = e;
        hooks.onProgress?.('layout', e, total);
      }
    },
  };
  const parallel = wanted > 1 && !params.exactPow ? optimizeEpochsParallel(graph, init, epochOpts, wanted) : null;
  const xy = parallel ?? optimizeEpochs(graph, init, epochOpts);
  const threads = parallel ? wanted : 1;
  const tEnd = performance.now();
  seconds.knn = (tKnn - tPca) / 1000;
  seconds.graph = (tGraph - tKnn) / 1000;
  seconds.epochs = (tEnd - tGraph) / 1000;
  seconds.total = (tEnd - t0) / 1000;
  const { knn: _graph, ...knnInfo } = pk;
  return { xy, method: 'umap', seconds, knn: knnInfo, pcaExplained: pca.explained, threads };
}
