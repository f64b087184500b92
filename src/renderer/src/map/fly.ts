// Fly-to: the camera path that brings one point to the centre of the view. Pure, so it can be
// tested without a canvas; the engine steps it once per animation frame.
import type { Camera } from './camera';

export const FLY_MS = 450;
/** A point flown to is shown at least this many times the fitted scale (close enough to tell it from its neighbours). */
export const FLY_MIN_ZOOM = 3;

/** The camera `t` (0..1) of the way from `from` to centring (x, y) at scale `toScale`; eased, zoom interpolated geometrically. */
export function flyStep(from: Camera, x: number, y: number, toScale: number, t: number): Camera {
  const u = Math.min(1, Math.max(0, t));
  const e = u < 0.5 ? 2 * u * u : 1 - Math.pow(-2 * u + 2, 2) / 2;
  return {
    ...from,
    cx: from.cx + (x - from.cx) * e,
    cy: from.cy + (y - from.cy) * e,
    scale: from.scale * Math.pow(toScale / from.scale, e),
  };
}

/** The scale a fly-to ends at: the current one, or FLY_MIN_ZOOM × fitted when further out. */
export function flyTargetScale(current: number, fitScale: number): number {
  return Math.max(current, fitScale * FLY_MIN_ZOOM);
}
