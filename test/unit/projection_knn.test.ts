// The map's approximate kNN graph (core/compute/nn_descent.ts): on clustered data it finds at least
// 90 % of every point's exact neighbours, it is the same for a seed, and the recall the app reports
// (sampled) agrees with the recall measured on every point. On worker threads the graph is the same.
import { describe, expect, it } from 'vitest';
import { nnDescent } from '../../src/main/core/compute/nn_descent.js';
import { nndWorkerFile } from '../../src/main/core/compute/nn_descent_parallel.js';
import { knnRecall } from '../../src/main/core/compute/knn_recall.js';
import { projectionKnn, EXACT_MAX_ROWS } from '../../src/main/core/compute/projection_knn.js';
import { exactKnn } from '../../src/main/core/compute/exact_knn.js';
import { normalizedRows } from '../../src/main/core/projection/umap.js';
import { clusteredRows } from '../helpers/clusters.js';

function fullRecall(a: Int32Array, b: Int32Array, n: number, k: number): number {
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const exact = new Set(b.subarray(i * k + 1, (i + 1) * k));
    for (let t = 1; t < k; t++) if (exact.has(a[i * k + t])) hit++;
  }
  return hit / (n * (k - 1));
}

describe('NN-descent kNN graph', () => {
  const n = 3000;
  const dims = 64;
  const rows = normalizedRows(clusteredRows(n, dims, 20, 5).rows, dims);
  const exact = exactKnn(rows, dims, 15);
  const approx = nnDescent(rows, dims, 15, { seed: 3 });

  it('finds ≥ 90 % of the exact 14 nearest others of every point, self first, no duplicates', () => {
    const r = fullRecall(approx.knn.indices, exact.indices, n, 15);
    expect(r).toBeGreaterThanOrEqual(0.9);
    for (let i = 0; i < n; i++) {
      const row = approx.knn.indices.subarray(i * 15, (i + 1) * 15);
      expect(row[0]).toBe(i);
      expect(new Set(row).size).toBe(15);
      // Ascending distances.
      for (let t = 1; t < 15; t++) expect(approx.knn.distances[i * 15 + t]).toBeGreaterThanOrEqual(approx.knn.distances[i * 15 + t - 1]);
    }
  });

  it('reports a sampled recall close to the recall on every point', () => {
    const sampled = knnRecall(rows, dims, approx.knn, 300, 1);
    expect(sampled.sampled).toBe(300);
    expect(Math.abs(sampled.recall - fullRecall(approx.knn.indices, exact.indices, n, 15))).toBeLessThan(0.03);
    expect(knnRecall(rows, dims, exact, 100, 1).recall).toBe(1);
  });

  it('gives the same graph for the same seed', () => {
    const again = nnDescent(rows, dims, 15, { seed: 3 });
    expect(Buffer.from(again.knn.indices.buffer).equals(Buffer.from(approx.knn.indices.buffer))).toBe(true);
  });

  it('gives the same graph, bit for bit, when the joins run on two or three worker threads (real Workers, shared wasm memory)', () => {
    expect(nndWorkerFile(), 'out/main/workers/nnd.js is built by npm test').not.toBeNull();
    for (const threads of [2, 3]) {
      const par = nnDescent(rows, dims, 15, { seed: 3, threads });
      expect(par.stats.threads).toBe(threads);
      expect(par.stats.updates).toEqual(approx.stats.updates);
      expect(par.stats.distanceEvaluations).toBe(approx.stats.distanceEvaluations);
      expect(Buffer.from(par.knn.indices.buffer).equals(Buffer.from(approx.knn.indices.buffer))).toBe(true);
      expect(Buffer.from(par.knn.distances.buffer).equals(Buffer.from(approx.knn.distances.buffer))).toBe(true);
    }
    // The map's path: projectionKnn with threads reports the same recall as on one thread.
    const one = projectionKnn(rows, dims, 10, { seed: 1, recallSample: 50, exactMaxRows: 1000 });
    const two = projectionKnn(rows, dims, 10, { seed: 1, recallSample: 50, exactMaxRows: 1000, threads: 2 });
    expect(two.stats!.threads).toBe(2);
    expect(Buffer.from(two.knn.indices.buffer).equals(Buffer.from(one.knn.indices.buffer))).toBe(true);
    expect(two.recall).toEqual(one.recall);
  });

  it('uses exact search up to the threshold and NN-descent beyond, with its recall attached', () => {
    expect(projectionKnn(rows, dims, 10, { seed: 1 }).method).toBe(n <= EXACT_MAX_ROWS ? 'exact' : 'nn-descent');
    expect(projectionKnn(rows.subarray(0, 900 * dims), dims, 10, { seed: 1, exactMaxRows: 1000 }).method).toBe('exact');
    const big = projectionKnn(rows, dims, 10, { seed: 1, recallSample: 50, exactMaxRows: 1000 });
    expect(big.method).toBe('nn-descent');
    expect(big.recall!.sampled).toBe(50);
    expect(big.recall!.recall).toBeGreaterThan(0.9);
  });
});
