// UMAP in a worker thread (umap-js). Input rows arrive as a transferred Float32Array; the
// 2-D result goes back transferred. Progress per epoch; the caller cancels by terminating us.
import { parentPort, workerData } from 'node:worker_threads';
import { UMAP } from 'umap-js';
import { exactKnn } from '../core/projection/exact_knn.js';
import { optimizeLayout, type UmapOptimizationState } from '../core/projection/umap_sgd.js';
import { mulberry32 } from '../../shared/random.js';

export interface UmapWorkerInput {
  data: Float32Array;
  n: number;
  dims: number;
  nNeighbors: number;
  minDist: number;
  nEpochs: number;
  seed: number;
}

const input = workerData as UmapWorkerInput;
const port = parentPort!;
const nNeighbors = Math.min(input.nNeighbors, Math.max(2, input.n - 1));
const umap = new UMAP({ nComponents: 2, nNeighbors, minDist: input.minDist, nEpochs: input.nEpochs, random: mulberry32(input.seed) });

// Exact neighbours on the typed rows (faster than NN-descent here), handed to umap-js.
const knn = exactKnn(input.data, input.dims, nNeighbors, (done, total) => port.postMessage({ type: 'progress', phase: 'neighbours', done, total }));
const knnIndices: number[][] = new Array(input.n);
const knnDistances: number[][] = new Array(input.n);
for (let i = 0; i < input.n; i++) {
  knnIndices[i] = Array.from(knn.indices.subarray(i * knn.k, (i + 1) * knn.k));
  knnDistances[i] = Array.from(knn.distances.subarray(i * knn.k, (i + 1) * knn.k));
}
umap.setPrecomputedKNN(knnIndices, knnDistances);
// umap-js still wants the rows (it reads only their count once neighbours are given).
const rows: number[][] = new Array(input.n);
for (let i = 0; i < input.n; i++) rows[i] = [];
port.postMessage({ type: 'progress', phase: 'graph', done: 0, total: 1 });
const epochs = umap.initializeFit(rows);
// umap-js made the graph and the sampling schedule; the epochs run on typed arrays.
const state = (umap as unknown as { optimizationState: UmapOptimizationState }).optimizationState;
let lastReported = 0;
const xy = optimizeLayout({ ...state, nEpochs: epochs }, input.seed, (e, total) => {
  if (e - lastReported >= Math.max(1, Math.floor(total / 100)) || e === total) {
    lastReported = e;
    port.postMessage({ type: 'progress', phase: 'layout', done: e, total });
  }
});
port.postMessage({ type: 'done', result: xy }, [xy.buffer as ArrayBuffer]);
