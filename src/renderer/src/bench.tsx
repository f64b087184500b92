// Map benchmark page (npm run bench): N synthetic clustered points, then frame times while the
// view zooms every frame. Results land on window.__benchResult for the bench runner.
// Parameters: n (points), glyphs=1 (variance glyphs on), exag (glyph exaggeration), zoom (zoom in by
// this factor about the centre before measuring), frames, budget / area (glyph LOD overrides),
// sel=1 (half the points in a lasso selection, the rest greyed), hover=1 (time the hover index:
// grid build, nearest-point lookups at the hover radius, against a linear scan; and a lasso),
// moving (points drawn per frame while the camera moves; 1e9 = always every point).
import { createRoot } from 'react-dom/client';
import { MapView, type MapDebug, type MapGlyphs, type MapPoints, type MapViewProps } from './map/MapView';
import { PointGrid, nearestBrute } from './map/picking';
import { pointsInPolygon } from './selection/lasso';

function synthetic(n: number): MapPoints {
  let s = 12345;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const xy = new Float32Array(2 * n);
  const kind = new Uint8Array(n);
  const centres = Array.from({ length: 60 }, () => [rnd() * 100, rnd() * 100]);
  for (let i = 0; i < n; i++) {
    const c = centres[Math.floor(rnd() * centres.length)];
    xy[2 * i] = c[0] + (rnd() - 0.5) * 6;
    xy[2 * i + 1] = c[1] + (rnd() - 0.5) * 6;
    kind[i] = i % 5 === 0 ? 0 : 1;
  }
  return { xy, kind };
}

const params = new URLSearchParams(location.search);
const n = Number(params.get('n') ?? 50000);
const points = synthetic(n);

/** Variance glyphs for the synthetic points (radius ~0.3–1.5 map units; ellipses on ~half, low fit on ~a fifth). */
function syntheticGlyphs(count: number): MapGlyphs {
  let s = 777;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const radius = new Float32Array(count);
  const ellipse = new Float32Array(3 * count);
  const shown = new Uint8Array(count);
  const lowFit = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const r = 0.3 + rnd() * 1.2;
    radius[i] = r;
    const k = 1.2 + rnd() * 2;
    ellipse[3 * i] = r * Math.sqrt((2 * k * k) / (1 + k * k));
    ellipse[3 * i + 1] = ellipse[3 * i] / k;
    ellipse[3 * i + 2] = rnd() * Math.PI;
    shown[i] = rnd() < 0.5 ? 1 : 0;
    lowFit[i] = rnd() < 0.2 ? 1 : 0;
  }
  return { radius, ellipse, shown, lowFit, exaggeration: Number(params.get('exag') ?? 1) };
}
const glyphs = params.get('glyphs') === '1' ? syntheticGlyphs(n) : null;
let selection: Uint8Array | null = null;
if (params.get('sel') === '1') {
  selection = new Uint8Array(n);
  for (let i = 0; i < n; i += 2) selection[i] = 1;
}

