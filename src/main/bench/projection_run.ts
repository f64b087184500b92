// One contender of the projection bench in its own process, so its peak RSS is its own
// (process.resourceUsage().maxRSS): `node out/main/bench/projection_run.js CONTENDER N DIMS SEED`.
// Contenders: 'mlens' (this app's pipeline, two threads), 'mlens-1thread' (the same on one
// thread), 'mlens-mathpow' (the same with Math.pow in the
// epochs), 'umap-js' (its own NN-descent on number[][]), 'atlas' (Embedding Atlas's wasm UMAP,
// loaded from MLENS_ATLAS_DIR). Prints one JSON line. Every contender gets the same unit rows.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { computeLayout } from '../core/projection/umap_layout.js';
import { trustworthiness } from '../core/projection/trustworthiness.js';
import { knnRecall } from '../core/compute/knn_recall.js';
import { mulberry32 } from '../../shared/random.js';
import type { Knn } from '../core/compute/exact_knn.js';

/** 40 Gaussian clusters (unit-variance centres, noise 0.35), rows normalised in place. */
export function benchRows(n: number, dims: number, seed: number): Float32Array {
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const centres = Float32Array.from({ length: 40 * dims }, gauss);
  const rows = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rnd() * 40);
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const v = centres[c * dims + d] + 0.35 * gauss();
      rows[i * dims + d] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dims; d++) rows[i * dims + d] *= inv;
  }
  return rows;
}

const EPOCHS = 200;

interface RunResult {
  contender: string;
  points: number;
  dims: number;
  firstViewSeconds?: number;
  knnSeconds?: number;
  totalSeconds: number;
  /** CPU seconds (user + system, all threads) over the same span: robust to a shared machine. */
  cpuSeconds?: number;
  peakRssMiB: number;
  knnRecall?: { recall: number; min: number; sampled: number; k: number };
  trustworthiness?: { value: number; sampled: number; k: number };
  notes?: string;
  skipped?: string;
  threads?: number;
  epochsSeconds?: number;
}

async function run(contender: string, n: number, dims: number, seed: number): Promise<RunResult> {
  const rows = benchRows(n, dims, seed);
  const base = { contender, points: n, dims };
  let xy: Float32Array;
  let knn: Knn | undefined;
  const out: Partial<RunResult> = {};
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  if (contender.startsWith('mlens')) {
    const threads = contender === 'mlens-1thread' || contender === 'mlens-mathpow' ? 1 : 2;
    const r = computeLayout(rows, dims, { method: 'umap', nNeighbors: 15, minDist: 0.1, nEpochs: EPOCHS, seed: 42, exactPow: contender === 'mlens-mathpow', threads });
    out.threads = r.threads;
    out.epochsSeconds = r.seconds.epochs;
    xy = r.xy;
    out.firstViewSeconds = r.seconds.pca;
    out.knnSeconds = r.seconds.knn;
    out.knnRecall = r.knn?.recall;
    out.notes = `kNN ${r.knn?.method}; seconds: pca ${r.seconds.pca.toFixed(2)}, knn ${r.seconds.knn.toFixed(2)}, graph ${r.seconds.graph.toFixed(2)}, epochs ${r.seconds.epochs.toFixed(2)}`;
  } else if (contender === 'umap-js') {
    const { UMAP } = await import('umap-js');
    const input: number[][] = new Array(n);
    for (let i = 0; i < n; i++) input[i] = Array.from(rows.subarray(i * dims, (i + 1) * dims));
    const u = new UMAP({ nNeighbors: 15, minDist: 0.1, nEpochs: EPOCHS, random: mulberry32(42) });
    const emb = u.fit(input);
    xy = Float32Array.from(emb.flat());
    const ki = (u as unknown as { knnIndices: number[][] }).knnIndices;
    if (ki) knn = { k: ki[0].length, indices: Int32Array.from(ki.flat()), distances: new Float32Array(0) };
  } else if (contender === 'atlas') {
    const dir = process.env.MLENS_ATLAS_DIR;
    const file = dir ? join(dir, 'embedding-atlas', 'dist', 'umap.js') : '';
    if (!dir || !existsSync(file)) return { ...base, totalSeconds: 0, peakRssMiB: 0, skipped: `not installed (set MLENS_ATLAS_DIR to a node_modules folder holding embedding-atlas; looked for ${file || 'nothing'})` };
    const atlas = (await import(pathToFileURL(file).href)) as {
      createUMAP(count: number, inputDim: number, outputDim: number, data: Float32Array, o: object): Promise<{ run(): Promise<void>; embedding: Float32Array; knnIndices: Int32Array; destroy(): void }>;
    };
    const u = await atlas.createUMAP(n, dims, 2, rows, { metric: 'cosine', nNeighbors: 15, minDist: 0.1, nEpochs: EPOCHS, seed: 42 });
    out.firstViewSeconds = (performance.now() - t0) / 1000;
    await u.run();
    xy = new Float32Array(u.embedding);
    knn = { k: u.knnIndices.length / n, indices: new Int32Array(u.knnIndices), distances: new Float32Array(0) };
    u.destroy();
    out.notes = 'first view = createUMAP (its kNN and spectral start); metric cosine';
  } else throw new Error(`unknown contender ${contender}`);
  const totalSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  out.cpuSeconds = +((cpu.user + cpu.system) / 1e6).toFixed(2);
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  if (knn && !out.knnRecall) out.knnRecall = knnRecall(rows, dims, knn, 100, 43);
  const trust = trustworthiness(rows, dims, xy, 15, 10_000);
  return { ...base, ...out, totalSeconds: +totalSeconds.toFixed(2), peakRssMiB, trustworthiness: trust };
}

const [contender, n, dims, seed] = process.argv.slice(2);
if (contender) {
  run(contender, Number(n), Number(dims), Number(seed ?? 1)).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e) => {
      process.stdout.write(`${JSON.stringify({ contender, points: Number(n), error: String((e as Error).message) })}\n`);
      process.exitCode = 1;
    },
  );
}
