// Draws a scene into an RGB buffer (anti-aliased by 4×4 supersampling) and encodes it as PNG with
// fixed zlib options, so the same scene always gives the same bytes on a given Node version.
import { PNG } from 'pngjs';
import { BACKGROUND, PALETTE } from './scene.js';
import type { Scene, SceneObject, Shape } from './scene.js';

type Polygon = ReadonlyArray<readonly [number, number]>;

function regular(n: number, phase: number): Polygon {
  return Array.from({ length: n }, (_, i) => {
    const a = phase + (2 * Math.PI * i) / n;
    return [Math.cos(a), Math.sin(a)] as const;
  });
}

function star(points: number, inner: number): Polygon {
  return Array.from({ length: points * 2 }, (_, i) => {
    const a = -Math.PI / 2 + (Math.PI * i) / points;
    const r = i % 2 === 0 ? 1 : inner;
    return [r * Math.cos(a), r * Math.sin(a)] as const;
  });
}

function cross(w: number): Polygon {
  const l = Math.sqrt(1 - w * w);
  return [
    [-w, -l], [w, -l], [w, -w], [l, -w], [l, w], [w, w],
    [w, l], [-w, l], [-w, w], [-l, w], [-l, -w], [-w, -w],
  ];
}

function heart(): Polygon {
  const raw: Array<[number, number]> = [];
  for (let i = 0; i < 48; i++) {
    const t = (2 * Math.PI * i) / 48;
    const x = 16 * Math.sin(t) ** 3;
    const y = -(13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t));
    raw.push([x, y]);
  }
  const xs = raw.map((p) => p[0]);
  const ys = raw.map((p) => p[1]);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const rmax = Math.max(...raw.map(([x, y]) => Math.hypot(x - cx, y - cy)));
  return raw.map(([x, y]) => [(x - cx) / rmax, (y - cy) / rmax] as const);
}

/** Unit outlines (circumradius 1, y down); the circle is drawn exactly instead. */
const OUTLINES: Readonly<Record<Exclude<Shape, 'circle'>, Polygon>> = {
  square: regular(4, Math.PI / 4),
  triangle: regular(3, -Math.PI / 2),
  star: star(5, 0.45),
  heart: heart(),
  hexagon: regular(6, 0),
  cross: cross(0.33),
  diamond: [[0, -1], [0.6, 0], [0, 1], [-0.6, 0]],
};

const SS = 4;

/** x positions where the outline crosses the horizontal line at y (even–odd rule), sorted. */
function crossings(poly: Polygon, y: number, out: number[]): number[] {
  out.length = 0;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y) out.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Scanline fill on a grid SS× finer than the pixels: each sub-row adds the sub-samples whose
 * centres fall inside the shape's spans to their pixel's coverage count.
 */
function drawObject(rgb: Uint8Array, canvas: number, o: SceneObject, cover: Uint8Array): void {
  const [cr, cg, cb] = PALETTE[o.colour];
  const a = (o.rotation * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const poly: Polygon | null =
    o.shape === 'circle' ? null : OUTLINES[o.shape].map(([x, y]) => [o.x + o.r * (x * cos - y * sin), o.y + o.r * (x * sin + y * cos)] as const);
  const x0 = Math.max(0, Math.floor(o.x - o.r - 1));
  const x1 = Math.min(canvas - 1, Math.ceil(o.x + o.r + 1));
  const y0 = Math.max(0, Math.floor(o.y - o.r - 1));
  const y1 = Math.min(canvas - 1, Math.ceil(o.y + o.r + 1));
  const w = x1 - x0 + 1;
  cover.fill(0, 0, w * (y1 - y0 + 1));
  const xs: number[] = [];
  for (let sub = y0 * SS; sub < (y1 + 1) * SS; sub++) {
    const y = (sub + 0.5) / SS;
    if (poly) crossings(poly, y, xs);
    else {
      const h = o.r * o.r - (y - o.y) ** 2;
      xs.length = 0;
      if (h >= 0) xs.push(o.x - Math.sqrt(h), o.x + Math.sqrt(h));
    }
    const rowBase = (Math.floor(sub / SS) - y0) * w;
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // Sub-sample j has its centre at (j + 0.5) / SS; take those in [xs[k], xs[k+1]).
      const j0 = Math.max(x0 * SS, Math.ceil(xs[k] * SS - 0.5));
      const j1 = Math.min((x1 + 1) * SS, Math.ceil(xs[k + 1] * SS - 0.5));
      for (let j = j0; j < j1; j++) cover[rowBase + Math.floor(j / SS) - x0]++;
    }
  }
  const n = SS * SS;
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      const hits = cover[(py - y0) * w + px - x0];
      if (hits === 0) continue;
      const p = (py * canvas + px) * 3;
      rgb[p] = Math.floor((rgb[p] * (n - hits) + cr * hits + n / 2) / n);
      rgb[p + 1] = Math.floor((rgb[p + 1] * (n - hits) + cg * hits + n / 2) / n);
      rgb[p + 2] = Math.floor((rgb[p + 2] * (n - hits) + cb * hits + n / 2) / n);
    }
  }
}

/** Row-major RGB pixels of the scene on a canvas×canvas light-grey background. */
export function renderScene(scene: Scene, canvas: number): Uint8Array {
  const rgb = new Uint8Array(canvas * canvas * 3);
  for (let i = 0; i < rgb.length; i += 3) {
    rgb[i] = BACKGROUND[0];
    rgb[i + 1] = BACKGROUND[1];
    rgb[i + 2] = BACKGROUND[2];
  }
  const cover = new Uint8Array(canvas * canvas);
  for (const o of scene.objects) drawObject(rgb, canvas, o, cover);
  return rgb;
}

/** PNG bytes (8-bit RGB) with pinned filter and zlib settings. */
export function encodePng(rgb: Uint8Array, canvas: number): Buffer {
  return PNG.sync.write(
    { width: canvas, height: canvas, data: Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength) } as unknown as PNG,
    { colorType: 2, inputColorType: 2, inputHasAlpha: false, bitDepth: 8, deflateLevel: 6, deflateStrategy: 0, filterType: 0 },
  );
}
