// Colours for colour-by: a categorical palette (Tableau 10, distinct on light and dark), one
// sequential ramp shared by the points and the scale bar (so the key is what is drawn), and the
// grey of items without a value.

export type Rgb = [number, number, number];

export const CATEGORY_COLORS: readonly Rgb[] = [
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
  [118, 183, 178],
  [89, 161, 79],
  [237, 201, 72],
  [176, 122, 161],
  [255, 157, 167],
  [156, 117, 95],
  [186, 176, 172],
];

/** Items with no value (no split, no unit, not flagged, NaN). */
export const NONE_COLOR: Rgb = [205, 205, 205];

/** Viridis-like stops (dark purple → teal → yellow), evenly spaced over 0..1. */
const RAMP: readonly Rgb[] = [
  [68, 1, 84],
  [58, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

export function rampRgb(t: number): Rgb {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const k = Math.min(RAMP.length - 2, Math.floor(u));
  const f = u - k;
  const a = RAMP[k];
  const b = RAMP[k + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export function css([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** The ramp as a CSS gradient, sampled finely enough that it is the same curve the points use. */
export function rampGradient(steps = 16): string {
  const stops = Array.from({ length: steps + 1 }, (_, i) => `${css(rampRgb(i / steps))} ${((100 * i) / steps).toFixed(1)}%`);
  return `linear-gradient(90deg, ${stops.join(', ')})`;
}
