// UMAP timing at the sample's size and at 20k points (clustered synthetic 64-d vectors), with
// peak RSS sampled during the run (the worker thread shares the process).
import { runUmap, DEFAULT_UMAP } from './umap.js';

function clustered(n: number, dims: number, clusters: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const centres = new Float32Array(clusters * dims).map(() => gauss());
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rnd() * clusters);
    for (let d = 0; d < dims; d++) out[i * dims + d] = centres[c * dims + d] + 0.35 * gauss();
  }
  return out;
}

async function timed(n: number, dims: number): Promise<{ points: number; dims: number; seconds: number; peakRssMiB: number }> {
  const data = clustered(n, dims, 40, n);
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  await runUmap(data, dims, DEFAULT_UMAP);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  return { points: n, dims, seconds: +seconds.toFixed(2), peakRssMiB: Math.round(peak / 2 ** 20) };
}

export async function benchUmap(): Promise<object> {
  return {
    params: DEFAULT_UMAP,
    sampleSize: await timed(6000, 64),
    twentyK: await timed(20_000, 64),
  };
}
