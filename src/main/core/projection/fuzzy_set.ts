// UMAP's fuzzy simplicial set from a kNN graph, in CSR typed arrays (SCIENCE.md, UMAP). Per point:
// rho = distance to the nearest other point, sigma by bisection so that
// Σ_j exp(−max(0, d_ij − rho)/sigma) = log2(k); membership w_ij = exp(−(d_ij − rho)/sigma).
// Symmetrised by fuzzy union, w ∪ w' = w + w' − w·w', with both directions kept as entries,
// which is the edge list the epochs sample. No string-keyed maps, no number[][].
import type { Knn } from '../compute/exact_knn.js';

export interface FuzzyGraph {
  n: number;
  /** Row i's entries are rowPtr[i] … rowPtr[i+1]−1 of cols/vals (sorted by column). */
  rowPtr: Int32Array;
  cols: Int32Array;
  vals: Float32Array;
}

const SMOOTH_TOLERANCE = 1e-5;
const MIN_K_DIST_SCALE = 1e-3;

/** sigma and rho for each point (the kNN lists include the point itself at distance 0). */
export function smoothKnnDistances(knn: Knn, n: number, iterations = 64): { sigmas: Float32Array; rhos: Float32Array } {
  const k = knn.k;
  const target = Math.log2(k);
  const sigmas = new Float32Array(n);
  const rhos = new Float32Array(n);
  let meanAll = 0;
  let count = 0;
  for (let t = 0; t < n * k; t++) {
    if (Number.isFinite(knn.distances[t])) {
      meanAll += knn.distances[t];
      count++;
    }
  }
  meanAll /= Math.max(1, count);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let rho = 0;
    let mean = 0;
    for (let j = 0; j < k; j++) {
      const d = knn.distances[base + j];
      if (Number.isFinite(d)) mean += d;
      if (rho === 0 && d > 0 && Number.isFinite(d)) rho = d;
    }
    mean /= k;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < iterations; it++) {
      let psum = 0;
      for (let j = 1; j < k; j++) {
        const d = knn.distances[base + j] - rho;
        psum += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(psum - target) < SMOOTH_TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    const floor = MIN_K_DIST_SCALE * (rho > 0 ? mean : meanAll);
    sigmas[i] = mid < floor ? floor : mid;
    rhos[i] = rho;
  }
  return { sigmas, rhos };
}

/** The symmetric fuzzy graph of a kNN graph (self entries dropped). */
export function fuzzySimplicialSet(knn: Knn, n: number): FuzzyGraph {
  const k = knn.k;
  const { sigmas, rhos } = smoothKnnDistances(knn, n);
  // Directed memberships, one row of k per point, columns sorted for lookup of the reverse edge.
  const dirCols = new Int32Array(n * k).fill(-1);
  const dirVals = new Float32Array(n * k);
  const order = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let m = 0;
    for (let j = 0; j < k; j++) {
      const c = knn.indices[base + j];
      if (c < 0 || c === i) continue;
      order[m++] = j;
    }
    // Sort the kept positions by column (insertion sort; k is small).
    for (let a = 1; a < m; a++) {
      const v = order[a];
      let b = a - 1;
      while (b >= 0 && knn.indices[base + order[b]] > knn.indices[base + v]) {
        order[b + 1] = order[b];
        b--;
      }
      order[b + 1] = v;
    }
    let w = 0;
    for (let a = 0; a < m; a++) {
      const j = order[a];
      const c = knn.indices[base + j];
      if (w > 0 && dirCols[base + w - 1] === c) continue; // a duplicate neighbour
      const d = knn.distances[base + j] - rhos[i];
      dirCols[base + w] = c;
      dirVals[base + w] = d <= 0 || sigmas[i] === 0 ? 1 : Math.exp(-d / sigmas[i]);
      w++;
    }
  }
  const lookup = (i: number, c: number): number => {
    for (let t = i * k; t < i * k + k; t++) {
      const x = dirCols[t];
      if (x === c) return dirVals[t];
      if (x > c || x < 0) return 0;
    }
    return 0;
  };
  // Every unordered pair with a directed edge either way becomes two entries, i→j and j→i.
  const deg = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let t = i * k; t < i * k + k; t++) {
      const j = dirCols[t];
      if (j < 0) break;
      deg[i]++;
      if (lookup(j, i) === 0) deg[j]++;
    }
  }
  const rowPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowPtr[i + 1] = rowPtr[i] + deg[i];
  const nnz = rowPtr[n];
  const cols = new Int32Array(nnz);
  const vals = new Float32Array(nnz);
  const fill = rowPtr.slice(0, n);
  for (let i = 0; i < n; i++) {
    for (let t = i * k; t < i * k + k; t++) {
      const j = dirCols[t];
      if (j < 0) break;
      const a = dirVals[t];
      const b = lookup(j, i);
      const s = a + b - a * b;
      cols[fill[i]] = j;
      vals[fill[i]++] = s;
      if (b === 0) {
        cols[fill[j]] = i;
        vals[fill[j]++] = s;
      }
    }
  }
  sortRows(rowPtr, cols, vals);
  return { n, rowPtr, cols, vals };
}

function sortRows(rowPtr: Int32Array, cols: Int32Array, vals: Float32Array): void {
  for (let i = 0; i + 1 < rowPtr.length; i++) {
    for (let a = rowPtr[i] + 1; a < rowPtr[i + 1]; a++) {
      const c = cols[a];
      const v = vals[a];
      let b = a - 1;
      while (b >= rowPtr[i] && cols[b] > c) {
        cols[b + 1] = cols[b];
        vals[b + 1] = vals[b];
        b--;
      }
      cols[b + 1] = c;
      vals[b + 1] = v;
    }
  }
}
