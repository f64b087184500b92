// Variance glyphs (SCIENCE §3.3 step 7): the PCA push-forward equals the sample covariance of
// projected samples; mean ρ/s equals √T on synthetic Gaussians; the local linear map recovers a
// linear projection; the additive identity holds where the map is locally a similarity.
import { describe, expect, it } from 'vitest';
import { additiveIdentityErrors, computeGlyphs, confidenceConstant, pca2 } from '../../src/main/core/glyphs/glyphs.js';
import { euclideanKnn } from '../../src/main/core/compute/euclidean_knn.js';
import { eigen2, symmetricEigen } from '../../src/main/core/glyphs/linalg.js';
import { Rng } from '../../src/main/core/sample/rng.js';

function gaussianCloud(n: number, dims: number, seed: number, spread = 1): Float32Array {
  const rng = new Rng(seed, 'cloud');
  // anisotropic cloud so PCA has a well-defined plane
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) out[i * dims + d] = rng.normal() * spread * (d === 0 ? 3 : d === 1 ? 2 : 0.5);
  return out;
}

describe('linear algebra', () => {
  it('symmetric eigen-decomposition reconstructs the matrix', () => {
    const n = 6;
    const rng = new Rng(1, 'eig');
    const b = Array.from({ length: n * n }, () => rng.normal());
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
    const { values, vectors } = symmetricEigen(Float64Array.from(a), n);
    for (let k = 1; k < n; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
        expect(s).toBeCloseTo(a[i * n + j], 8);
      }
    }
    const e = eigen2(3, 1, 2);
    expect(e.l1 + e.l2).toBeCloseTo(5, 12);
    expect(e.l1 * e.l2).toBeCloseTo(5, 12);
    expect(confidenceConstant(0.95)).toBeCloseTo(2.4477, 3);
  });

  it('exact kNN matches a brute-force scan', () => {
    const pts = gaussianCloud(150, 7, 3);
    const nb = euclideanKnn(pts, 7, 5, { block: 16 });
    for (const q of [0, 17, 149]) {
      const d = Array.from({ length: 150 }, (_, g) => {
        let s = 0;
        for (let k = 0; k < 7; k++) s += (pts[q * 7 + k] - pts[g * 7 + k]) ** 2;
        return { g, s };
      })
        .filter((x) => x.g !== q)
        .sort((a, b) => a.s - b.s)
        .slice(0, 5)
        .map((x) => x.g);
      expect(Array.from(nb.indices.subarray(q * 5, q * 5 + 5))).toEqual(d);
    }
  });
});

describe('PCA push-forward', () => {
  it('equals the covariance of projected samples within Monte-Carlo error', () => {
    const dims = 16;
    const n = 300;
    const means = gaussianCloud(n, dims, 5);
    const { projection: W, xy } = pca2(means, dims);
    // rows of W are orthonormal
    let dot = 0;
    let n0 = 0;
    for (let d = 0; d < dims; d++) {
      dot += W[d] * W[dims + d];
      n0 += W[d] ** 2;
    }
    expect(Math.abs(dot)).toBeLessThan(1e-5);
    expect(n0).toBeCloseTo(1, 5);
    // anisotropic per-dimension variances
    const rng = new Rng(9, 'lv');
    const logvar = new Float32Array(n * dims);
    for (let k = 0; k < logvar.length; k++) logvar[k] = Math.log(0.01 + 0.2 * rng.next());
    const g = computeGlyphs(means, logvar, dims, xy, { method: 'pca', projection: W });
    expect(Array.from(g.r2).every((r) => r === 1)).toBe(true);
    for (const i of [0, 123, 299]) {
      const S = 40000;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let sxy = 0;
      let syy = 0;
      const srng = new Rng(i, 'mc');
      for (let s = 0; s < S; s++) {
        let y0 = 0;
        let y1 = 0;
        for (let d = 0; d < dims; d++) {
          const z = means[i * dims + d] + Math.exp(logvar[i * dims + d] / 2) * srng.normal();
          y0 += W[d] * z;
          y1 += W[dims + d] * z;
        }
        sx += y0;
        sy += y1;
        sxx += y0 * y0;
        sxy += y0 * y1;
        syy += y1 * y1;
      }
      const mx = sx / S;
      const my = sy / S;
      const c = [sxx / S - mx * mx, sxy / S - mx * my, syy / S - my * my];
      const ref = [g.cov[3 * i], g.cov[3 * i + 1], g.cov[3 * i + 2]];
      const scale = (ref[0] + ref[2]) / 2;
      // standard error of a covariance entry ≈ scale·√(2/S) ≈ 0.007·scale; allow 4 SE
      for (let q = 0; q < 3; q++) expect(Math.abs(c[q] - ref[q])).toBeLessThan(4 * scale * Math.sqrt(2 / S) + 1e-9);
      // the sample mean lands on the projected mean W·μ
      let w0 = 0;
      let w1 = 0;
      for (let d = 0; d < dims; d++) {
        w0 += W[d] * means[i * dims + d];
        w1 += W[dims + d] * means[i * dims + d];
      }
      expect(Math.abs(mx - w0)).toBeLessThan(4 * Math.sqrt(ref[0] / S));
      expect(Math.abs(my - w1)).toBeLessThan(4 * Math.sqrt(ref[2] / S));
    }
  });

  it('hides the ellipse for isotropic variances and shows it for anisotropic ones', () => {
    const dims = 8;
    const means = gaussianCloud(60, dims, 2);
    const { projection: W, xy } = pca2(means, dims);
    const iso = computeGlyphs(means, new Float32Array(60).fill(Math.log(0.05)), dims, xy, { method: 'pca', projection: W });
    expect(Array.from(iso.ellipseShown).every((s) => s === 0)).toBe(true);
    // variance concentrated on the first principal axis → a long thin ellipse along it
    const lv = new Float32Array(60 * dims).fill(Math.log(1e-4));
    for (let i = 0; i < 60; i++) for (let d = 0; d < dims; d++) lv[i * dims + d] = Math.log(1e-4 + 0.5 * W[d] ** 2);
    const an = computeGlyphs(means, lv, dims, xy, { method: 'pca', projection: W });
    expect(Array.from(an.ellipseShown).every((s) => s === 1)).toBe(true);
    for (let i = 0; i < 60; i++) {
      const [a, b] = [an.ellipse[3 * i], an.ellipse[3 * i + 1]];
      expect(a).toBeGreaterThan(b);
      // trace of the rescaled ellipse = ρ² (c = 1)
      expect(a * a + b * b).toBeCloseTo(an.radius[i] ** 2, 5);
    }
  });
});