/** Hover index timings (ms) on these points, at the map's fitted scale. */
function hoverTimings(scale: number): object {
  const xy = points.xy;
  let s = 99;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const t0 = performance.now();
  const grid = new PointGrid(xy);
  const buildMs = performance.now() - t0;
  const radius = 6 / scale; // the hover radius: 6 CSS px
  const queries = 20_000;
  const qs = Float64Array.from({ length: 2 * queries }, () => rnd() * 106 - 3);
  let hits = 0;
  const t1 = performance.now();
  for (let q = 0; q < queries; q++) if (grid.nearest(qs[2 * q], qs[2 * q + 1], radius) !== null) hits++;
  const gridMs = (performance.now() - t1) / queries;
  const scans = 20;
  let agree = 0;
  const t2 = performance.now();
  for (let q = 0; q < scans; q++) if (nearestBrute(xy, qs[2 * q], qs[2 * q + 1], radius) === grid.nearest(qs[2 * q], qs[2 * q + 1], radius)) agree++;
  const scanMs = (performance.now() - t2) / scans;
  // A lasso over about a quarter of the map: a 24-gon of radius 28 around the centre.
  const poly = Float64Array.from({ length: 48 }, (_, k) => (k % 2 ? 50 + 28 * Math.sin(Math.PI * (k - 1) / 24) : 50 + 28 * Math.cos(Math.PI * k / 24)));
  const t3 = performance.now();
  const inside = pointsInPolygon(xy, poly, grid);
  const lassoMs = performance.now() - t3;
  let selected = 0;
  for (let i = 0; i < inside.length; i++) selected += inside[i];
  return {
    gridBuildMs: +buildMs.toFixed(1),
    hoverLookupUs: +(gridMs * 1000).toFixed(2),
    hoverHitRate: +(hits / queries).toFixed(3),
    linearScanMs: +scanMs.toFixed(2),
    scanOverGrid: +(scanMs / gridMs).toFixed(0),
    scanAgrees: `${agree}/${scans}`,
    lassoMs: +lassoMs.toFixed(1),
    lassoSelected: selected,
  };
}
const w = window as unknown as { __benchResult?: unknown; __mlensMap?: MapDebug };
const lod: MapViewProps['glyphLod'] = {};
if (params.has('budget')) lod.budget = Number(params.get('budget'));
if (params.has('area')) lod.maxAreaPx = Number(params.get('area'));
const pointLod = params.has('moving') ? { movingBudget: Number(params.get('moving')) } : undefined;

const nextFrame = (): Promise<unknown> => new Promise((res) => requestAnimationFrame(() => res(null)));

async function run(): Promise<void> {
  const canvas = document.querySelector('[data-testid="map-canvas"]') as HTMLCanvasElement;
  const r = canvas.getBoundingClientRect();
  const wheel = (deltaY: number): void => {
    canvas.dispatchEvent(new WheelEvent('wheel', { deltaY, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
  };
  // Zoom in first (the engine zooms by exp(-deltaY · 0.0015), |deltaY| ≤ 500 per event).
  let zoom = Math.log(Math.max(1, Number(params.get('zoom') ?? 1))) / 0.0015;
  while (zoom > 1e-6) {
    const d = Math.min(500, zoom);
    wheel(-d);
    zoom -= d;
    await nextFrame();
  }
  const times: number[] = [];
  const drawn: number[] = [];
  const strides: number[] = [];
  await nextFrame();
  let last = performance.now();
  const nFrames = Math.max(3, Number(params.get('frames') ?? 40));
  for (let f = 0; f < nFrames; f++) {
    wheel(f % 2 ? 60 : -60);
    await nextFrame();
    const now = performance.now();
    times.push(now - last);
    drawn.push(w.__mlensMap?.glyphsDrawn ?? 0);
    strides.push(w.__mlensMap?.pointStride ?? 1);
    last = now;
  }
  times.shift();
  drawn.shift();
  times.sort((a, b) => a - b);
  drawn.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const median = (v: number[]): number => (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
  const m = w.__mlensMap;
  w.__benchResult = {
    points: n,
    // Points with a glyph, and glyph quads actually drawn per frame (median over the frames).
    glyphs: glyphs ? m?.glyphCount ?? 0 : 0,
    glyphsDrawn: glyphs ? median(drawn) : 0,
    ...(glyphs ? { glyphLod: m?.glyphLod ?? null, exaggeration: glyphs.exaggeration, zoom: Number(params.get('zoom') ?? 1) } : {}),
    softwareGL: m?.softwareGL ?? null,
    // Every k-th point drawn while zooming (1 = all): the moving level of detail.
    pointStride: Math.max(...strides),
    frames: times.length,
    medianFrameMs: +median(times).toFixed(2),
    meanFrameMs: +mean.toFixed(2),
    p95FrameMs: +times[Math.floor(times.length * 0.95)].toFixed(2),
    ...(selection ? { selection: 'half selected, half greyed' } : {}),
    ...(params.get('hover') === '1' ? { hover: hoverTimings(m?.scale ?? 1) } : {}),
  };
}

function waitReady(): void {
  const c = document.querySelector('[data-testid="map-canvas"][data-ready="true"]');
  if (c) void run();
  else setTimeout(waitReady, 50);
}

createRoot(document.getElementById('root')!).render(<MapView points={points} selected={null} glyphs={glyphs} glyphLod={lod} selection={selection} pointLod={pointLod} />);
waitReady();
