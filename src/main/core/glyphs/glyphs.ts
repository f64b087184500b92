// Variance glyphs on a 2-D map of probabilistic embeddings (SCIENCE §3.3): a CSD disk of radius
// ρ_i = s_i·√T_i per point and a secondary anisotropy ellipse from J_i diag(σ_i²) J_iᵀ rescaled
// to trace ρ_i². For PCA J_i = W exactly; for UMAP (any non-linear map) J_i is a weighted ridge fit
// of the kNN displacements in a local SVD basis, with its fit quality R²_i.
//
// Conventions chosen here:
// - kNN are exact, Euclidean in D (the means as given; cosine spaces are unit rows, so the order is
//   the cosine order); k = 20 by default; a point's own row is excluded.
// - Gaussian weights w_j = exp(−‖x_j‖²/(2h²)) with h the median kNN distance of the point.
// - Basis: the top d = min(k−1, 8) right singular vectors of X = [μ_j − μ_i] (via the k×k Gram
//   matrix); ridge λ = 1e-3·tr(ZᵀWZ) with Z = X U.
// - R² is weighted, against the weighted mean displacement; clamped to [0, 1].
// - s_i = median_j ‖y_j − y_i‖ / ‖μ_j − μ_i‖ (pairs at zero distance skipped).
// - Ellipse semi-axes c·√(κλ) with κ = ρ²/(λ₁ + λ₂), so λ₁κ + λ₂κ = ρ²; angle of e₁ in radians,
//   counter-clockwise from the map's +x axis (map units, y up); c = 1 by default (39.3 %).
// - Hidden (ellipseShown = 0) when R² < 0.5, λ₁/λ₂ < 1.2, or T = 0.
import { totalVariance } from '../heads/csd.js';
import { euclideanKnn } from '../compute/euclidean_knn.js';
import { eigen2, solveSpd, symmetricEigen } from './linalg.js';

export interface GlyphOptions {
  /** 'local' (default; UMAP, t-SNE, any map) or 'pca' (exact: J = projection). */
  method?: 'local' | 'pca';
  /** PCA only: the 2 × dims projection W (row-major) with xy = W·μ (+ a constant). */
  projection?: Float32Array;
  k?: number;
  basisDims?: number;
  ridge?: number;
  r2Min?: number;
  anisotropyMin?: number;
  /** Confidence constant c of the ellipse (c = √(−2 ln(1 − p)); 1 ↔ 39.3 %, 2.448 ↔ 95 %). */
  confidence?: number;
  /** Global exaggeration of radii and ellipses (shown to the user as a number). */
  exaggeration?: number;
  /** Precomputed neighbours (n × k indices), e.g. from the projection's kNN graph. */
  neighbors?: Int32Array;
  onProgress?: (done: number, total: number) => void;
}

export interface Glyphs {
  /** CSD disk radius ρ = s·√T (× exaggeration), map units. */
  radius: Float32Array;
  /** n × 3: semi-axis a (major), semi-axis b (minor), angle (radians); zeros when hidden. */
  ellipse: Float32Array;
  /** 1 when the ellipse passes the R² and anisotropy tests. */
  ellipseShown: Uint8Array;
  /** Local linear fit quality (1 for PCA). */
  r2: Float32Array;
  /** Local map scale s (map units per D-space unit). */
  scale: Float32Array;
  /** T = Σσ² per point. */
  trace: Float32Array;
  /** n × 3 (xx, xy, yy): the push-forward J diag(σ²) Jᵀ before any rescaling. */
  cov: Float32Array;
  k: number;
}

export const GLYPH_DEFAULTS = { k: 20, basisDims: 8, ridge: 1e-3, r2Min: 0.5, anisotropyMin: 1.2, confidence: 1, exaggeration: 1 };

/** c for a 2-D Gaussian confidence region of probability p. */
export function confidenceConstant(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`confidence ${p} is not in (0, 1)`);
  return Math.sqrt(-2 * Math.log(1 - p));
}

