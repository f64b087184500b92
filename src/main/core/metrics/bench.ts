// `npm run bench` part for metrics: both directions on a COCO-5K-sized random space, and the
// measurement behind the dot-product layout (CONTEXT.md).
import { createDotEngine, TILE_ROWS, WasmDotEngine } from '../compute/dot_engine.js';
import { KERNEL_SHAPES } from '../compute/wasm_dot_module.js';
import { evaluateSpace, scoreSpace, DEFAULT_BLOCK } from './space_eval.js';
import { evaluateSpaceParallel, metricsWorkerAvailable } from './space_parallel.js';
import { mulberry32 as rng } from '../../../shared/random.js';

/** n unit vectors with Gaussian directions. */
function randomUnit(n: number, dims: number, random: () => number): Float32Array {
  const out = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dims; d += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - random()));
      const a = 2 * Math.PI * random();
      out[i * dims + d] = r * Math.cos(a);
      if (d + 1 < dims) out[i * dims + d + 1] = r * Math.sin(a);
    }
    for (let d = 0; d < dims; d++) s += out[i * dims + d] ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dims; d++) out[i * dims + d] *= inv;
  }
  return out;
}

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const secs = (t0: number): number => Number(((performance.now() - t0) / 1000).toFixed(3));
/** CPU seconds of this process since `from`: unlike wall time, barely moved by other processes. */
const cpuSecs = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return Number(((d.user + d.system) / 1e6).toFixed(3));
};

/** Inner-loop layouts for q·g dot products over contiguous rows, in multiply-adds per second. */
export function measureLayouts(nQ = 256, nG = 4096, dims = 512): Record<string, { seconds: number; gfma_per_s: number }> {
  const random = rng(1);
  const a = Float32Array.from({ length: nQ * dims }, () => random() - 0.5);
  const b = Float32Array.from({ length: nG * dims }, () => random() - 0.5);
  const out = new Float32Array(nQ * nG);
  const fma = nQ * nG * dims;
  const results: Record<string, { seconds: number; gfma_per_s: number }> = {};
  const time = (label: string, run: () => void): void => {
    run(); // warm-up (JIT)
    const t0 = performance.now();
    run();
    const s = (performance.now() - t0) / 1000;
    results[label] = { seconds: Number(s.toFixed(4)), gfma_per_s: Number((fma / s / 1e9).toFixed(2)) };
  };
  time('js scalar, one pair at a time', () => {
    for (let i = 0; i < nQ; i++) {
      for (let g = 0; g < nG; g++) {
        let s = 0;
        for (let k = 0, ao = i * dims, bo = g * dims; k < dims; k++) s += a[ao + k] * b[bo + k];
        out[i * nG + g] = s;
      }
    }
  });
  time(`js scalar, 1×4 register block, tiles of ${TILE_ROWS} gallery rows`, () => {
    for (let g0 = 0; g0 < nG; g0 += TILE_ROWS) {
      const g1 = Math.min(nG, g0 + TILE_ROWS);
      for (let i = 0; i < nQ; i++) {
        const ao = i * dims;
        for (let g = g0; g < g1; g += 4) {
          const b0 = g * dims;
          const b1 = b0 + dims;
          const b2 = b1 + dims;
          const b3 = b2 + dims;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let k = 0; k < dims; k++) {
            const x = a[ao + k];
            s0 += x * b[b0 + k];
            s1 += x * b[b1 + k];
            s2 += x * b[b2 + k];
            s3 += x * b[b3 + k];
          }
          const o = i * nG + g;
          out[o] = s0;
          out[o + 1] = s1;
          out[o + 2] = s2;
          out[o + 3] = s3;
        }
      }
    }
  });
  const engine = createDotEngine((nQ + nG) * dims + nQ * nG);
  if (engine instanceof WasmDotEngine) {
    engine.memory.set(a, 0);
    engine.memory.set(b, nQ * dims);
    const outOff = (nQ + nG) * dims;
    for (const [ra, rb] of KERNEL_SHAPES) {
      const k = engine.kernel(`k${ra}x${rb}`);
      time(`wasm simd ${ra}×${rb}, no tiling`, () => k(0, nQ, nQ * dims * 4, nG, dims * 4, outOff * 4, nG * 4));
      time(`wasm simd ${ra}×${rb}, tiles of ${TILE_ROWS} gallery rows`, () => {
        for (let g0 = 0; g0 < nG; g0 += TILE_ROWS) k(0, nQ, (nQ + g0) * dims * 4, TILE_ROWS, dims * 4, (outOff + g0) * 4, nG * 4);
      });
    }
    time('engine.dots (used): wasm simd 2×4, tiles', () => engine.dots(0, nQ, nQ * dims, nG, dims, outOff, nG));
  }
  return results;
}

