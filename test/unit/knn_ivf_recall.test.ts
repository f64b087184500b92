// The approximate cross-modal search reports its own recall: the sampled top-50 recall that IVF
// mining carries (core/compute/ivf_recall.ts) agrees with the recall measured on every query, falls
// when fewer lists are probed, and exact search carries none. Its two directions on two worker
// threads give what one thread gives.
import { describe, expect, it } from 'vitest';
import { crossModalKnn } from '../../src/main/core/compute/knn_blocked.js';
import { LoadedSpace } from '../../src/main/core/mining/space_engine.js';
import { mergeDirections } from '../../src/main/core/compute/knn_ivf.js';
import { workerKnnRunner } from '../../src/main/core/mining/knn_worker.js';
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

describe('IVF directions on two worker threads', () => {
  it('gives the same lists, statistics and recall as one thread doing both directions (real Workers, shared rows)', async () => {
    const dims = 32;
    const input = { id: 'ivf2', dims, image: clusteredRows(1200, dims, 30, 4, 0.6).rows, text: clusteredRows(2400, dims, 30, 5, 0.6).rows };
    const opts = { kI2T: 20, kT2I: 20, method: 'ivf' as const, ivf: { recallSample: 50 } };
    const one = crossModalKnn(new LoadedSpace(input), opts);
    // Each direction alone, merged, in this thread.
    const i2t = crossModalKnn(new LoadedSpace(input), { ...opts, direction: 'i2t' });
    const t2i = crossModalKnn(new LoadedSpace(input), { ...opts, direction: 't2i' });
    expect(i2t.t2i.k).toBe(0);
    const merged = mergeDirections(i2t, t2i);
    const runner = workerKnnRunner();
    expect(runner, 'out/main/workers/mine.js is built by npm test').not.toBeNull();
    const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
    let last = 0;
    const viaWorkers = await runner!(input, { images: all(1200), texts: all(2400) }, { ...opts, onProgress: (f) => (last = f) });
    expect(last).toBeGreaterThan(0.99);
    for (const got of [merged, viaWorkers]) {
      expect(Buffer.from(got.i2t.indices.buffer).equals(Buffer.from(one.i2t.indices.buffer))).toBe(true);
      expect(Buffer.from(got.t2i.indices.buffer).equals(Buffer.from(one.t2i.indices.buffer))).toBe(true);
      expect(Buffer.from(got.t2i.scores.buffer).equals(Buffer.from(one.t2i.scores.buffer))).toBe(true);
      expect(Array.from(got.imageStats.mean)).toEqual(Array.from(one.imageStats.mean));
      expect(Array.from(got.textStats.sd)).toEqual(Array.from(one.textStats.sd));
      expect(got.recall).toEqual(one.recall);
    }
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
