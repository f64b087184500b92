// `npm run bench -- mining-scale`: the approximate cross-modal search (IVF) that mining uses above
// 50k items per gallery, at a reduced scale, with its sampled top-50 recall against exact search,
// and an extrapolation to full COCO (123,287 images × 616,767 captions × 512) from the measured
// seconds per scanned multiply-add. Synthetic data: images and captions drawn around 400 shared
// centres (cross-modal pairs are close), rows L2-normalised. Real CLIP spaces are less clustered,
// so the recall here is an upper bound on what they get; the bench says what it measured.
import { LoadedSpace } from '../core/mining/space_engine.js';
import { crossModalKnn } from '../core/compute/knn_blocked.js';
import { mulberry32 } from '../../shared/random.js';

function around(centres: Float32Array, nC: number, n: number, dims: number, seed: number, spread: number): Float32Array {
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rnd() * nC);
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const v = centres[c * dims + d] + spread * gauss();
      out[i * dims + d] = v;
      s += v * v;
    }
    for (let d = 0; d < dims; d++) out[i * dims + d] /= Math.sqrt(s);
  }
  return out;
}

export async function benchMiningScale(): Promise<object> {
  const dims = 512;
  const [nI, nT] = (process.env.MLENS_BENCH_MINING_SCALE ?? '10000x50000').split('x').map(Number);
  const rnd = mulberry32(3);
  const nC = 400;
  const centres = Float32Array.from({ length: nC * dims }, () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd()));
  const space = new LoadedSpace({ id: 'synthetic', dims, image: around(centres, nC, nI, dims, 4, 0.5), text: around(centres, nC, nT, dims, 5, 0.5) });
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const knn = crossModalKnn(space, { kI2T: 50, kT2I: 50, method: 'ivf', ivf: { recallSample: 100, recallDepth: 50 } });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(timer);
  // Work an IVF pass scans: each query against the share of the gallery its probed lists hold
  // (the nprobe / nlist share the recall target chose here), plus k-means and assignment.
  const scanned = (nq: number, ng: number, share: number) => {
    const nlist = Math.round(Math.sqrt(ng));
    return nq * ng * share * dims + 6 * 32 * nlist * nlist * dims + ng * nlist * dims;
  };
  const share = (r?: { nprobe: number; nlist: number }) => (r ? r.nprobe / r.nlist : 1);
  const work = scanned(nI, nT, share(knn.recall?.i2t)) + scanned(nT, nI, share(knn.recall?.t2i));
  const cocoWork = scanned(123_287, 616_767, share(knn.recall?.i2t)) + scanned(616_767, 123_287, share(knn.recall?.t2i));
  return {
    data: `${nI} images × ${nT} captions × ${dims}, 400 shared centres, noise 0.5, unit rows`,
    method: knn.method,
    seconds: +seconds.toFixed(2),
    cpuSeconds: +cpuSeconds.toFixed(2),
    peakRssMiB: Math.round(peak / 2 ** 20),
    recallTop50: knn.recall,
    extrapolatedFullCocoSeconds: Math.round((seconds * cocoWork) / work),
    extrapolatedFullCocoCpuSeconds: Math.round((cpuSeconds * cocoWork) / work),
    extrapolation: 'measured seconds × (multiply-adds scanned at full COCO ÷ here) at the same probed share of the gallery; one thread; wall seconds carry this shared machine’s load, CPU seconds do not',
  };
}
