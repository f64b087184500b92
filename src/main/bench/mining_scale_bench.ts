// `npm run bench -- mining-scale`: the approximate cross-modal search (IVF) that mining uses above
// 50k items per gallery, at full-COCO size by default (123,287 images × 616,767 captions × 512;
// MLENS_BENCH_MINING_SCALE=IxC for another size), timed end to end, with the sampled top-50 recall
// against exact search in each direction.
//
// Synthetic data shaped like COCO: images drawn around 1,000 centres (unit-variance centres,
// noise 0.5 per dimension), five captions per image drawn around their image (noise 0.5), rows
// L2-normalised. A caption's nearest images are its own image and others of its centre, as in a
// captioned dataset; real CLIP spaces are less clustered, so the recall here says what this data
// gives, not what every space gives. The bench says what it measured.
//
// Baseline in the same process: the exact blocked pass, timed on 1,024 images against every
// caption and scaled to all images.
import { LoadedSpace } from '../core/mining/space_engine.js';
import { workerKnnRunner } from '../core/mining/knn_worker.js';
import { crossModalKnn } from '../core/compute/knn_blocked.js';
import { mulberry32 } from '../../shared/random.js';

function gaussian(rnd: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
}

function normaliseRows(rows: Float32Array, dims: number): void {
  for (let o = 0; o < rows.length; o += dims) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += rows[o + d] * rows[o + d];
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dims; d++) rows[o + d] *= inv;
  }
}

/** COCO-shaped rows: images around nC centres, `perImage` captions around each image (caption c belongs to image ⌊c / perImage⌋). */
export function cocoLikeRows(nI: number, nT: number, dims: number, seed: number): { image: Float32Array; text: Float32Array } {
  const nC = 1000;
  const g = gaussian(mulberry32(seed));
  const centres = Float32Array.from({ length: nC * dims }, g);
  const image = new Float32Array(nI * dims);
  const rnd = mulberry32(seed + 1);
  for (let i = 0; i < nI; i++) {
    const c = Math.floor(rnd() * nC);
    for (let d = 0; d < dims; d++) image[i * dims + d] = centres[c * dims + d] + 0.5 * g();
  }
  const text = new Float32Array(nT * dims);
  const perImage = nT / nI;
  for (let t = 0; t < nT; t++) {
    const i = Math.min(nI - 1, Math.floor(t / perImage));
    for (let d = 0; d < dims; d++) text[t * dims + d] = image[i * dims + d] + 0.5 * g();
  }
  normaliseRows(image, dims);
  normaliseRows(text, dims);
  return { image, text };
}

export async function benchMiningScale(): Promise<object> {
  const dims = 512;
  const [nI, nT] = (process.env.MLENS_BENCH_MINING_SCALE ?? '123287x616767').split('x').map(Number);
  const g0 = performance.now();
  const { image, text } = cocoLikeRows(nI, nT, dims, 11);
  const generateSeconds = (performance.now() - g0) / 1000;
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  // The path `mlens mine` takes: the kNN on worker threads (IVF: one per direction, rows shared).
  const runner = workerKnnRunner();
  if (!runner) throw new Error('mining-scale: out/main/workers/mine.js is missing (npm run build)');
  const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const knn = await runner({ id: 'synthetic', dims, image, text }, { images: all(nI), texts: all(nT) }, { kI2T: 50, kT2I: 50, method: 'ivf', ivf: { recallSample: 100, recallDepth: 50 } });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(timer);
  // Baseline, same process: the exact blocked pass (both directions in one pass over the scores,
  // what mining runs up to 50k items per gallery) on the first 1,024 images against every caption,
  // scaled to all images.
  const sub = Math.min(nI, 1024);
  const e0 = performance.now();
  const exactSpace = new LoadedSpace({ id: 'exact', dims, image: image.subarray(0, sub * dims), text }, { blockRows: 256 });
  crossModalKnn(exactSpace, { kI2T: 50, kT2I: 50, method: 'exact' });
  const exactSeconds = ((performance.now() - e0) / 1000) * (nI / sub);
  return {
    data: `${nI} images × ${nT} captions × ${dims}: images around 1,000 centres, ${(nT / nI).toFixed(1)} captions per image around it (noise 0.5), unit rows`,
    generateSeconds: +generateSeconds.toFixed(1),
    method: knn.method,
    seconds: +seconds.toFixed(1),
    cpuSeconds: +cpuSeconds.toFixed(1),
    threads: 2,
    peakRssMiB: Math.round(peak / 2 ** 20),
    recallTop50: knn.recall,
    exactEstimateSeconds: Math.round(exactSeconds),
    exactEstimate: 'exact blocked pass (both directions, one thread) timed on 1,024 images × every caption, scaled to all images, same process',
    timeRatioToExact: +(seconds / exactSeconds).toFixed(3),
  };
}
