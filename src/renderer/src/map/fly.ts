// Fly-to: the camera path that brings one point to the centre of the view: pan and zoom together,
// zoom interpolated in log space, eased in and out. Pure, so it can be tested without a canvas; the
// engine steps it once per animation frame.
import type { Camera } from './camera';

export const FLY_MS = 450;
/** A point flown to is shown at least this many times the fitted scale (close enough to tell it from its neighbours). */
export const FLY_MIN_ZOOM = 3;

export interface Flight {
  from: Camera;
  to: { cx: number; cy: number; scale: number };
  start: number;
  ms: number;
}

const ease = (t: number): number => (t < 0.5 ? 4 * t * t * t : 1 - Math.pow(-2 * t + 2, 3) / 2);

/** The camera at time `now`, and whether the flight is over. */
export function flightAt(f: Flight, now: number): { cam: Camera; done: boolean } {
  const t = f.ms > 0 ? Math.min(1, Math.max(0, (now - f.start) / f.ms)) : 1;
  const k = ease(t);
  const ls = Math.log(f.from.scale) + (Math.log(f.to.scale) - Math.log(f.from.scale)) * k;
  return {
    cam: { ...f.from, cx: f.from.cx + (f.to.cx - f.from.cx) * k, cy: f.from.cy + (f.to.cy - f.from.cy) * k, scale: Math.exp(ls) },
    done: t >= 1,
  };
}

/** Where to fly to show a point: centred, zoomed in to at least `minZoom` × the fitted scale. */
export function flightTarget(cam: Camera, x: number, y: number, fitScale: number, minZoom = FLY_MIN_ZOOM): { cx: number; cy: number; scale: number } {
  return { cx: x, cy: y, scale: Math.max(cam.scale, fitScale * minZoom) };
}
