// Outlines of review units on the map: the 2-D convex hull of a unit's captions and images on the
// projection, drawn as MapView edges in one colour per unit. Pure.
import type { RGBA } from '../../map/MapView';

/**
 * Indices (into `ids`) of the convex hull of the points, counter-clockwise (Andrew's monotone
 * chain). Collinear or repeated points: the two extremes; one point: itself.
 */
export function convexHull(xy: ArrayLike<number>, ids: readonly number[]): number[] {
  const pts = [...new Set(ids)].sort((a, b) => xy[2 * a] - xy[2 * b] || xy[2 * a + 1] - xy[2 * b + 1]);
  if (pts.length <= 2) return pts;
  const cross = (o: number, a: number, b: number) =>
    (xy[2 * a] - xy[2 * o]) * (xy[2 * b + 1] - xy[2 * o + 1]) - (xy[2 * a + 1] - xy[2 * o + 1]) * (xy[2 * b] - xy[2 * o]);
  const lower: number[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: number[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  const hull = lower.slice(0, -1).concat(upper.slice(0, -1));
  return hull.length ? hull : [pts[0], pts[pts.length - 1]];
}

/** Edges (point pairs) closing the hull polygon. */
export function hullEdges(hull: readonly number[]): Array<[number, number]> {
  if (hull.length < 2) return [];
  if (hull.length === 2) return [[hull[0], hull[1]]];
  return hull.map((p, i) => [p, hull[(i + 1) % hull.length]] as [number, number]);
}

/** A distinct colour per rank (golden-angle hues), as CSS and as 0..1 RGBA. */
export function unitColor(rank: number, alpha = 0.9): { css: string; rgba: RGBA } {
  const h = (rank * 137.508 + 200) % 360;
  const s = 0.75;
  const l = 0.42;
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  const rgb: [number, number, number] = [f(0), f(8), f(4)];
  const css = `#${rgb.map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('')}`;
  return { css, rgba: [rgb[0], rgb[1], rgb[2], alpha] };
}
