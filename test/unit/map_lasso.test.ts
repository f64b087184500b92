import { describe, expect, it } from 'vitest';
import { pointInPolygon, pointsInPolygon, pointsInRect, rectPolygon, simplifyPath } from '../../src/renderer/src/selection/lasso';
import { PointGrid } from '../../src/renderer/src/map/picking';
import { mulberry32 as rng } from '../../src/shared/random.js';

describe('lasso geometry (even-odd rule)', () => {
  const square = [0, 0, 10, 0, 10, 10, 0, 10];

  it('tells inside from outside for a square, in either drawing direction', () => {
    const reversed = [0, 10, 10, 10, 10, 0, 0, 0];
    for (const poly of [square, reversed]) {
      expect(pointInPolygon(5, 5, poly)).toBe(true);
      expect(pointInPolygon(0.01, 9.99, poly)).toBe(true);
      expect(pointInPolygon(-1, 5, poly)).toBe(false);
      expect(pointInPolygon(5, 11, poly)).toBe(false);
      expect(pointInPolygon(10.01, 5, poly)).toBe(false);
    }
  });

  it('handles a concave U shape: the notch is outside', () => {
    const u = [0, 0, 9, 0, 9, 9, 6, 9, 6, 3, 3, 3, 3, 9, 0, 9];
    expect(pointInPolygon(1.5, 5, u)).toBe(true);
    expect(pointInPolygon(7.5, 5, u)).toBe(true);
    expect(pointInPolygon(4.5, 5, u)).toBe(false); // inside the notch
    expect(pointInPolygon(4.5, 1.5, u)).toBe(true); // the bottom bar
  });

  it('a figure-eight (bow tie) lasso keeps both lobes and drops what is outside them', () => {
    // Edges (0,0)→(10,10) and (10,0)→(0,10) cross at (5,5).
    const bowTie = [0, 0, 10, 10, 10, 0, 0, 10];
    expect(pointInPolygon(8, 5, bowTie)).toBe(true); // right lobe
    expect(pointInPolygon(2, 5, bowTie)).toBe(true); // left lobe
    expect(pointInPolygon(5, 8, bowTie)).toBe(false); // above the crossing
    expect(pointInPolygon(5, 2, bowTie)).toBe(false); // below the crossing
  });

  it('a lasso that loops twice around a region leaves the doubly wrapped part out (even-odd, not non-zero)', () => {
    // An outer square 0..10 then, without lifting, an inner square 3..7 in the same direction:
    // points in the inner square are wrapped twice (winding 2, even) → outside by even-odd.
    const loops = [0, 0, 10, 0, 10, 10, 0, 10, 0, 0, 3, 3, 7, 3, 7, 7, 3, 7, 3, 3];
    expect(pointInPolygon(1, 5, loops)).toBe(true); // the ring between the loops
    expect(pointInPolygon(5, 5, loops)).toBe(false); // inside both loops
    expect(pointInPolygon(12, 5, loops)).toBe(false);
  });

  it('degenerate lassos (fewer than 3 vertices) select nothing', () => {
    expect(pointInPolygon(0, 0, [])).toBe(false);
    expect(pointInPolygon(0.5, 0, [0, 0, 1, 0])).toBe(false);
    expect(Array.from(pointsInPolygon([0.5, 0, 0.2, 0.1], [0, 0, 1, 0]))).toEqual([0, 0]);
  });

  it('simplifyPath drops near-duplicate vertices and non-finite ones', () => {
    const p = simplifyPath([0, 0, 0.1, 0, 1, 0, NaN, 3, 1, 0.05, 2, 2], 0.5);
    expect(Array.from(p)).toEqual([0, 0, 1, 0, 2, 2]);
  });

  it('grid-accelerated polygon selection equals testing every point, on 50k random points', () => {
    const r = rng(42);
    const n = 50_000;
    const xy = new Float32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) xy[i] = r() * 100 - 50;
    const grid = new PointGrid(xy);
    for (let t = 0; t < 20; t++) {
      // A random, usually self-intersecting, 12-vertex lasso.
      const poly: number[] = [];
      const cx = r() * 80 - 40;
      const cy = r() * 80 - 40;
      for (let k = 0; k < 12; k++) poly.push(cx + (r() - 0.5) * 40, cy + (r() - 0.5) * 40);
      const fast = pointsInPolygon(xy, poly, grid);
      const slow = pointsInPolygon(xy, poly, null);
      expect(Buffer.from(fast).equals(Buffer.from(slow))).toBe(true);
      let manual = 0;
      for (let i = 0; i < n; i++) if (pointInPolygon(xy[2 * i], xy[2 * i + 1], poly)) manual++;
      expect(fast.reduce((a, b) => a + b, 0)).toBe(manual);
    }
  });

  it('marquee: a rectangle from corners in any order, edges included', () => {
    const xy = new Float32Array([0, 0, 5, 5, 10, 10, 5, 11, -1, 5]);
    const rect = rectPolygon(10, 10, 0, 0);
    expect(Array.from(rect)).toEqual([0, 0, 10, 0, 10, 10, 0, 10]);
    const grid = new PointGrid(xy);
    expect(Array.from(pointsInRect(xy, { minX: 0, minY: 0, maxX: 10, maxY: 10 }, grid))).toEqual([1, 1, 1, 0, 0]);
    expect(Array.from(pointsInRect(xy, { minX: 0, minY: 0, maxX: 10, maxY: 10 }, null))).toEqual([1, 1, 1, 0, 0]);
  });
});