function median(a: number[]): number {
  if (a.length === 0) return NaN;
  const s = a.slice().sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Glyphs for n points with means (n × dims), log σ² (n × dims, n, or null) and map positions
 * xy (n × 2).
 */
export function computeGlyphs(means: Float32Array, logvar: Float32Array | null, dims: number, xy: Float32Array, opts: GlyphOptions = {}): Glyphs {
  const o = { ...GLYPH_DEFAULTS, ...opts };
  const n = xy.length / 2;
  if (!Number.isInteger(n) || means.length !== n * dims) throw new RangeError(`glyphs: ${means.length} mean values and ${xy.length} coordinates for dims ${dims}`);
  const method = o.method ?? 'local';
  const W = o.projection;
  if (method === 'pca' && (!W || W.length !== 2 * dims)) throw new RangeError('glyphs: method pca needs the 2 × dims projection');
  const trace = totalVariance(logvar, n, dims);
  const scalarVar = !!logvar && logvar.length === n;
  let k = Math.min(o.k, n - 1);
  let nbr = o.neighbors;
  if (nbr) {
    if (nbr.length % n) throw new RangeError('glyphs: neighbors must be n × k');
    k = nbr.length / n;
  } else nbr = euclideanKnn(means, dims, k).indices;

  const radius = new Float32Array(n);
  const ellipse = new Float32Array(n * 3);
  const shown = new Uint8Array(n);
  const r2 = new Float32Array(n);
  const scale = new Float32Array(n);
  const cov = new Float32Array(n * 3);
  const X = new Float64Array(k * dims);
  const Y = new Float64Array(k * 2);
  const dist = new Float64Array(k);
  const sig = new Float64Array(dims);
  const J = new Float64Array(2 * dims);

  for (let i = 0; i < n; i++) {
    // displacements
    const ratios: number[] = [];
    let used = 0;
    for (let j = 0; j < k; j++) {
      const g = nbr[i * k + j];
      if (g < 0 || g === i) continue;
      let d2 = 0;
      for (let d = 0; d < dims; d++) {
        const x = means[g * dims + d] - means[i * dims + d];
        X[used * dims + d] = x;
        d2 += x * x;
      }
      const yx = xy[2 * g] - xy[2 * i];
      const yy = xy[2 * g + 1] - xy[2 * i + 1];
      Y[used * 2] = yx;
      Y[used * 2 + 1] = yy;
      dist[used] = Math.sqrt(d2);
      if (d2 > 0) ratios.push(Math.hypot(yx, yy) / dist[used]);
      used++;
    }
    const s = ratios.length ? median(ratios) : 0;
    scale[i] = s;
    const T = trace[i];
    const rho = s * Math.sqrt(T) * o.exaggeration;
    radius[i] = rho;
    for (let d = 0; d < dims; d++) sig[d] = logvar ? Math.exp(scalarVar ? logvar[i] : logvar[i * dims + d]) : 0;

    let fit = 1;
    if (method === 'pca') {
      for (let q = 0; q < 2 * dims; q++) J[q] = W![q];
    } else {
      fit = localMap(X, Y, dist, used, dims, o.basisDims, o.ridge, J);
    }
    r2[i] = fit;
    let cxx = 0;
    let cxy = 0;
    let cyy = 0;
    for (let d = 0; d < dims; d++) {
      const a = J[d];
      const b = J[dims + d];
      cxx += a * a * sig[d];
      cxy += a * b * sig[d];
      cyy += b * b * sig[d];
    }
    cov[3 * i] = cxx;
    cov[3 * i + 1] = cxy;
    cov[3 * i + 2] = cyy;
    const e = eigen2(cxx, cxy, cyy);
    const tr = e.l1 + e.l2;
    const aniso = e.l2 > 0 ? e.l1 / e.l2 : Infinity;
    if (T > 0 && tr > 0 && fit >= o.r2Min && aniso >= o.anisotropyMin) {
      const kappa = (rho * rho) / tr;
      ellipse[3 * i] = o.confidence * Math.sqrt(kappa * e.l1);
      ellipse[3 * i + 1] = o.confidence * Math.sqrt(kappa * e.l2);
      ellipse[3 * i + 2] = e.angle;
      shown[i] = 1;
    }
    if (o.onProgress && i % 1000 === 999) o.onProgress(i + 1, n);
  }
  o.onProgress?.(n, n);
  return { radius, ellipse, ellipseShown: shown, r2, scale, trace, cov, k };
}

/**
 * The local linear map of SCIENCE §3.3 step 2 written into J (2 × dims, row-major); returns R².
 * X: m × dims displacements in D, Y: m × 2 map displacements, dist: their D lengths.
 */
function localMap(X: Float64Array, Y: Float64Array, dist: Float64Array, m: number, dims: number, basisDims: number, ridge: number, J: Float64Array): number {
  J.fill(0);
  if (m < 3) return 0;
  // Gram matrix and its eigenvectors: X = V S Uᵀ, so U_r = Xᵀ v_r / s_r and Z = X U = V S.
  const G = new Float64Array(m * m);
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += X[a * dims + d] * X[b * dims + d];
      G[a * m + b] = s;
      G[b * m + a] = s;
    }
  }
  const { values, vectors } = symmetricEigen(G, m);
  const top = values[0];
  let r = 0;
  const maxR = Math.min(m - 1, basisDims, dims);
  while (r < maxR && values[r] > 1e-10 * top && values[r] > 0) r++;
  if (r === 0) return 0;
  // Z (m × r) = V_r S_r
  const Z = new Float64Array(m * r);
  const sv = new Float64Array(r);
  for (let c = 0; c < r; c++) {
    sv[c] = Math.sqrt(values[c]);
    for (let a = 0; a < m; a++) Z[a * r + c] = vectors[a * m + c] * sv[c];
  }
  // Gaussian weights with h = median distance.
  const h = median(Array.from(dist.subarray(0, m)));
  const w = new Float64Array(m);
  for (let a = 0; a < m; a++) w[a] = h > 0 ? Math.exp(-(dist[a] * dist[a]) / (2 * h * h)) : 1;
  // S = ZᵀWZ + λI, R = ZᵀWY (r × 2), A = (S⁻¹R)ᵀ (2 × r)
  const S = new Float64Array(r * r);
  const R = new Float64Array(r * 2);
  for (let p = 0; p < r; p++) {
    for (let q = p; q < r; q++) {
      let s = 0;
      for (let a = 0; a < m; a++) s += w[a] * Z[a * r + p] * Z[a * r + q];
      S[p * r + q] = s;
      S[q * r + p] = s;
    }
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let a = 0; a < m; a++) s += w[a] * Z[a * r + p] * Y[a * 2 + c];
      R[p * 2 + c] = s;
    }
  }
  let trS = 0;
  for (let p = 0; p < r; p++) trS += S[p * r + p];
  const lambda = ridge * trS;
  for (let p = 0; p < r; p++) S[p * r + p] += lambda;
  const B = solveSpd(S, r, R, 2); // r × 2 = Aᵀ
  // R²
  let sw = 0;
  let my0 = 0;
  let my1 = 0;
  for (let a = 0; a < m; a++) {
    sw += w[a];
    my0 += w[a] * Y[a * 2];
    my1 += w[a] * Y[a * 2 + 1];
  }
  my0 /= sw;
  my1 /= sw;
  let sse = 0;
  let sst = 0;
  for (let a = 0; a < m; a++) {
    let f0 = 0;
    let f1 = 0;
    for (let p = 0; p < r; p++) {
      f0 += Z[a * r + p] * B[p * 2];
      f1 += Z[a * r + p] * B[p * 2 + 1];
    }
    sse += w[a] * ((Y[a * 2] - f0) ** 2 + (Y[a * 2 + 1] - f1) ** 2);
    sst += w[a] * ((Y[a * 2] - my0) ** 2 + (Y[a * 2 + 1] - my1) ** 2);
  }
  // J = A Uᵀ with U_r = Xᵀ v_r / s_r: J[c, d] = Σ_p B[p, c] · Σ_a X[a, d] v[a, p] / s_p
  const coef = new Float64Array(m * 2); // per neighbour a: Σ_p v[a,p] B[p,c] / s_p
  for (let a = 0; a < m; a++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let p = 0; p < r; p++) s += (vectors[a * m + p] * B[p * 2 + c]) / sv[p];
      coef[a * 2 + c] = s;
    }
  }
  for (let a = 0; a < m; a++) {
    const c0 = coef[a * 2];
    const c1 = coef[a * 2 + 1];
    for (let d = 0; d < dims; d++) {
      const x = X[a * dims + d];
      J[d] += c0 * x;
      J[dims + d] += c1 * x;
    }
  }
  if (!(sst > 0)) return 0;
  return Math.min(1, Math.max(0, 1 - sse / sst));
}

