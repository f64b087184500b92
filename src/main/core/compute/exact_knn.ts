// Exact k nearest neighbours of every row among all rows (cosine on L2-normalised rows), for
// UMAP's graph. Blocked dot products on the wasm SIMD kernel (dot_engine.ts): at 20k × 64-d
// this is ~2.5e10 multiply-adds, a few seconds, and faster than umap-js's NN-descent.
import { createDotEngine, paddedRow } from './dot_engine.js';

export interface Knn {
  /** n × k neighbour indices, self first. */
  indices: Int32Array;
  /** n × k euclidean distances between unit rows: sqrt(2 − 2·cos). */
  distances: Float32Array;
  k: number;
}

export function exactKnn(rows: Float32Array, dims: number, k: number, onProgress?: (done: number, total: number) => void): Knn {
  const n = rows.length / dims;
  k = Math.min(k, n);
  const row = paddedRow(dims);
  const block = 128;
  const outOff = n * row;
  const engine = createDotEngine(outOff + block * n);
  const mem = engine.memory;
  for (let i = 0; i < n; i++) mem.set(rows.subarray(i * dims, (i + 1) * dims), i * row);
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const topS = new Float32Array(k);
  const topI = new Int32Array(k);
  for (let i0 = 0; i0 < n; i0 += block) {
    const nb = Math.min(block, n - i0);
    engine.dots(i0 * row, nb, 0, n, row, outOff, n);
    for (let b = 0; b < nb; b++) {
      const q = i0 + b;
      const base = outOff + b * n;
      topS.fill(-Infinity);
      topI.fill(-1);
      // Self first, then the k−1 best others (insertion into a small sorted list).
      topS[0] = Infinity;
      topI[0] = q;
      for (let g = 0; g < n; g++) {
        if (g === q) continue;
        const s = mem[base + g];
        if (s <= topS[k - 1]) continue;
        let j = k - 1;
        while (j > 1 && topS[j - 1] < s) {
          topS[j] = topS[j - 1];
          topI[j] = topI[j - 1];
          j--;
        }
        topS[j] = s;
        topI[j] = g;
      }
      for (let j = 0; j < k; j++) {
        indices[q * k + j] = topI[j];
        distances[q * k + j] = j === 0 ? 0 : Math.sqrt(Math.max(0, 2 - 2 * topS[j]));
      }
    }
    onProgress?.(Math.min(n, i0 + nb), n);
  }
  return { indices, distances, k };
}
