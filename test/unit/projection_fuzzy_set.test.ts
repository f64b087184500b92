// The CSR fuzzy simplicial set (core/projection/fuzzy_set.ts) against a dense brute-force
// reference written straight from the definition, on a tiny case.
import { describe, expect, it } from 'vitest';
import { fuzzySimplicialSet, smoothKnnDistances } from '../../src/main/core/projection/fuzzy_set.js';
import { exactKnn } from '../../src/main/core/compute/exact_knn.js';
import { normalizedRows } from '../../src/main/core/projection/umap.js';
import { mulberry32 } from '../../src/shared/random.js';

describe('fuzzy simplicial set in CSR', () => {
  it('matches the dense definition: memberships, fuzzy union, symmetry', () => {
    const n = 14;
    const dims = 5;
    const k = 4;
    const rnd = mulberry32(9);
    const rows = normalizedRows(Float32Array.from({ length: n * dims }, () => rnd() - 0.5), dims);
    const knn = exactKnn(rows, dims, k);
    const g = fuzzySimplicialSet(knn, n);
    const { sigmas, rhos } = smoothKnnDistances(knn, n);
    // sigma solves Σ_j exp(−max(0, d − rho)/sigma) = log2 k over the k−1 others.
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 1; j < k; j++) s += Math.exp(-Math.max(0, knn.distances[i * k + j] - rhos[i]) / sigmas[i]);
      expect(s).toBeCloseTo(Math.log2(k), 3);
    }
    const P = Array.from({ length: n }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      for (let j = 1; j < k; j++) {
        const c = knn.indices[i * k + j];
        P[i][c] = Math.exp(-Math.max(0, knn.distances[i * k + j] - rhos[i]) / sigmas[i]);
      }
    }
    const dense = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => P[i][j] + P[j][i] - P[i][j] * P[j][i]));
    let nnz = 0;
    for (let i = 0; i < n; i++) {
      const got = new Float64Array(n);
      for (let t = g.rowPtr[i]; t < g.rowPtr[i + 1]; t++) {
        if (t > g.rowPtr[i]) expect(g.cols[t]).toBeGreaterThan(g.cols[t - 1]);
        got[g.cols[t]] = g.vals[t];
      }
      for (let j = 0; j < n; j++) {
        expect(got[j]).toBeCloseTo(dense[i][j], 5);
        if (dense[i][j] > 0) nnz++;
      }
    }
    expect(g.rowPtr[n]).toBe(nnz);
  });
});
