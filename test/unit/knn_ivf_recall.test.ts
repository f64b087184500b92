// The approximate cross-modal search reports its own recall: the sampled top-50 recall that IVF
// mining carries (core/compute/ivf_recall.ts) agrees with the recall measured on every query, falls
// when fewer lists are probed, and exact search carries none.
import { describe, expect, it } from 'vitest';
import { crossModalKnn } from '../../src/main/core/compute/knn_blocked.js';
import { LoadedSpace } from '../../src/main/core/mining/space_engine.js';
import { clusteredRows } from '../helpers/clusters.js';

describe('IVF top-50 recall beside the result', () => {
  const dims = 32;
  const input = { id: 'ivf', dims, image: clusteredRows(1500, dims, 30, 2, 0.6).rows, text: clusteredRows(3000, dims, 30, 2, 0.6).rows };
  const space = new LoadedSpace(input, { blockRows: 64 });
  const exact = crossModalKnn(space, { kI2T: 50, kT2I: 50, method: 'exact' });

  function measured(a: Int32Array, b: Int32Array, n: number): number {
    let hit = 0;
    for (let q = 0; q < n; q++) {
      const want = new Set(a.subarray(q * 50, q * 50 + 50));
      for (const g of b.subarray(q * 50, q * 50 + 50)) if (want.has(g)) hit++;
    }
    return hit / (n * 50);
  }

  it('matches the recall of every query within 0.05, in both directions', () => {
    const ivf = crossModalKnn(space, { kI2T: 50, kT2I: 50, method: 'ivf', ivf: { nprobe: 8, recallSample: 200 } });
    expect(exact.recall).toBeUndefined();
    expect(ivf.recall!.i2t).toMatchObject({ depth: 50, sampled: 200 });
    expect(ivf.recall!.t2i.sampled).toBe(200);
    const all = { i2t: measured(exact.i2t.indices, ivf.i2t.indices, 1500), t2i: measured(exact.t2i.indices, ivf.t2i.indices, 3000) };
    expect(Math.abs(ivf.recall!.i2t.mean - all.i2t)).toBeLessThan(0.05);
    expect(Math.abs(ivf.recall!.t2i.mean - all.t2i)).toBeLessThan(0.05);
    expect(ivf.recall!.i2t.min).toBeLessThanOrEqual(ivf.recall!.i2t.mean);
  });

  it('reports lower recall when fewer lists are probed', () => {
    const wide = crossModalKnn(space, { kI2T: 5, kT2I: 5, method: 'ivf', ivf: { nprobe: 12 } });
    const narrow = crossModalKnn(space, { kI2T: 5, kT2I: 5, method: 'ivf', ivf: { nprobe: 1 } });
    expect(narrow.recall!.t2i.mean).toBeLessThan(wide.recall!.t2i.mean);
    expect(wide.recall!.t2i.mean).toBeGreaterThan(0.9);
  });
});

describe('IVF nprobe chosen by sampled recall', () => {
  it('probes more lists until the sampled top-50 recall reaches the target', () => {
    const dims = 32;
    // Many small clusters: a query's top-50 spreads over many lists, so the default nprobe misses.
    const input = { id: 'spread', dims, image: clusteredRows(2500, dims, 400, 6, 0.5).rows, text: clusteredRows(2500, dims, 400, 6, 0.5).rows };
    const space = new LoadedSpace(input, { blockRows: 64 });
    const fixed = crossModalKnn(space, { kI2T: 50, kT2I: 50, method: 'ivf', ivf: { nprobe: 8 } });
    const auto = crossModalKnn(space, { kI2T: 50, kT2I: 50, method: 'ivf' });
    expect(fixed.recall!.t2i.mean).toBeLessThan(0.95);
    expect(auto.recall!.t2i.mean).toBeGreaterThanOrEqual(0.95);
    expect(auto.recall!.t2i.nprobe).toBeGreaterThan(8);
    // What was reported is what the lists hold: measured on every query against exact search.
    const exact = crossModalKnn(space, { kI2T: 50, kT2I: 50, method: 'exact' });
    let hit = 0;
    for (let q = 0; q < 2500; q++) {
      const want = new Set(exact.t2i.indices.subarray(q * 50, q * 50 + 50));
      for (const g of auto.t2i.indices.subarray(q * 50, q * 50 + 50)) if (want.has(g)) hit++;
    }
    expect(hit / (2500 * 50)).toBeGreaterThan(0.93);
  });
});