/**
 * The first two principal axes of the means (exact push-forward variant, SCIENCE §3.2): returns the
 * 2 × dims projection W (orthonormal rows), the centre, and xy = W(μ − centre). Subspace iteration
 * on the centred data, so the dims × dims covariance is never formed.
 */
export function pca2(means: Float32Array, dims: number, opts: { iterations?: number } = {}): { projection: Float32Array; center: Float32Array; xy: Float32Array } {
  const n = means.length / dims;
  if (!Number.isInteger(n) || n < 2) throw new RangeError('pca2 needs at least two rows');
  const center = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) center[d] += means[i * dims + d];
  for (let d = 0; d < dims; d++) center[d] /= n;
  // Start from two fixed vectors; orthonormalise after each multiplication by C = XᵀX.
  let V = new Float64Array(2 * dims);
  for (let d = 0; d < dims; d++) {
    V[d] = 1 / Math.sqrt(dims);
    V[dims + d] = (d % 2 ? 1 : -1) * Math.sqrt(((d % 7) + 1) / (4 * dims));
  }
  orthonormalise(V, dims);
  const proj = new Float64Array(2);
  for (let it = 0; it < (opts.iterations ?? 60); it++) {
    const next = new Float64Array(2 * dims);
    for (let i = 0; i < n; i++) {
      proj[0] = 0;
      proj[1] = 0;
      for (let d = 0; d < dims; d++) {
        const x = means[i * dims + d] - center[d];
        proj[0] += x * V[d];
        proj[1] += x * V[dims + d];
      }
      for (let d = 0; d < dims; d++) {
        const x = means[i * dims + d] - center[d];
        next[d] += x * proj[0];
        next[dims + d] += x * proj[1];
      }
    }
    orthonormalise(next, dims);
    V = next;
  }
  // Rayleigh–Ritz on the 2-D subspace so the two rows are the ordered principal axes.
  const M = new Float64Array(4);
  const P = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += (means[i * dims + d] - center[d]) * V[c * dims + d];
      P[i * 2 + c] = s;
    }
    M[0] += P[i * 2] ** 2;
    M[1] += P[i * 2] * P[i * 2 + 1];
    M[3] += P[i * 2 + 1] ** 2;
  }
  const e = eigen2(M[0], M[1], M[3]);
  const c = Math.cos(e.angle);
  const s = Math.sin(e.angle);
  const W = new Float32Array(2 * dims);
  for (let d = 0; d < dims; d++) {
    W[d] = c * V[d] + s * V[dims + d];
    W[dims + d] = -s * V[d] + c * V[dims + d];
  }
  const xy = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    xy[2 * i] = c * P[i * 2] + s * P[i * 2 + 1];
    xy[2 * i + 1] = -s * P[i * 2] + c * P[i * 2 + 1];
  }
  return { projection: W, center: Float32Array.from(center), xy };
}

