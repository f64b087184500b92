// The first two principal components of the rows: the map's instant first view, UMAP's starting
// layout, and `--method pca`. Randomised subspace iteration (Halko, Martinsson & Tropp 2011) on
// the centred rows, never forming the d × d covariance: each pass is two n × d × p products with
// p = 6. The axes are fitted on at most 20,000 seeded sample rows and every row is then projected
// once, so a million rows cost one n × d × 2 pass. Deterministic for a seed.
import { mulberry32 } from '../../../shared/random.js';
import { symmetricEigen } from '../glyphs/linalg.js';

const P = 6;
const PASSES = 4;
/** Rows the axes are fitted on; beyond this a seeded sample stands for the rest. */
export const PCA_FIT_ROWS = 20_000;

/** Orthonormalises the p columns of Q (d × p, row-major) in place by modified Gram–Schmidt. */
function orthonormalize(q: Float64Array, d: number, p: number): void {
  for (let c = 0; c < p; c++) {
    for (let prev = 0; prev < c; prev++) {
      let dot = 0;
      for (let r = 0; r < d; r++) dot += q[r * p + c] * q[r * p + prev];
      for (let r = 0; r < d; r++) q[r * p + c] -= dot * q[r * p + prev];
    }
    let norm = 0;
    for (let r = 0; r < d; r++) norm += q[r * p + c] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < d; r++) q[r * p + c] /= norm;
  }
}

export interface PcaResult {
  /** n × 2 coordinates (scores on the first two components). */
  xy: Float32Array;
  /** Share of the total variance each of the two components explains. */
  explained: [number, number];
}

export function pca2(all: Float32Array, dims: number, seed = 42): PcaResult {
  const nAll = Math.floor(all.length / dims);
  let rows = all;
  if (nAll > PCA_FIT_ROWS) {
    const pick = mulberry32(seed ^ 0x2545f491);
    rows = new Float32Array(PCA_FIT_ROWS * dims);
    // Reservoir-free sampling: one seeded row per stratum of nAll / PCA_FIT_ROWS rows.
    for (let s = 0; s < PCA_FIT_ROWS; s++) {
      const lo = Math.floor((s * nAll) / PCA_FIT_ROWS);
      const hi = Math.floor(((s + 1) * nAll) / PCA_FIT_ROWS);
      const r = lo + Math.floor(pick() * (hi - lo));
      rows.set(all.subarray(r * dims, (r + 1) * dims), s * dims);
    }
  }
  const n = Math.floor(rows.length / dims);
  const d = dims;
  const p = Math.min(P, d);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] += rows[i * d + c];
  for (let c = 0; c < d; c++) mean[c] /= Math.max(1, n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      const x = rows[i * d + c] - mean[c];
      total += x * x;
    }
  }
  const rnd = mulberry32(seed);
  let q = new Float64Array(d * p);
  for (let t = 0; t < q.length; t++) q[t] = rnd() - 0.5;
  orthonormalize(q, d, p);
  const y = new Float64Array(n * p); // (X − mean) Q
  const project = () => {
    const mq = new Float64Array(p);
    for (let c = 0; c < d; c++) for (let j = 0; j < p; j++) mq[j] += mean[c] * q[c * p + j];
    for (let i = 0; i < n; i++) {
      const yo = i * p;
      for (let j = 0; j < p; j++) y[yo + j] = -mq[j];
      const ro = i * d;
      for (let c = 0; c < d; c++) {
        const x = rows[ro + c];
        const qo = c * p;
        for (let j = 0; j < p; j++) y[yo + j] += x * q[qo + j];
      }
    }
  };
  for (let pass = 0; pass < PASSES; pass++) {
    project();
    // Q ← orth((X − mean)ᵀ Y)
    const z = new Float64Array(d * p);
    const ys = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const yo = i * p;
      const ro = i * d;
      for (let j = 0; j < p; j++) ys[j] += y[yo + j];
      for (let c = 0; c < d; c++) {
        const x = rows[ro + c];
        const zo = c * p;
        for (let j = 0; j < p; j++) z[zo + j] += x * y[yo + j];
      }
    }
    for (let c = 0; c < d; c++) for (let j = 0; j < p; j++) z[c * p + j] -= mean[c] * ys[j];
    orthonormalize(z, d, p);
    q = z;
  }
  project();
  // Rayleigh–Ritz: the covariance restricted to span(Q) is YᵀY / n; rotate to its eigenvectors.
  const small = new Float64Array(p * p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) for (let b = a; b < p; b++) small[a * p + b] += y[i * p + a] * y[i * p + b];
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) small[a * p + b] = small[b * p + a];
  const { values, vectors } = symmetricEigen(small, p);
  // The two axes in the original space: Q · (first two eigenvectors); then one pass over all rows.
  const ax = new Float64Array(d * 2);
  for (let c = 0; c < d; c++) {
    for (let j = 0; j < p; j++) {
      ax[2 * c] += q[c * p + j] * vectors[j * p];
      if (p > 1) ax[2 * c + 1] += q[c * p + j] * vectors[j * p + 1];
    }
  }
  let m0 = 0;
  let m1 = 0;
  for (let c = 0; c < d; c++) {
    m0 += mean[c] * ax[2 * c];
    m1 += mean[c] * ax[2 * c + 1];
  }
  const xy = new Float32Array(nAll * 2);
  for (let i = 0; i < nAll; i++) {
    let s0 = -m0;
    let s1 = -m1;
    const ro = i * d;
    for (let c = 0; c < d; c++) {
      const x = all[ro + c];
      s0 += x * ax[2 * c];
      s1 += x * ax[2 * c + 1];
    }
    xy[2 * i] = s0;
    xy[2 * i + 1] = s1;
  }
  // A component's sign is arbitrary; fix it (largest |score| positive) so runs agree everywhere.
  for (let c = 0; c < 2; c++) {
    let best = 0;
    for (let i = 0; i < nAll; i++) if (Math.abs(xy[2 * i + c]) > Math.abs(best)) best = xy[2 * i + c];
    if (best < 0) for (let i = 0; i < nAll; i++) xy[2 * i + c] = -xy[2 * i + c];
  }
  return { xy, explained: [total > 0 ? values[0] / total : 0, total > 0 ? values[1] / total : 0] };
}

/** Scales coordinates so the largest |value| is `extent` (UMAP starts from a ±10 box). */
export function scaleTo(xy: Float32Array, extent: number): Float32Array {
  let max = 0;
  for (let t = 0; t < xy.length; t++) max = Math.max(max, Math.abs(xy[t]));
  const f = max > 0 ? extent / max : 1;
  for (let t = 0; t < xy.length; t++) xy[t] *= f;
  return xy;
}
