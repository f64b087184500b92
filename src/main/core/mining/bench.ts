// `npm run bench` part for mining: mining on 5,000 images × 25,000 captions × 512 dims
// with two spaces, full metrics (both directions) on the same, seconds and peak memory; and the
// measurement behind the kNN layout (CONTEXT.md).
import { initBackend, tf } from '../tensor/backend.js';
import { createDotEngine } from '../compute/dot_engine.js';
import { evaluateSpace } from '../metrics/space_eval.js';
import { evaluateSpaceParallel } from '../metrics/space_parallel.js';
import { mineCandidates } from './candidates.js';
import { buildReviewUnits, fusedTextSimilarity } from './clusters.js';
import { mulberry32 } from '../../../shared/random.js';
import { workerKnnRunner } from './knn_worker.js';
import type { MiningSpaceInput } from './space_engine.js';

const secs = (t0: number): number => Number(((performance.now() - t0) / 1000).toFixed(3));
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function normaliseRows(a: Float32Array, dims: number): void {
  for (let o = 0; o < a.length; o += dims) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += a[o + d] * a[o + d];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dims; d++) a[o + d] *= inv;
  }
}

/**
 * Two synthetic spaces with COCO-like structure: images around 500 topics, captions near their
 * image (cosine about 0.45, same-topic images about 0.38: multiplicity); the second space sees the same items through a signed permutation of the axes
 * with its own noise (an orthogonal change of basis plus independent errors).
 */
export function syntheticSpaces(nImages: number, captionsPerImage: number, dims: number, seed = 42): { spaces: MiningSpaceInput[]; annotated: Int32Array } {
  const random = mulberry32(seed);
  const g = gaussian(random);
  const topics = 500;
  const centre = new Float32Array(topics * dims);
  for (let k = 0; k < centre.length; k++) centre[k] = g();
  normaliseRows(centre, dims);
  const base = new Float32Array(nImages * dims);
  const unit = 1 / Math.sqrt(dims);
  for (let i = 0; i < nImages; i++) {
    const t = Math.floor(random() * topics);
    for (let d = 0; d < dims; d++) base[i * dims + d] = centre[t * dims + d] + 0.45 * g() * unit;
  }
  normaliseRows(base, dims);
  const nT = nImages * captionsPerImage;
  const annotated = new Int32Array(nT);
  for (let c = 0; c < nT; c++) annotated[c] = Math.floor(c / captionsPerImage);
  const perm = Int32Array.from({ length: dims }, (_, d) => d);
  for (let d = dims - 1; d > 0; d--) {
    const j = Math.floor(random() * (d + 1));
    [perm[d], perm[j]] = [perm[j], perm[d]];
  }
  const sign = Float32Array.from({ length: dims }, () => (random() < 0.5 ? -1 : 1));
  const spaces: MiningSpaceInput[] = [];
  for (let e = 0; e < 2; e++) {
    const image = new Float32Array(nImages * dims);
    const text = new Float32Array(nT * dims);
    const map = (d: number): number => (e === 0 ? d : perm[d]);
    const sg = (d: number): number => (e === 0 ? 1 : sign[d]);
    for (let i = 0; i < nImages; i++) for (let d = 0; d < dims; d++) image[i * dims + map(d)] = sg(d) * (base[i * dims + d] + 0.3 * g() * unit);
    for (let c = 0; c < nT; c++) {
      const i = annotated[c];
      for (let d = 0; d < dims; d++) text[c * dims + map(d)] = sg(d) * (base[i * dims + d] + 2 * g() * unit);
    }
    normaliseRows(image, dims);
    normaliseRows(text, dims);
    spaces.push({ id: `synthetic-${e}`, dims, image, text });
  }
  return { spaces, annotated };
}

type Layout = { seconds: number; gfma_per_s: number };

