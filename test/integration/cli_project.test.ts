// `mlens project X.npy --out Y.npy` through the real CLI: a float32 n × 2 .npy comes back whose
// map keeps clusters apart, the same seed writes the same bytes, `--method pca` writes PCA, and a
// bad row is named (file and row) without writing anything.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { clusteredRows } from '../helpers/clusters.js';
import { readNpy, writeNpy } from '../../src/main/core/io/npy.js';
import { pca2 } from '../../src/main/core/projection/pca.js';

const tmp = tempDir('mlens-project-');
afterAll(() => tmp.cleanup());

describe('mlens project on a .npy matrix', () => {
  const n = 1200;
  const dims = 24;
  const { rows, labels } = clusteredRows(n, dims, 6, 8, 0.3);
  const input = join(tmp.dir, 'x.npy');
  writeNpy(input, rows, [n, dims]);

  it('writes float32 n × 2 coordinates where each point sits with its own cluster', () => {
    const out = join(tmp.dir, 'y.npy');
    const r = mlens(['project', input, '--out', out, '--seed', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = r.json();
    expect(summary).toMatchObject({ points: n, dims, method: 'umap', params: { seed: 5, n_neighbors: 15 } });
    const y = readNpy(out);
    expect(y.dtype).toBe('float32');
    expect(y.shape).toEqual([n, 2]);
    expect(y.data.every(Number.isFinite)).toBe(true);
    // Nearest other point on the map has the same cluster label for nearly every point.
    let same = 0;
    for (let i = 0; i < n; i++) {
      let best = Infinity;
      let bj = -1;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const d = (y.data[2 * i] - y.data[2 * j]) ** 2 + (y.data[2 * i + 1] - y.data[2 * j + 1]) ** 2;
        if (d < best) [best, bj] = [d, j];
      }
      if (labels[bj] === labels[i]) same++;
    }
    expect(same / n).toBeGreaterThan(0.98);
    const again = join(tmp.dir, 'y2.npy');
    expect(mlens(['project', input, '--out', again, '--seed', '5', '--json']).code).toBe(0);
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
  });

  it('--method pca writes the PCA view', () => {
    const out = join(tmp.dir, 'pca.npy');
    const r = mlens(['project', input, '--out', out, '--method', 'pca', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().method).toBe('pca');
    const y = readNpy(out).data;
    // The same axes as PCA of the unit rows, up to the layout's ±10 scaling.
    const unit = rows.slice();
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += unit[i * dims + d] ** 2;
      for (let d = 0; d < dims; d++) unit[i * dims + d] /= Math.sqrt(s);
    }
    const ref = pca2(unit, dims, 42).xy;
    const ratio = y[0] / ref[0];
    for (let t = 0; t < 50; t++) expect(y[t]).toBeCloseTo(ref[t] * ratio, 3);
  });

  it('names the file and row of a non-finite value and writes nothing', () => {
    const bad = rows.slice(0, 50 * dims);
    bad[17 * dims + 3] = NaN;
    const file = join(tmp.dir, 'bad.npy');
    writeNpy(file, bad, [50, dims]);
    const out = join(tmp.dir, 'never.npy');
    const r = mlens(['project', file, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.npy');
    expect(r.stderr).toContain('row 17');
    expect(existsSync(out)).toBe(false);
    expect(mlens(['project', file]).code).toBe(2);
  });
});
