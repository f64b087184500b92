// Cross-modal top-k (exact blocked, IVF) and the row/column statistics against brute force.
import { describe, expect, it } from 'vitest';
import { crossModalKnn, rankIn } from '../../src/main/core/compute/knn_blocked.js';
import { mulberry32 } from '../../src/shared/random.js';
import { zScore } from '../../src/main/core/mining/scores.js';
import { LoadedSpace } from '../../src/main/core/mining/space_engine.js';

function randomSpace(seed: number, nI: number, nT: number, dims: number, quantise = false) {
  const r = mulberry32(seed);
  const v = () => (quantise ? Math.floor(r() * 3) - 1 : r() - 0.5);
  return { id: 's', dims, image: Float32Array.from({ length: nI * dims }, v), text: Float32Array.from({ length: nT * dims }, v) };
}

/** Scores via the loaded space (bit-identical to the blocks), sorted best first, ties by index. */
function bruteLists(space: LoadedSpace, dir: 'i2t' | 't2i', k: number): number[][] {
  const nq = dir === 'i2t' ? space.nImages : space.nTexts;
  const ng = dir === 'i2t' ? space.nTexts : space.nImages;
  const out: number[][] = [];
  for (let q = 0; q < nq; q++) {
    const s = Array.from({ length: ng }, (_, g) => (dir === 'i2t' ? space.score(q, g) : space.score(g, q)));
    const order = Array.from({ length: ng }, (_, g) => g).sort((a, b) => s[b] - s[a] || a - b);
    out.push(order.slice(0, k));
  }
  return out;
}

describe('exact blocked kNN', () => {
  it('matches brute force in both directions, ties broken by lower index', () => {
    // Quantised entries make many exact ties; small blocks exercise the block boundaries.
    const input = randomSpace(1, 37, 53, 6, true);
    const space = new LoadedSpace(input, { blockRows: 8 });
    const knn = crossModalKnn(space, { kI2T: 7, kT2I: 5, method: 'exact' });
    expect(knn.method).toBe('exact');
    const i2t = bruteLists(space, 'i2t', 7);
    const t2i = bruteLists(space, 't2i', 5);
    for (let i = 0; i < 37; i++) expect(Array.from(knn.i2t.indices.subarray(i * 7, i * 7 + 7))).toEqual(i2t[i]);
    for (let c = 0; c < 53; c++) expect(Array.from(knn.t2i.indices.subarray(c * 5, c * 5 + 5))).toEqual(t2i[c]);
    expect(rankIn(knn.t2i, 3, t2i[3][2])).toBe(3);
    expect(rankIn(knn.t2i, 3, -5)).toBe(0);
  });

  it('computes exact row and column means and standard deviations', () => {
    const input = randomSpace(2, 20, 30, 8);
    const space = new LoadedSpace(input, { blockRows: 7 });
    const knn = crossModalKnn(space, { kI2T: 3, kT2I: 3 });
    const stats = (vals: number[]) => {
      const m = vals.reduce((a, b) => a + b, 0) / vals.length;
      return [m, Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length)];
    };
    for (const i of [0, 7, 19]) {
      const [m, sd] = stats(Array.from({ length: 30 }, (_, c) => space.score(i, c)));
      expect(knn.imageStats.mean[i]).toBeCloseTo(m, 5);
      expect(knn.imageStats.sd[i]).toBeCloseTo(sd, 5);
    }
    const [m, sd] = stats(Array.from({ length: 20 }, (_, i) => space.score(i, 11)));
    expect(knn.textStats.mean[11]).toBeCloseTo(m, 5);
    expect(knn.textStats.sd[11]).toBeCloseTo(sd, 5);
    const s = space.score(4, 11);
    const z = 0.5 * ((s - knn.imageStats.mean[4]) / knn.imageStats.sd[4] + (s - m) / sd);
    expect(zScore(knn, 4, 11, s)).toBeCloseTo(z, 4);
  });

  it('pads lists when the gallery is smaller than k, and scores CSD spaces', () => {
    const input = { ...randomSpace(3, 4, 3, 5), imageLogvar: new Float32Array(4).fill(-2), textLogvar: Float32Array.from([-3, -1, -2]) };
    const space = new LoadedSpace(input);
    expect(space.similarity).toBe('csd');
    // CSD = ‖μ_i − μ_t‖² + 5·e^{lv_i} + 5·e^{lv_t}; score = −CSD.
    const mu = (a: Float32Array, r: number) => Array.from(a.subarray(r * 5, r * 5 + 5));
    const d2 = mu(input.image, 1).reduce((s, x, d) => s + (x - mu(input.text, 2)[d]) ** 2, 0);
    expect(space.score(1, 2)).toBeCloseTo(-(d2 + 5 * Math.exp(-2) + 5 * Math.exp(-2)), 5);
    const knn = crossModalKnn(space, { kI2T: 5, kT2I: 2 });
    expect(knn.i2t.k).toBe(3);
    expect(knn.t2i.k).toBe(2);
    expect(Array.from(knn.i2t.indices.subarray(0, 3)).sort()).toEqual([0, 1, 2]);
  });
});

describe('IVF (approximate) kNN', () => {
  it('recovers most of the exact top-10 with a few probes, on clustered data', () => {
    const r = mulberry32(9);
    const dims = 16;
    const centres = Array.from({ length: 20 }, () => Array.from({ length: dims }, () => r() - 0.5));
    const around = (n: number) => {
      const a = new Float32Array(n * dims);
      for (let i = 0; i < n; i++) {
        const c = centres[Math.floor(r() * centres.length)];
        for (let d = 0; d < dims; d++) a[i * dims + d] = c[d] + 0.15 * (r() - 0.5);
      }
      return a;
    };
    const input = { id: 'ivf', dims, image: around(400), text: around(600) };
    const space = new LoadedSpace(input, { blockRows: 64 });
    const exact = crossModalKnn(space, { kI2T: 10, kT2I: 10, method: 'exact' });
    const approx = crossModalKnn(space, { kI2T: 10, kT2I: 10, method: 'ivf', ivf: { nprobe: 6 } });
    // 'auto' switches to IVF above the limit.
    expect(crossModalKnn(space, { kI2T: 2, kT2I: 2, exactLimit: 500 }).method).toBe('ivf');
    expect(approx.method).toBe('ivf');
    const recall = (a: Int32Array, b: Int32Array, n: number) => {
      let hit = 0;
      for (let q = 0; q < n; q++) {
        const want = new Set(a.subarray(q * 10, q * 10 + 10));
        for (const g of b.subarray(q * 10, q * 10 + 10)) if (want.has(g)) hit++;
      }
      return hit / (n * 10);
    };
    expect(recall(exact.i2t.indices, approx.i2t.indices, 400)).toBeGreaterThan(0.9);
    expect(recall(exact.t2i.indices, approx.t2i.indices, 600)).toBeGreaterThan(0.9);
    // Sampled statistics are close to the exact ones.
    expect(approx.imageStats.from).toBe('sample');
    let err = 0;
    for (let i = 0; i < 400; i++) err += Math.abs(approx.imageStats.mean[i] - exact.imageStats.mean[i]) / exact.imageStats.sd[i];
    expect(err / 400).toBeLessThan(0.25);
  });
});
