// Deep zoom far from the origin: positions normalised to [-1, 1] and a camera centre split into a
// float32 high part and remainder keep points where float64 says they are, where raw float32
// coordinates are off by many pixels.
import { describe, expect, it } from 'vitest';
import { computeBounds } from '../../src/renderer/src/map/camera';
import { normalFrame, normalizePositions, normalView, splitDouble } from '../../src/renderer/src/map/normalize';

const f32 = Math.fround;

/** Screen x as the shader computes it: ((p − hi) − lo) · scale, in float32 steps. */
function shaderX(p: number, cx: number, scale: number): number {
  const [hi, lo] = splitDouble(cx);
  return f32(f32(f32(f32(p) - hi) - lo) * f32(scale));
}

describe('normalised map coordinates', () => {
  it('maps the bounds onto [-1, 1] around their centre', () => {
    const xy = new Float32Array([10, 20, 30, 25, 20, 22]);
    const f = normalFrame(computeBounds(xy));
    expect(f).toEqual({ ox: 20, oy: 22.5, span: 10 });
    expect(Array.from(normalizePositions(xy, f))).toEqual([-1, -0.25, 1, 0.25, 0, -0.05000000074505806]);
  });

  it('at 10,000× zoom on data around 100,000 units, stays within a pixel of float64; raw float32 does not', () => {
    const n = 200;
    const xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      xy[2 * i] = 100_000 + i * 0.0013;
      xy[2 * i + 1] = -50_000 + i * 0.0007;
    }
    const f = normalFrame(computeBounds(xy));
    const norm = normalizePositions(xy, f);
    const scale = 1e4 * (800 / (f.span * 2)); // 10,000× the scale that fits the set into 800 px
    const cx = xy[2 * 101] + 1e-6;
    const v = normalView(cx, 0, scale, f);
    let worstNorm = 0;
    let worstRaw = 0;
    for (let i = 0; i < n; i++) {
      const truth = (xy[2 * i] - cx) * scale;
      if (Math.abs(truth) > 2000) continue; // off screen
      worstNorm = Math.max(worstNorm, Math.abs(shaderX(norm[2 * i], v.cx, v.scale) - truth));
      worstRaw = Math.max(worstRaw, Math.abs(f32(f32(f32(xy[2 * i]) - f32(cx)) * f32(scale)) - truth));
    }
    expect(worstNorm).toBeLessThan(1);
    expect(worstRaw).toBeGreaterThan(20);
  });
});