/** q·g dot products of nQ × nG × dims in the layouts considered for the kNN. */
export async function measureKnnLayouts(nQ = 256, nG = 4096, dims = 512): Promise<Record<string, Layout | string>> {
  const random = mulberry32(3);
  const a = Float32Array.from({ length: nQ * dims }, () => random() - 0.5);
  const b = Float32Array.from({ length: nG * dims }, () => random() - 0.5);
  const out: Record<string, Layout | string> = {};
  const fma = nQ * nG * dims;
  const time = async (label: string, run: () => void | Promise<void>): Promise<void> => {
    await run();
    const t0 = performance.now();
    await run();
    const s = (performance.now() - t0) / 1000;
    out[label] = { seconds: Number(s.toFixed(4)), gfma_per_s: Number((fma / s / 1e9).toFixed(2)) };
  };
  const res = new Float32Array(nQ * nG);
  await time('js, 1×4 register block, 128-row gallery tiles', () => {
    for (let g0 = 0; g0 < nG; g0 += 128) {
      const g1 = Math.min(nG, g0 + 128);
      for (let i = 0; i < nQ; i++) {
        const ao = i * dims;
        for (let g = g0; g < g1; g += 4) {
          const b0 = g * dims;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let k = 0; k < dims; k++) {
            const x = a[ao + k];
            s0 += x * b[b0 + k];
            s1 += x * b[b0 + dims + k];
            s2 += x * b[b0 + 2 * dims + k];
            s3 += x * b[b0 + 3 * dims + k];
          }
          res[i * nG + g] = s0;
          res[i * nG + g + 1] = s1;
          res[i * nG + g + 2] = s2;
          res[i * nG + g + 3] = s3;
        }
      }
    }
  });
  const engine = createDotEngine((nQ + nG) * dims + nQ * nG);
  engine.memory.set(a, 0);
  engine.memory.set(b, nQ * dims);
  await time(`dot engine (${engine.kind}), 2×4 register block, tiles (used)`, () => engine.dots(0, nQ, nQ * dims, nG, dims, (nQ + nG) * dims, nG));
  for (const backend of ['wasm', 'cpu'] as const) {
    try {
      if (backend === 'wasm') await initBackend({ force: 'wasm' });
      else await tf.setBackend('cpu');
      const A = tf.tensor2d(a, [nQ, dims]);
      const B = tf.tensor2d(b, [nG, dims]);
      const Bt = tf.transpose(B);
      await time(`tfjs ${backend}: matMul(A, B, transposeB)`, async () => {
        const r = tf.matMul(A, B, false, true);
        await r.data();
        r.dispose();
      });
      await time(`tfjs ${backend}: matMul(A, Bᵀ stored pre-transposed)`, async () => {
        const r = tf.matMul(A, Bt);
        await r.data();
        r.dispose();
      });
      A.dispose();
      B.dispose();
      Bt.dispose();
    } catch (e) {
      out[`tfjs ${backend}`] = `unavailable: ${(e as Error).message}`;
    }
  }
  return out;
}

export async function benchMining(opts: { nImages?: number; captionsPerImage?: number; dims?: number; layouts?: boolean; threads?: number } = {}): Promise<object> {
  const nImages = opts.nImages ?? 5000;
  const cpi = opts.captionsPerImage ?? 5;
  const dims = opts.dims ?? 512;
  let t0 = performance.now();
  const { spaces, annotated } = syntheticSpaces(nImages, cpi, dims);
  const generate = secs(t0);
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };

  t0 = performance.now();
  const phases: Record<string, number> = {};
  let phase = '';
  let phaseStart = t0;
  const runner = opts.threads === 1 ? null : workerKnnRunner();
  const table = await mineCandidates({ nImages, nCaptions: annotated.length, annotated }, spaces, {
    knnRunner: runner ?? undefined,
    parallel: opts.threads ?? 2,
    onProgress: (p) => {
      sample();
      const name = p.split(' ')[0];
      if (name !== phase) {
        if (phase) phases[phase] = (phases[phase] ?? 0) + (performance.now() - phaseStart) / 1000;
        phase = name;
        phaseStart = performance.now();
      }
    },
  });
  if (phase) phases[phase] = (phases[phase] ?? 0) + (performance.now() - phaseStart) / 1000;
  const tMine = secs(t0);
  sample();
  t0 = performance.now();
  const { units, theta } = buildReviewUnits(table, annotated, { sim: fusedTextSimilarity(spaces) });
  const tUnits = secs(t0);
  sample();
  const miningPeak = peak;

  const metrics: Record<string, object> = {};
  const t2i = Array.from(annotated, (i) => [i]);
  for (const s of spaces) {
    peak = process.memoryUsage().rss;
    t0 = performance.now();
    const r = evaluateSpace(s.image, s.text, dims, t2i, { onProgress: sample });
    const oneThread = secs(t0);
    const onePeak = mb(peak);
    peak = process.memoryUsage().rss;
    t0 = performance.now();
    const sampler = setInterval(sample, 50);
    const rp = await evaluateSpaceParallel(s.image, s.text, dims, t2i, { threads: 2 });
    clearInterval(sampler);
    metrics[s.id] = {
      seconds: oneThread,
      peak_rss_mb: onePeak,
      two_threads: { seconds: secs(t0), peak_rss_mb: mb(peak), same_result: rp.t2i.map_at_r === r.t2i.map_at_r && rp.i2t.map_at_r === r.i2t.map_at_r },
      i2t_r1: r.i2t.recall_at['1'],
      t2i_r1: r.t2i.recall_at['1'],
      t2i_map_at_r: r.t2i.map_at_r,
    };
  }
  return {
    problem: `${nImages} images × ${annotated.length} captions × ${dims} dims, two cosine spaces, kT 5, kI 10, rank depth 30`,
    knn_threads: runner ? (opts.threads ?? 2) : 1,
    seconds: {
      generate_data: generate,
      mining_total: Number((tMine + tUnits).toFixed(3)),
      candidates_and_features: tMine,
      phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Number(v.toFixed(3))])),
      review_units: tUnits,
    },
    memory_mb: { rss_before: mb(rssBefore), mining_peak_rss: mb(miningPeak), process_max_rss: Math.round(process.resourceUsage().maxRSS / 1024) },
    result: { candidates: table.n, units: units.length, theta },
    metrics_full_both_directions: metrics,
    knn_layouts_256x4096x512: opts.layouts === false ? 'skipped' : await measureKnnLayouts(),
  };
}
