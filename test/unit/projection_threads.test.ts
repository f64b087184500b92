// The layout's epochs on two threads (core/projection/epochs_parallel.ts, real worker threads from
// the built bundle): the same seed and thread count give identical coordinates, the map is as
// trustworthy as the one-thread map, and intermediate maps still arrive.
import { describe, expect, it } from 'vitest';
import { computeLayout, type LayoutParams } from '../../src/main/core/projection/umap_layout.js';
import { trustworthiness } from '../../src/main/core/projection/trustworthiness.js';
import { normalizedRows } from '../../src/main/core/projection/umap.js';
import { clusteredRows } from '../helpers/clusters.js';

const base: LayoutParams = { method: 'umap', nNeighbors: 15, minDist: 0.1, nEpochs: 120, seed: 42 };

describe('map layout on two threads', () => {
  const dims = 32;
  const rows = normalizedRows(clusteredRows(1500, dims, 12, 4, 0.5).rows, dims);
  const n = rows.length / dims;

  it('gives identical coordinates for the same seed and thread count', () => {
    const a = computeLayout(rows, dims, { ...base, threads: 2 });
    const b = computeLayout(rows, dims, { ...base, threads: 2 });
    expect(a.threads).toBe(2);
    expect(Buffer.from(a.xy.buffer).equals(Buffer.from(b.xy.buffer))).toBe(true);
    const c = computeLayout(rows, dims, { ...base, threads: 2, seed: 43 });
    expect(Buffer.from(a.xy.buffer).equals(Buffer.from(c.xy.buffer))).toBe(false);
  });

  it('is as trustworthy as the one-thread map (within 0.01) and sends intermediate maps', () => {
    const phases: string[] = [];
    const two = computeLayout(rows, dims, { ...base, threads: 2 }, { snapshotEvery: 40, onSnapshot: (s, phase) => phases.push(`${phase}:${s.length}`) });
    const one = computeLayout(rows, dims, { ...base, threads: 1 });
    expect(one.threads).toBe(1);
    const t2 = trustworthiness(rows, dims, two.xy, 15, n).value;
    const t1 = trustworthiness(rows, dims, one.xy, 15, n).value;
    expect(t2).toBeGreaterThan(t1 - 0.01);
    expect(phases).toEqual([`pca:${2 * n}`, `epoch 40/120:${2 * n}`, `epoch 80/120:${2 * n}`]);
    for (const v of two.xy) expect(Number.isFinite(v)).toBe(true);
  });
});