describe('CSD disk', () => {
  it('mean ρ/s equals √T on synthetic Gaussians (PCA and local fits)', () => {
    const dims = 12;
    const n = 200;
    const means = gaussianCloud(n, dims, 11, 0.3);
    const rng = new Rng(4, 'T');
    const logvar = new Float32Array(n * dims);
    const T = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < dims; d++) {
        const v = 0.001 + 0.01 * rng.next();
        logvar[i * dims + d] = Math.log(v);
        T[i] += v;
      }
    }
    const { projection: W, xy } = pca2(means, dims);
    for (const method of ['pca', 'local'] as const) {
      const g = computeGlyphs(means, logvar, dims, xy, { method, projection: W });
      let sum = 0;
      let want = 0;
      for (let i = 0; i < n; i++) {
        expect(g.trace[i]).toBeCloseTo(T[i], 4);
        sum += g.radius[i] / g.scale[i];
        want += Math.sqrt(T[i]);
      }
      expect(sum / n).toBeCloseTo(want / n, 5);
    }
    // the exaggeration multiplies radii
    const g2 = computeGlyphs(means, logvar, dims, xy, { method: 'pca', projection: W, exaggeration: 3 });
    const g1 = computeGlyphs(means, logvar, dims, xy, { method: 'pca', projection: W });
    expect(g2.radius[5]).toBeCloseTo(3 * g1.radius[5], 5);
    // a deterministic space has no glyphs
    const g0 = computeGlyphs(means, null, dims, xy, { method: 'pca', projection: W });
    expect(Math.max(...g0.radius)).toBe(0);
  });

  it('the local fit recovers a linear map and the additive identity holds for a similarity map', () => {
    // means on a 2-D plane inside 10-D, map = rotation × 2.5 of that plane
    const dims = 10;
    const n = 250;
    const rng = new Rng(8, 'plane');
    const means = new Float32Array(n * dims);
    const xy = new Float32Array(n * 2);
    const c = Math.cos(0.7);
    const s = Math.sin(0.7);
    for (let i = 0; i < n; i++) {
      const u = rng.normal();
      const v = rng.normal();
      means[i * dims + 3] = u;
      means[i * dims + 7] = v;
      xy[2 * i] = 2.5 * (c * u - s * v);
      xy[2 * i + 1] = 2.5 * (s * u + c * v);
    }
    const logvar = new Float32Array(n * dims).fill(Math.log(0.002));
    const g = computeGlyphs(means, logvar, dims, xy, { method: 'local' });
    for (let i = 0; i < n; i++) {
      expect(g.r2[i]).toBeGreaterThan(0.99);
      expect(g.scale[i]).toBeCloseTo(2.5, 4);
    }
    const nb = euclideanKnn(means, dims, 3).indices;
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < n; i += 5) pairs.push([i, nb[i * 3]]);
    // only the in-plane part of the mean distance is mapped, so the identity is exact here
    const errs = additiveIdentityErrors(g, means, dims, xy, pairs);
    expect(Math.max(...errs)).toBeLessThan(0.01);
  });
});
