import { describe, expect, it } from 'vitest';
import { PointGrid, nearestBrute, nearestEdge, pointSegmentDistance } from '../../src/renderer/src/map/picking';
import { dataToScreen, fitCamera, computeBounds, screenToData } from '../../src/renderer/src/map/camera';
import { mulberry32 as rng } from '../../src/shared/random.js';

/** Uniform, clustered (UMAP-like) and elongated sets of n points. */
function makeSet(kind: 'uniform' | 'clusters' | 'line', n: number, r: () => number): Float32Array {
  const xy = new Float32Array(2 * n);
  const centres = Array.from({ length: 12 }, () => [(r() - 0.5) * 30, (r() - 0.5) * 30]);
  for (let i = 0; i < n; i++) {
    if (kind === 'uniform') {
      xy[2 * i] = r() * 20 - 10;
      xy[2 * i + 1] = r() * 20 - 10;
    } else if (kind === 'clusters') {
      const c = centres[Math.floor(r() * centres.length)];
      const a = r() * Math.PI * 2;
      const d = Math.sqrt(-2 * Math.log(r() + 1e-12)) * 0.6;
      xy[2 * i] = c[0] + Math.cos(a) * d;
      xy[2 * i + 1] = c[1] + Math.sin(a) * d;
    } else {
      xy[2 * i] = r() * 1000;
      xy[2 * i + 1] = r() * 0.01;
    }
  }
  return xy;
}

describe('map picking: point grid', () => {
  for (const kind of ['uniform', 'clusters', 'line'] as const) {
    it(`nearest equals brute force on 10k ${kind} points`, () => {
      const r = rng(kind.length * 7919);
      const xy = makeSet(kind, 10_000, r);
      const grid = new PointGrid(xy);
      expect(grid.count).toBe(10_000);
      const b = computeBounds(xy)!;
      const w = b.maxX - b.minX;
      const h = b.maxY - b.minY;
      let hits = 0;
      for (let q = 0; q < 2000; q++) {
        // Queries inside and somewhat outside the data, at radii from tiny to everything.
        const x = b.minX - 0.2 * w + r() * 1.4 * w;
        const y = b.minY - 0.2 * h + r() * 1.4 * h;
        const radius = [0.01, 0.1, 0.5, 3, 1e9][q % 5] * (kind === 'line' ? 10 : 1);
        const got = grid.nearest(x, y, radius);
        expect(got).toBe(nearestBrute(xy, x, y, radius));
        if (got !== null) hits++;
      }
      expect(hits).toBeGreaterThan(200);
    });
  }

  it('finds exact points and respects the pixel radius at a zoom', () => {
    const r = rng(11);
    const xy = makeSet('clusters', 10_000, r);
    const grid = new PointGrid(xy);
    const cam = fitCamera(computeBounds(xy), 1000, 800);
    const radiusPx = 6;
    for (let k = 0; k < 300; k++) {
      const i = Math.floor(r() * 10_000);
      const s = dataToScreen(cam, xy[2 * i], xy[2 * i + 1]);
      // At the point's own projected position the hit is that point (or one at the same spot).
      const at = screenToData(cam, s.x, s.y);
      const hit = grid.nearest(at.x, at.y, radiusPx / cam.scale)!;
      expect(hit).not.toBeNull();
      expect(Math.hypot(xy[2 * hit] - at.x, xy[2 * hit + 1] - at.y)).toBeLessThan(1e-9 + 1e-6);
      // Every hit lies within the pixel radius on screen.
      const off = screenToData(cam, s.x + (r() - 0.5) * 20, s.y + (r() - 0.5) * 20);
      const near = grid.nearest(off.x, off.y, radiusPx / cam.scale);
      if (near !== null) {
        const p = dataToScreen(cam, xy[2 * near], xy[2 * near + 1]);
        const q = dataToScreen(cam, off.x, off.y);
        expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeLessThanOrEqual(radiusPx + 1e-6);
      }
    }
  });

  it('returns null in empty space and just outside the radius', () => {
    const xy = new Float32Array([0, 0, 10, 0, 0, 10, 10, 10]);
    const grid = new PointGrid(xy);
    expect(grid.nearest(5, 5, 1)).toBeNull();
    expect(grid.nearest(100, 100, 5)).toBeNull();
    expect(grid.nearest(0, 2, 1.999)).toBeNull();
    expect(grid.nearest(0, 2, 2)).toBe(0);
    expect(grid.nearest(9, 9.5, 2)).toBe(3);
    expect(grid.nearest(100, 100, 1e6)).toBe(3);
  });

  it('handles empty, single, duplicate and non-finite points', () => {
    expect(new PointGrid(new Float32Array(0)).nearest(0, 0, 1e9)).toBeNull();
    expect(new PointGrid(new Float32Array([3, 4])).nearest(3, 4.5, 1)).toBe(0);
    const dup = new PointGrid(new Float32Array([1, 1, 1, 1, 1, 1]));
    expect(dup.nearest(1, 1, 0)).toBe(0);
    const withNaN = new Float32Array([NaN, 0, 5, 5, 0, Infinity]);
    const g = new PointGrid(withNaN);
    expect(g.count).toBe(1);
    expect(g.nearest(0, 0, 100)).toBe(1);
  });
});

describe('map picking: edges', () => {
  it('measures point-to-segment distance', () => {
    expect(pointSegmentDistance(5, 3, 0, 0, 10, 0)).toBeCloseTo(3, 12);
    expect(pointSegmentDistance(-4, 3, 0, 0, 10, 0)).toBeCloseTo(5, 12);
    expect(pointSegmentDistance(13, -4, 0, 0, 10, 0)).toBeCloseTo(5, 12);
    expect(pointSegmentDistance(1, 1, 2, 2, 2, 2)).toBeCloseTo(Math.SQRT2, 12);
    expect(pointSegmentDistance(0, 2, -1, 1, 1, 3)).toBeCloseTo(0, 12);
  });

  it('picks the nearest edge within the radius', () => {
    const xy = new Float32Array([0, 0, 10, 0, 0, 10, 10, 10]);
    const edges = [
      { a: 0, b: 1 },
      { a: 2, b: 3 },
      { a: 0, b: 3 },
      { a: 1, b: 99 }, // unknown point: ignored
    ];
    expect(nearestEdge(xy, edges, 5, 0.5, 1)).toBe(0);
    expect(nearestEdge(xy, edges, 5, 9.2, 1)).toBe(1);
    expect(nearestEdge(xy, edges, 5.3, 5, 1)).toBe(2);
    expect(nearestEdge(xy, edges, 8, 3, 1)).toBeNull();
    expect(nearestEdge(xy, edges, 12, 0, 2)).toBe(0);
    expect(nearestEdge(xy, [], 0, 0, 100)).toBeNull();
  });
});
