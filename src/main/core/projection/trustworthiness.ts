// Trustworthiness of a 2-D layout (Venna & Kaski 2001, as in scikit-learn), on a seeded sample:
// T(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k), where U_k(i) are the layout's
// k nearest neighbours of i that are not among its k nearest in the original space and r(i, j) is
// j's rank there. 1 means every near point on the map is near in the space. High-dimensional
// distances are cosine on unit rows (the map's metric); both spaces are restricted to the sample.
import { createDotEngine, paddedRow } from '../compute/dot_engine.js';
import { sampleIndices } from '../compute/knn_recall.js';

export function trustworthiness(rows: Float32Array, dims: number, xy: Float32Array, k = 15, sample = 10_000, seed = 11): { value: number; sampled: number; k: number } {
  const nAll = rows.length / dims;
  const idx = sampleIndices(nAll, sample, seed);
  const n = idx.length;
  if (n < 3 * k + 2) return { value: 1, sampled: n, k };
  const rowFloats = paddedRow(dims);
  const engine = createDotEngine(n * rowFloats + n);
  const mem = engine.memory;
  for (let a = 0; a < n; a++) mem.set(rows.subarray(idx[a] * dims, (idx[a] + 1) * dims), a * rowFloats);
  const outOff = n * rowFloats;
  const sorted = new Float32Array(n);
  const lowD = new Float64Array(n);
  const lowI = new Int32Array(k);
  const lowS = new Float64Array(k);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    engine.dots(i * rowFloats, 1, 0, n, rowFloats, outOff, n);
    // Ranks in the original space: descending similarity, self excluded (rank 1 = nearest).
    for (let g = 0; g < n; g++) sorted[g] = mem[outOff + g];
    sorted[i] = -Infinity;
    sorted.sort();
    const xi = xy[2 * idx[i]];
    const yi = xy[2 * idx[i] + 1];
    lowS.fill(Infinity);
    lowI.fill(-1);
    for (let g = 0; g < n; g++) {
      if (g === i) continue;
      const dx = xy[2 * idx[g]] - xi;
      const dy = xy[2 * idx[g] + 1] - yi;
      const d = dx * dx + dy * dy;
      lowD[g] = d;
      if (d >= lowS[k - 1]) continue;
      let j = k - 1;
      while (j > 0 && lowS[j - 1] > d) {
        lowS[j] = lowS[j - 1];
        lowI[j] = lowI[j - 1];
        j--;
      }
      lowS[j] = d;
      lowI[j] = g;
    }
    for (let t = 0; t < k; t++) {
      const s = mem[outOff + lowI[t]];
      // rank = 1 + number of others strictly more similar (sorted ascending: count above s).
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] <= s) lo = mid + 1;
        else hi = mid;
      }
      const rank = n - lo + 1;
      if (rank > k) penalty += rank - k;
    }
  }
  const value = 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
  return { value, sampled: n, k };
}
