// The hover index (PointGrid) against a linear scan, at sizes where a scan would be too slow for
// hover: the same nearest point (ties → lower index) for random queries and pick radii.
import { describe, expect, it } from 'vitest';
import { PointGrid, nearestBrute } from '../../src/renderer/src/map/picking';
import { mulberry32 as rng } from '../../src/shared/random.js';

function clustered(n: number, r: () => number): Float32Array {
  const xy = new Float32Array(2 * n);
  const centres = Array.from({ length: 40 }, () => [(r() - 0.5) * 40, (r() - 0.5) * 40]);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(r() * centres.length)];
    xy[2 * i] = c[0] + (r() - 0.5) * 3 * r();
    xy[2 * i + 1] = c[1] + (r() - 0.5) * 3 * r();
  }
  return xy;
}

describe('map spatial index (uniform grid) against a linear scan', () => {
  it('finds the same nearest point on 200k clustered random points', () => {
    const r = rng(2024);
    const xy = clustered(200_000, r);
    const grid = new PointGrid(xy);
    let found = 0;
    for (let q = 0; q < 300; q++) {
      const x = (r() - 0.5) * 50;
      const y = (r() - 0.5) * 50;
      const radius = [0.01, 0.2, 3, Infinity][q % 4];
      const want = nearestBrute(xy, x, y, radius);
      expect(grid.nearest(x, y, radius)).toBe(want);
      if (want !== null) found++;
    }
    // The query mix must exercise hits, not only misses.
    expect(found).toBeGreaterThan(100);
  });

  it('agrees on exact duplicates (ties go to the lower index) and on queries at data points', () => {
    const r = rng(5);
    const n = 20_000;
    const xy = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      // Only 500 distinct locations: many exact ties.
      const k = Math.floor(r() * 500);
      xy[2 * i] = (k % 25) * 0.5;
      xy[2 * i + 1] = Math.floor(k / 25) * 0.5;
    }
    const grid = new PointGrid(xy);
    for (let q = 0; q < 500; q++) {
      const i = Math.floor(r() * n);
      const x = xy[2 * i] + (r() - 0.5) * 0.1;
      const y = xy[2 * i + 1] + (r() - 0.5) * 0.1;
      expect(grid.nearest(x, y, 0.3)).toBe(nearestBrute(xy, x, y, 0.3));
    }
  });

  it('forEachInRect visits every point inside a rectangle (a superset, never missing one)', () => {
    const r = rng(11);
    const xy = clustered(50_000, r);
    const grid = new PointGrid(xy);
    for (let t = 0; t < 30; t++) {
      const x0 = (r() - 0.5) * 50;
      const y0 = (r() - 0.5) * 50;
      const x1 = x0 + r() * 20;
      const y1 = y0 + r() * 20;
      const seen = new Set<number>();
      grid.forEachInRect(x0, y0, x1, y1, (i, x, y) => {
        expect(x).toBe(xy[2 * i]);
        expect(y).toBe(xy[2 * i + 1]);
        seen.add(i);
      });
      for (let i = 0; i < 50_000; i++) {
        const x = xy[2 * i];
        const y = xy[2 * i + 1];
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) expect(seen.has(i)).toBe(true);
      }
    }
  });
});
