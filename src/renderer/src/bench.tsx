// Map benchmark page (npm run bench): N synthetic clustered points, then frame times while the
// view zooms every frame. Results land on window.__benchResult for the bench runner.
import { createRoot } from 'react-dom/client';
import { MapView, type MapGlyphs, type MapPoints } from './map/MapView';

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
  return { radius, ellipse, shown, lowFit, exaggeration: 1 };
}
const glyphs = params.get('glyphs') === '1' ? syntheticGlyphs(n) : null;
const w = window as unknown as { __benchResult?: unknown };

async function run(): Promise<void> {
  const canvas = document.querySelector('[data-testid="map-canvas"]') as HTMLCanvasElement;
  const r = canvas.getBoundingClientRect();
  const times: number[] = [];
  let last = performance.now();
  const nFrames = Math.max(3, Number(params.get('frames') ?? 40));
  for (let f = 0; f < nFrames; f++) {
    canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: f % 2 ? 60 : -60, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
    await new Promise((res) => requestAnimationFrame(() => res(null)));
    const now = performance.now();
    times.push(now - last);
    last = now;
  }
  times.shift();
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  w.__benchResult = { points: n, glyphs: glyphs ? (window as unknown as { __mlensMap?: { glyphCount: number } }).__mlensMap?.glyphCount ?? 0 : 0, frames: times.length, meanFrameMs: +mean.toFixed(2), p95FrameMs: +times[Math.floor(times.length * 0.95)].toFixed(2) };
}

function waitReady(): void {
  const c = document.querySelector('[data-testid="map-canvas"][data-ready="true"]');
  if (c) void run();
  else setTimeout(waitReady, 50);
}

createRoot(document.getElementById('root')!).render(<MapView points={points} selected={null} glyphs={glyphs} />);
waitReady();