export async function benchMetrics(): Promise<object> {
  const nImages = 5000;
  const nTexts = 25000;
  const dims = 512;
  const extra = 8;
  const random = rng(42);
  let t0 = performance.now();
  const image = randomUnit(nImages, dims, random);
  const text = randomUnit(nTexts, dims, random);
  const t2i: Int32Array[] = [];
  for (let c = 0; c < nTexts; c++) {
    const own = Math.floor(c / 5);
    const set = new Set([own]);
    while (set.size < 1 + extra) set.add(Math.floor(random() * nImages));
    t2i.push(Int32Array.from(set));
  }
  const generate = secs(t0);
  const rssBefore = process.memoryUsage().rss;

  // The full evaluation first (its peak memory is the one that matters), then scoring alone,
  // then the same evaluation on two worker threads (results compared bit for bit).
  let peakRss = process.memoryUsage().rss;
  let cpu0 = process.cpuUsage();
  t0 = performance.now();
  const result = evaluateSpace(image, text, dims, t2i, {
    ks: [1, 5, 10],
    onProgress: () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  });
  const total = secs(t0);
  const totalCpu = cpuSecs(cpu0);

  cpu0 = process.cpuUsage();
  t0 = performance.now();
  const space = scoreSpace(image, text, dims);
  for (let i0 = 0; i0 < nImages; i0 += DEFAULT_BLOCK) space.scoreBlock(i0, Math.min(DEFAULT_BLOCK, nImages - i0));
  const scoringOnly = secs(t0);
  const scoringCpu = cpuSecs(cpu0);

  let parallel: object = { skipped: 'out/main/workers/metrics.js is not built' };
  if (metricsWorkerAvailable()) {
    const threads = 2;
    let peak2 = process.memoryUsage().rss;
    const cpu2 = process.cpuUsage();
    t0 = performance.now();
    const r2 = await evaluateSpaceParallel(image, text, dims, t2i, {
      ks: [1, 5, 10],
      threads,
      onProgress: () => {
        peak2 = Math.max(peak2, process.memoryUsage().rss);
      },
    });
    const total2 = secs(t0);
    parallel = {
      threads,
      seconds: total2,
      cpu_seconds: cpuSecs(cpu2),
      speedup_vs_1_thread: Number((total / total2).toFixed(2)),
      peak_rss_during_mb: mb(peak2),
      identical_to_1_thread: JSON.stringify(r2) === JSON.stringify(result),
    };
  }
  return {
    problem: `${nImages} images × ${nTexts} captions × ${dims} dims, cosine, ties 'expected', 1 + ${extra} positive images per caption`,
    engine: space.engine.kind,
    seconds: {
      generate_data: generate,
      evaluate_space_both_directions: total,
      scoring_only: scoringOnly,
      ranking_and_metrics: Number((total - scoringOnly).toFixed(3)),
    },
    cpu_seconds: { evaluate_space_both_directions: totalCpu, scoring_only: scoringCpu },
    memory_mb: { rss_before: mb(rssBefore), peak_rss_during: mb(peakRss), process_max_rss: Math.round(process.resourceUsage().maxRSS / 1024) },
    worker_threads: parallel,
    result: {
      i2t: { r1: result.i2t.recall_at['1'], map_at_r: result.i2t.map_at_r, queries: result.i2t.queries },
      t2i: { r1: result.t2i.recall_at['1'], map_at_r: result.t2i.map_at_r, queries: result.t2i.queries },
    },
    layouts_256x4096x512: measureLayouts(),
  };
}
