// Exact k nearest neighbours by Euclidean distance among n points in D dims (the glyphs' local
// fits need neighbours in the high-dimensional space, SCIENCE §3.3 step 2). Blocks of queries are
// scored against every point with the dot engine (dot_engine.ts, WebAssembly SIMD when present):
// ‖a − b‖² = ‖a‖² + ‖b‖² − 2⟨a, b⟩. O(n²·D): about a second per 10k points at 64 dims.
import { createDotEngine, paddedRow } from './dot_engine.js';

export interface Neighbours {
  k: number;
  /** n × k point indices, nearest first (the point itself excluded). */
  indices: Int32Array;
  /** n × k squared distances. */
  dist2: Float32Array;
}

export function euclideanKnn(points: Float32Array, dims: number, k: number, opts: { block?: number; onProgress?: (done: number, total: number) => void } = {}): Neighbours {
  const n = points.length / dims;
  if (!Number.isInteger(n)) throw new RangeError(`knn: ${points.length} values are not rows of ${dims}`);
  k = Math.min(k, n - 1);
  if (k < 1) throw new RangeError('knn needs at least two points');
  const row = paddedRow(dims);
  const block = Math.max(1, Math.min(opts.block ?? 128, n));
  const outOff = n * row;
  const engine = createDotEngine(outOff + block * n, 'auto');
  const mem = engine.memory;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const x = points[i * dims + d];
      mem[i * row + d] = x;
      s += x * x;
    }
    sq[i] = s;
  }
  const indices = new Int32Array(n * k);
  const dist2 = new Float32Array(n * k);
  const bi = new Int32Array(k);
  const bd = new Float64Array(k);
  for (let q0 = 0; q0 < n; q0 += block) {
    const rows = Math.min(block, n - q0);
    engine.dots(q0 * row, rows, 0, n, row, outOff, n);
    for (let r = 0; r < rows; r++) {
      const q = q0 + r;
      const o = outOff + r * n;
      bd.fill(Infinity);
      bi.fill(-1);
      let worst = Infinity;
      const sqq = sq[q];
      for (let g = 0; g < n; g++) {
        if (g === q) continue;
        const d = sqq + sq[g] - 2 * mem[o + g];
        if (d >= worst) continue;
        let j = k - 1;
        while (j > 0 && bd[j - 1] > d) {
          bd[j] = bd[j - 1];
          bi[j] = bi[j - 1];
          j--;
        }
        bd[j] = d;
        bi[j] = g;
        worst = bd[k - 1];
      }
      for (let j = 0; j < k; j++) {
        indices[q * k + j] = bi[j];
        dist2[q * k + j] = Math.max(0, bd[j]);
      }
    }
    opts.onProgress?.(q0 + rows, n);
  }
  return { k, indices, dist2 };
}