function orthonormalise(V: Float64Array, dims: number): void {
  let a = 0;
  for (let d = 0; d < dims; d++) a += V[d] * V[d];
  a = Math.sqrt(a) || 1;
  for (let d = 0; d < dims; d++) V[d] /= a;
  let p = 0;
  for (let d = 0; d < dims; d++) p += V[d] * V[dims + d];
  for (let d = 0; d < dims; d++) V[dims + d] -= p * V[d];
  let b = 0;
  for (let d = 0; d < dims; d++) b += V[dims + d] ** 2;
  b = Math.sqrt(b) || 1;
  for (let d = 0; d < dims; d++) V[dims + d] /= b;
}

/**
 * SCIENCE §3.3 step 7, third check: relative error of s²·CSD_ij ≈ ‖y_i − y_j‖² + ρ_i² + ρ_j² on
 * neighbour pairs (s = mean of the two local scales; exaggeration must be 1).
 */
export function additiveIdentityErrors(g: Glyphs, means: Float32Array, dims: number, xy: Float32Array, pairs: ReadonlyArray<readonly [number, number]>): Float64Array {
  const out = new Float64Array(pairs.length);
  pairs.forEach(([i, j], q) => {
    let d2 = 0;
    for (let d = 0; d < dims; d++) d2 += (means[i * dims + d] - means[j * dims + d]) ** 2;
    const csd = d2 + g.trace[i] + g.trace[j];
    const s = (g.scale[i] + g.scale[j]) / 2;
    const lhs = s * s * csd;
    const rhs = (xy[2 * i] - xy[2 * j]) ** 2 + (xy[2 * i + 1] - xy[2 * j + 1]) ** 2 + g.radius[i] ** 2 + g.radius[j] ** 2;
    out[q] = lhs > 0 ? Math.abs(lhs - rhs) / lhs : 0;
  });
  return out;
}
