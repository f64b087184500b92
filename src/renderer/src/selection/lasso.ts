// Lasso and marquee geometry in data space. Pure TypeScript; no DOM, no GL.
//
// Point-in-polygon uses the even-odd rule: a point is inside when a ray from it crosses the
// outline an odd number of times. For a self-intersecting lasso (a figure eight, a loop drawn over
// itself) this leaves the doubly-wrapped region out, which is what a user who drew a loop around a
// hole expects, and it never depends on the drawing direction (non-zero winding would).

import type { PointGrid } from '../map/picking';

/** A closed polygon as interleaved x,y (the last vertex joins the first). */
export type Polygon = ArrayLike<number>;

/** Even-odd point-in-polygon test. Points exactly on an edge may fall either side. */
export function pointInPolygon(px: number, py: number, poly: Polygon): boolean {
  const n = Math.floor(poly.length / 2);
  if (n < 3) return false;
  let inside = false;
  let jx = poly[2 * (n - 1)];
  let jy = poly[2 * (n - 1) + 1];
  for (let i = 0; i < n; i++) {
    const ix = poly[2 * i];
    const iy = poly[2 * i + 1];
    // Half-open in y, so a vertex on the ray is counted once, not twice.
    if (iy > py !== jy > py) {
      const xCross = ix + ((py - iy) * (jx - ix)) / (jy - iy);
      if (px < xCross) inside = !inside;
    }
    jx = ix;
    jy = iy;
  }
  return inside;
}

export interface Rect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function polygonBounds(poly: Polygon): Rect {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < poly.length; i += 2) {
    const x = poly[i];
    const y = poly[i + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return { minX, minY, maxX, maxY };
}

/** The marquee between two corners (any order) as a polygon. */
export function rectPolygon(x0: number, y0: number, x1: number, y1: number): Float64Array {
  const a = Math.min(x0, x1);
  const b = Math.max(x0, x1);
  const c = Math.min(y0, y1);
  const d = Math.max(y0, y1);
  return new Float64Array([a, c, b, c, b, d, a, d]);
}

/**
 * Drops lasso vertices closer than `minStep` to the last kept one: a drag delivers a vertex per
 * pointer event, and hundreds of near-duplicates only slow the per-point test down.
 */
export function simplifyPath(path: ArrayLike<number>, minStep: number): Float64Array {
  const out: number[] = [];
  const m2 = minStep * minStep;
  for (let i = 0; i + 1 < path.length; i += 2) {
    const x = path[i];
    const y = path[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const k = out.length;
    if (k >= 2) {
      const dx = x - out[k - 2];
      const dy = y - out[k - 1];
      if (dx * dx + dy * dy < m2) continue;
    }
    out.push(x, y);
  }
  return Float64Array.from(out);
}

/**
 * Mask (1 = inside) of the points of `xy` inside the polygon, by the even-odd rule. With a grid,
 * only the points in the cells under the polygon's bounding box are tested; without one, all.
 */
export function pointsInPolygon(xy: ArrayLike<number>, poly: Polygon, grid?: PointGrid | null): Uint8Array {
  const n = Math.floor(xy.length / 2);
  const out = new Uint8Array(n);
  if (Math.floor(poly.length / 2) < 3) return out;
  const b = polygonBounds(poly);
  const test = (i: number, x: number, y: number): void => {
    if (x >= b.minX && x <= b.maxX && y >= b.minY && y <= b.maxY && pointInPolygon(x, y, poly)) out[i] = 1;
  };
  if (grid) grid.forEachInRect(b.minX, b.minY, b.maxX, b.maxY, test);
  else for (let i = 0; i < n; i++) test(i, xy[2 * i], xy[2 * i + 1]);
  return out;
}

/** Mask of the points inside a rectangle (edges included). */
export function pointsInRect(xy: ArrayLike<number>, r: Rect, grid?: PointGrid | null): Uint8Array {
  const n = Math.floor(xy.length / 2);
  const out = new Uint8Array(n);
  const test = (i: number, x: number, y: number): void => {
    if (x >= r.minX && x <= r.maxX && y >= r.minY && y <= r.maxY) out[i] = 1;
  };
  if (grid) grid.forEachInRect(r.minX, r.minY, r.maxX, r.maxY, test);
  else for (let i = 0; i < n; i++) test(i, xy[2 * i], xy[2 * i + 1]);
  return out;
}
