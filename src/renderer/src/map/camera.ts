// Pan/zoom math for the point map. Pure functions on plain objects; no DOM, no GL.
//
// Screen space: CSS pixels, origin at the canvas' top-left, y pointing down.
// Data space: the dataset's 2-D projection units, y pointing up (so the map is not mirrored).

export interface Camera {
  /** Data coordinates shown at the centre of the viewport. */
  cx: number;
  cy: number;
  /** CSS pixels per data unit. */
  scale: number;
  /** Viewport size in CSS pixels. */
  width: number;
  height: number;
}

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface Vec2 {
  x: number;
  y: number;
}

/** Bounds of the finite points in an interleaved x,y array; null when there are none. */
export function computeBounds(xy: ArrayLike<number>): Bounds | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const n = Math.floor(xy.length / 2);
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (minX > maxX) return null;
  return { minX, minY, maxX, maxY };
}

export function sameBounds(a: Bounds | null, b: Bounds | null): boolean {
  if (a === null || b === null) return a === b;
  return a.minX === b.minX && a.minY === b.minY && a.maxX === b.maxX && a.maxY === b.maxY;
}

export function dataToScreen(cam: Camera, x: number, y: number): Vec2 {
  return {
    x: (x - cam.cx) * cam.scale + cam.width / 2,
    y: cam.height / 2 - (y - cam.cy) * cam.scale,
  };
}

export function screenToData(cam: Camera, sx: number, sy: number): Vec2 {
  return {
    x: (sx - cam.width / 2) / cam.scale + cam.cx,
    y: (cam.height / 2 - sy) / cam.scale + cam.cy,
  };
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * Multiplies the zoom by `factor`, keeping the data point under screen point (sx, sy) where it is.
 * The resulting scale is clamped to [minScale, maxScale]; the fixed point stays fixed even then.
 */
export function zoomAbout(
  cam: Camera,
  sx: number,
  sy: number,
  factor: number,
  minScale = 0,
  maxScale = Infinity,
): Camera {
  const scale = clamp(cam.scale * factor, minScale, maxScale);
  if (!(scale > 0) || !Number.isFinite(scale)) return cam;
  const p = screenToData(cam, sx, sy);
  // Solve dataToScreen(next, p) == (sx, sy) for the new centre.
  return {
    ...cam,
    scale,
    cx: p.x - (sx - cam.width / 2) / scale,
    cy: p.y + (sy - cam.height / 2) / scale,
  };
}

/** Moves the content by (dx, dy) screen pixels, as a drag of that length does. */
export function panBy(cam: Camera, dx: number, dy: number): Camera {
  return { ...cam, cx: cam.cx - dx / cam.scale, cy: cam.cy + dy / cam.scale };
}

/** A camera of the given viewport size that shows all of `bounds`, leaving `margin` CSS px on every side. */
export function fitCamera(bounds: Bounds | null, width: number, height: number, margin = 24): Camera {
  const w = Math.max(width, 1);
  const h = Math.max(height, 1);
  if (bounds === null) return { cx: 0, cy: 0, scale: Math.min(w, h) / 2, width, height };
  const m = Math.max(0, Math.min(margin, w / 4, h / 4));
  const availW = Math.max(w - 2 * m, 1);
  const availH = Math.max(h - 2 * m, 1);
  const ex = bounds.maxX - bounds.minX;
  const ey = bounds.maxY - bounds.minY;
  let scale: number;
  if (ex <= 0 && ey <= 0) {
    // A single location: show one data unit around it (or the magnitude of the coordinate, if larger).
    const mag = Math.max(Math.abs(bounds.minX), Math.abs(bounds.minY), 1);
    scale = Math.min(availW, availH) / (mag * 1e-3 > 1 ? mag * 1e-3 : 1);
  } else {
    scale = Math.min(ex > 0 ? availW / ex : Infinity, ey > 0 ? availH / ey : Infinity);
  }
  return {
    cx: (bounds.minX + bounds.maxX) / 2,
    cy: (bounds.minY + bounds.maxY) / 2,
    scale,
    width,
    height,
  };
}

/** The data-space rectangle visible through the camera. */
export function visibleBounds(cam: Camera): Bounds {
  const a = screenToData(cam, 0, cam.height);
  const b = screenToData(cam, cam.width, 0);
  return { minX: a.x, minY: a.y, maxX: b.x, maxY: b.y };
}
