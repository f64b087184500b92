// The map's layout (core/projection/umap_layout.ts): the same seed gives identical coordinates;
// its trustworthiness on clustered data is within 0.02 of umap-js's own pipeline; the worker sends
// the PCA view and intermediate maps before the final one; fastPow stays within 1e-4 of Math.pow.
import { describe, expect, it } from 'vitest';
import { UMAP } from 'umap-js';
import { computeLayout, type LayoutParams } from '../../src/main/core/projection/umap_layout.js';
import { trustworthiness } from '../../src/main/core/projection/trustworthiness.js';
import { fastPow } from '../../src/main/core/projection/umap_epochs.js';
import { fitCurve } from '../../src/main/core/projection/umap_curve.js';
import { pca2 } from '../../src/main/core/projection/pca.js';
import { normalizedRows, runLayoutJob } from '../../src/main/core/projection/umap.js';
import { mulberry32 } from '../../src/shared/random.js';
import { clusteredRows } from '../helpers/clusters.js';

const base: LayoutParams = { method: 'umap', nNeighbors: 15, minDist: 0.1, nEpochs: 200, seed: 42 };

describe('map layout', () => {
  const dims = 32;
  const rows = normalizedRows(clusteredRows(1500, dims, 12, 4, 0.5).rows, dims);

  it('gives identical coordinates for the same seed (exact and approximate graphs) and different ones for another seed', () => {
    for (const knn of ['exact', 'nn-descent'] as const) {
      const a = computeLayout(rows, dims, { ...base, nEpochs: 60, knn }).xy;
      const b = computeLayout(rows, dims, { ...base, nEpochs: 60, knn }).xy;
      expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      const c = computeLayout(rows, dims, { ...base, nEpochs: 60, knn, seed: 43 }).xy;
      expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    }
  });

  it('is as trustworthy as umap-js on clustered data (k = 15, within 0.02)', () => {
    const ours = computeLayout(rows, dims, base).xy;
    const n = rows.length / dims;
    const input: number[][] = [];
    for (let i = 0; i < n; i++) input.push(Array.from(rows.subarray(i * dims, (i + 1) * dims)));
    const emb = new UMAP({ nNeighbors: 15, minDist: 0.1, nEpochs: 200, random: mulberry32(42) }).fit(input);
    const theirs = Float32Array.from(emb.flat());
    const tOurs = trustworthiness(rows, dims, ours, 15, n).value;
    const tTheirs = trustworthiness(rows, dims, theirs, 15, n).value;
    expect(tOurs).toBeGreaterThan(tTheirs - 0.02);
    // And far better than a shuffled map.
    const shuffled = ours.slice();
    const rnd = mulberry32(1);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[2 * i], shuffled[2 * j]] = [shuffled[2 * j], shuffled[2 * i]];
      [shuffled[2 * i + 1], shuffled[2 * j + 1]] = [shuffled[2 * j + 1], shuffled[2 * i + 1]];
    }
    expect(trustworthiness(rows, dims, shuffled, 15, n).value).toBeLessThan(tOurs - 0.2);
  });

  it('sends the PCA view, then intermediate maps, before the final layout (from a worker)', async () => {
    const snaps: Array<{ phase: string; length: number }> = [];
    const { xy, summary } = await runLayoutJob(rows, dims, { nNeighbors: 15, minDist: 0.1, nEpochs: 50, seed: 1 }, {
      onSnapshot: (s, phase) => snaps.push({ phase, length: s.length }),
    });
    expect(snaps[0]).toEqual({ phase: 'pca', length: xy.length });
    expect(snaps.slice(1).map((s) => s.phase)).toEqual(['epoch 10/50', 'epoch 20/50', 'epoch 30/50', 'epoch 40/50']);
    expect(summary.method).toBe('umap');
    expect(summary.knn?.method).toBe('exact');
  });

  it('PCA alone: the first two principal axes of a stretched cloud, deterministic', () => {
    const rnd = mulberry32(2);
    const n = 2000;
    const d = 6;
    const x = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const u = rnd() - 0.5;
      const v = rnd() - 0.5;
      // Variance along (1,1,0,0,0,0)/√2 ≫ along e3 ≫ the rest.
      x[i * d] = 10 * u + 0.01 * (rnd() - 0.5);
      x[i * d + 1] = 10 * u;
      x[i * d + 2] = 3 * v;
      for (let c = 3; c < d; c++) x[i * d + c] = 0.05 * (rnd() - 0.5);
    }
    const p = pca2(x, d, 1);
    expect(p.explained[0]).toBeGreaterThan(0.9);
    expect(p.explained[0] + p.explained[1]).toBeGreaterThan(0.99);
    // Scores on PC1 are ±√2·10·u: check the correlation with u through point 0..n.
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const u = x[i * d + 1];
      sxy += u * p.xy[2 * i];
      sxx += u * u;
      syy += p.xy[2 * i] ** 2;
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeGreaterThan(0.999);
    expect(pca2(x, d, 1).xy).toEqual(p.xy);
  });

  it('fastPow matches Math.pow to 1e-4 (relative) over the distances the epochs see', () => {
    const { a, b } = fitCurve(0.1);
    expect(a).toBeCloseTo(1.577, 2);
    expect(b).toBeCloseTo(0.895, 2);
    for (let e = -12; e <= 12; e += 0.01) {
      const x = Math.pow(10, e);
      expect(Math.abs(fastPow(x, b) / Math.pow(x, b) - 1)).toBeLessThan(1e-4);
    }
  });
});
