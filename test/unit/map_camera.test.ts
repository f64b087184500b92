import { describe, expect, it } from 'vitest';
import {
  computeBounds,
  dataToScreen,
  fitCamera,
  panBy,
  sameBounds,
  screenToData,
  visibleBounds,
  zoomAbout,
  type Camera,
} from '../../src/renderer/src/map/camera';
import { mulberry32 as rng } from '../../src/shared/random.js';

const cam: Camera = { cx: 3.5, cy: -2, scale: 40, width: 800, height: 600 };

describe('map camera', () => {
  it('maps data to screen and back', () => {
    const r = rng(1);
    for (let k = 0; k < 1000; k++) {
      const x = (r() - 0.5) * 100;
      const y = (r() - 0.5) * 100;
      const s = dataToScreen(cam, x, y);
      const d = screenToData(cam, s.x, s.y);
      expect(d.x).toBeCloseTo(x, 9);
      expect(d.y).toBeCloseTo(y, 9);
    }
  });

  it('puts the centre mid-viewport with y pointing up on screen', () => {
    expect(dataToScreen(cam, cam.cx, cam.cy)).toEqual({ x: 400, y: 300 });
    expect(dataToScreen(cam, cam.cx + 1, cam.cy + 1)).toEqual({ x: 440, y: 260 });
  });

  it('zooming about a point keeps that point fixed', () => {
    const r = rng(2);
    for (let k = 0; k < 200; k++) {
      const sx = r() * cam.width;
      const sy = r() * cam.height;
      const before = screenToData(cam, sx, sy);
      const factor = Math.exp((r() - 0.5) * 6);
      const next = zoomAbout(cam, sx, sy, factor);
      expect(next.scale).toBeCloseTo(cam.scale * factor, 9);
      const after = dataToScreen(next, before.x, before.y);
      expect(after.x).toBeCloseTo(sx, 6);
      expect(after.y).toBeCloseTo(sy, 6);
    }
  });

  it('clamps zoom to limits and still keeps the point fixed', () => {
    const next = zoomAbout(cam, 100, 50, 1000, 1, 80);
    expect(next.scale).toBe(80);
    const p = screenToData(cam, 100, 50);
    const s = dataToScreen(next, p.x, p.y);
    expect(s.x).toBeCloseTo(100, 9);
    expect(s.y).toBeCloseTo(50, 9);
  });

  it('pans content with the drag', () => {
    const p = { x: 1, y: 2 };
    const s0 = dataToScreen(cam, p.x, p.y);
    const s1 = dataToScreen(panBy(cam, 30, -12), p.x, p.y);
    expect(s1.x - s0.x).toBeCloseTo(30, 9);
    expect(s1.y - s0.y).toBeCloseTo(-12, 9);
  });

  it('fit shows every point with the margin', () => {
    const r = rng(3);
    for (const [w, h] of [
      [800, 600],
      [300, 900],
      [1920, 200],
    ]) {
      const xy = new Float32Array(2000);
      const ox = (r() - 0.5) * 1000;
      const oy = (r() - 0.5) * 1000;
      const sxr = r() * 50 + 0.1;
      const syr = r() * 50 + 0.1;
      for (let i = 0; i < 1000; i++) {
        xy[2 * i] = ox + (r() - 0.5) * sxr;
        xy[2 * i + 1] = oy + (r() - 0.5) * syr;
      }
      const b = computeBounds(xy)!;
      const margin = 24;
      const c = fitCamera(b, w, h, margin);
      let touches = false;
      for (let i = 0; i < 1000; i++) {
        const s = dataToScreen(c, xy[2 * i], xy[2 * i + 1]);
        expect(s.x).toBeGreaterThanOrEqual(margin - 1e-6);
        expect(s.x).toBeLessThanOrEqual(w - margin + 1e-6);
        expect(s.y).toBeGreaterThanOrEqual(margin - 1e-6);
        expect(s.y).toBeLessThanOrEqual(h - margin + 1e-6);
      }
      // Tight: the data spans the available width or height.
      const lo = dataToScreen(c, b.minX, b.maxY);
      const hi = dataToScreen(c, b.maxX, b.minY);
      touches = Math.abs(hi.x - lo.x - (w - 2 * margin)) < 1e-6 || Math.abs(hi.y - lo.y - (h - 2 * margin)) < 1e-6;
      expect(touches).toBe(true);
      const v = visibleBounds(c);
      expect(v.minX).toBeLessThan(b.minX);
      expect(v.maxY).toBeGreaterThan(b.maxY);
    }
  });

  it('fits degenerate sets without NaN', () => {
    const single = fitCamera({ minX: 5, minY: 5, maxX: 5, maxY: 5 }, 400, 300);
    expect(Number.isFinite(single.scale) && single.scale > 0).toBe(true);
    expect(dataToScreen(single, 5, 5)).toEqual({ x: 200, y: 150 });
    const line = fitCamera({ minX: 0, minY: 1, maxX: 10, maxY: 1 }, 400, 300, 20);
    expect(line.scale).toBeCloseTo(36, 9);
    const none = fitCamera(null, 400, 300);
    expect(Number.isFinite(none.scale)).toBe(true);
  });

  it('computes bounds over finite points only', () => {
    expect(computeBounds(new Float32Array([1, 2, NaN, 0, -3, 7, Infinity, 1]))).toEqual({
      minX: -3,
      minY: 2,
      maxX: 1,
      maxY: 7,
    });
    expect(computeBounds(new Float32Array([]))).toBeNull();
    expect(sameBounds(computeBounds(new Float32Array([0, 0, 1, 1])), { minX: 0, minY: 0, maxX: 1, maxY: 1 })).toBe(true);
  });
});
