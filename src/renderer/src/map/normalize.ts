// Positions normalised for the GPU. float32 has 24 bits of mantissa: raw projection coordinates far
// from 0 (or a deep zoom into a small region) lose whole pixels when the shader subtracts the camera
// centre. The point buffer therefore holds (p − origin) / span, in [−1, 1], computed once per point
// set; the camera stays in float64 on the CPU and is mapped into the same frame per draw, and the
// shader subtracts the centre split into a float32 high part and the low remainder.

import type { Bounds } from './camera';

export interface NormalFrame {
  /** Data point at normalised (0, 0): the centre of the bounds. */
  ox: number;
  oy: number;
  /** Data units per normalised unit: half the larger side of the bounds (1 when empty). */
  span: number;
}

export function normalFrame(b: Bounds | null): NormalFrame {
  if (!b) return { ox: 0, oy: 0, span: 1 };
  const span = Math.max(b.maxX - b.minX, b.maxY - b.minY) / 2;
  return { ox: (b.minX + b.maxX) / 2, oy: (b.minY + b.maxY) / 2, span: span > 0 && Number.isFinite(span) ? span : 1 };
}

/** (p − origin) / span for every point, in float64 arithmetic, stored as float32. */
export function normalizePositions(xy: ArrayLike<number>, f: NormalFrame, out?: Float32Array): Float32Array {
  const res = out && out.length === xy.length ? out : new Float32Array(xy.length);
  const inv = 1 / f.span;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    res[i] = (xy[i] - f.ox) * inv;
    res[i + 1] = (xy[i + 1] - f.oy) * inv;
  }
  return res;
}

/** The camera centre and scale expressed in the normalised frame (float64). */
export function normalView(cx: number, cy: number, scale: number, f: NormalFrame): { cx: number; cy: number; scale: number } {
  return { cx: (cx - f.ox) / f.span, cy: (cy - f.oy) / f.span, scale: scale * f.span };
}

/** A float64 value as a float32 high part and the float32 remainder (hi + lo ≈ v to ~48 bits). */
export function splitDouble(v: number): [number, number] {
  const hi = Math.fround(v);
  return [hi, Math.fround(v - hi)];
}
