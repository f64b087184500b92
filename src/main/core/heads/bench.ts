// Head-training benchmark (`benchHeads`): time per epoch and peak memory at 5,000 and 25,000
// pairs on each available backend (wasm, cpu, and tensorflow when installed). Every measurement
// runs in its own child process (the built training worker, `--bench`), so peak RSS is that run's
// alone and a backend's state never leaks into the next.
import { spawnSync } from 'node:child_process';
import { workerPath } from '../jobs/worker_path.js';
import { Rng } from '../sample/rng.js';
import { csrFromLists } from './csr.js';
import { normalizeRowsInPlace } from './model.js';
import { ROLE_TRAIN, ROLE_VAL, type TrainInput } from './data.js';
import type { HeadSpec } from './train.js';

export interface HeadBenchCase {
  backend: string;
  pairs: number;
  head: 'pcme' | 'cond' | 'align';
  inDims: number;
  dims: number;
  batchSize: number;
  epochs: number;
}

export interface HeadBenchResult extends HeadBenchCase {
  ok: boolean;
  error?: string;
  /** Mean seconds per epoch (training steps plus the validation pass). */
  secondsPerEpoch?: number;
  stepsPerEpoch?: number;
  msPerStep?: number;
  /** Peak resident set size of the child process. */
  peakRssMB?: number;
  /** Peak bytes held in tensors during one training step (tf.profile of loss + gradients). */
  peakTensorMB?: number;
  backendUsed?: string;
}

/** Synthetic training input: nPairs captions, 5 per image, clustered Gaussian features. */
export function syntheticInput(nPairs: number, inDims: number, seed = 0): TrainInput {
  const rng = new Rng(seed, 'bench-input');
  const nImages = Math.max(2, Math.round(nPairs / 5));
  const image = new Float32Array(nImages * inDims);
  for (let i = 0; i < image.length; i++) image[i] = rng.normal();
  const text = new Float32Array(nPairs * inDims);
  const captionImage = new Int32Array(nPairs);
  for (let c = 0; c < nPairs; c++) {
    const i = c % nImages;
    captionImage[c] = i;
    for (let d = 0; d < inDims; d++) text[c * inDims + d] = image[i * inDims + d] + 0.8 * rng.normal();
  }
  const imageRole = new Int8Array(nImages);
  for (let i = 0; i < nImages; i++) imageRole[i] = i % 10 === 0 ? ROLE_VAL : ROLE_TRAIN;
  return {
    nImages,
    nCaptions: nPairs,
    imageDims: inDims,
    textDims: inDims,
    imageFeatures: normalizeRowsInPlace(image, inDims),
    textFeatures: normalizeRowsInPlace(text, inDims),
    captionImage,
    imageRole,
    evalPositives: csrFromLists(Array.from(captionImage, (i) => [i])),
    evalIsTruth: false,
    extraPositives: null,
    conditions: null,
  };
}

/** Runs one case in this process (the child side of benchHeads). */
export async function benchChild(c: HeadBenchCase): Promise<HeadBenchResult> {
  const { initBackend, tf } = await import('./tf.js');
  const { executeTrain } = await import('./train_job.js');
  const info = await initBackend({ force: c.backend });
  const input = syntheticInput(c.pairs, c.inDims);
  let peakTensor = 0;
  const spec: HeadSpec = {
    head: c.head,
    positives: 'annotated',
    config: { dims: c.dims, probabilistic: c.head === 'pcme', ppAlpha: c.head === 'pcme' ? 0.1 : 0, vibBeta: c.head === 'pcme' ? 1e-4 : 0 },
    // PCME++ as it trains by default: mean towers at lr × 0.1 (two optimisers over one gradient pass).
    train: { epochs: c.epochs, batchSize: c.batchSize, patience: 0, meanLrScale: c.head === 'pcme' ? 0.1 : 1 },
  };
  const r = await executeTrain({ input, spec }, {});
  // One step's tensor peak, profiled on a fresh head of the same configuration.
  {
    const { Head } = await import('./model.js');
    const { gatherRows } = await import('./data.js');
    const head = new Head(r.config);
    const B = Math.min(c.batchSize, c.pairs);
    const idx = Int32Array.from({ length: B }, (_, k) => k);
    const labels = new Float32Array(B * B);
    for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) if (input.captionImage[i] === input.captionImage[j]) labels[i * B + j] = 1;
    const batch = { image: gatherRows(input.imageFeatures, c.inDims, Array.from(idx, (k) => input.captionImage[k])), text: gatherRows(input.textFeatures, c.inDims, idx), cond: null, labels, size: B };
    const info = await tf.profile(() => {
      const g = tf.variableGrads(() => head.loss(batch));
      g.value.dispose();
      Object.values(g.grads).forEach((t) => t.dispose());
    });
    peakTensor = info.peakBytes;
    head.dispose();
  }
  const curves = r.result.curves;
  const secondsPerEpoch = curves.reduce((s, e) => s + e.seconds, 0) / curves.length;
  const steps = r.result.steps / curves.length;
  return {
    ...c,
    ok: true,
    secondsPerEpoch,
    stepsPerEpoch: steps,
    msPerStep: (r.result.seconds * 1000) / Math.max(1, r.result.steps),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    peakTensorMB: peakTensor / 2 ** 20,
    backendUsed: info.name,
  };
}

export interface BenchHeadsOptions {
  backends?: string[];
  pairs?: number[];
  head?: HeadBenchCase['head'];
  inDims?: number;
  dims?: number;
  batchSize?: number;
  epochs?: number;
  /** Seconds per case before the child is killed. */
  timeoutS?: number;
  log?: (line: string) => void;
}

/** Time per epoch and peak memory per backend and size, each case in a separate process. */
export function benchHeads(opts: BenchHeadsOptions = {}): HeadBenchResult[] {
  const file = workerPath('train');
  const out: HeadBenchResult[] = [];
  for (const backend of opts.backends ?? ['wasm', 'cpu']) {
    for (const pairs of opts.pairs ?? [5000, 25000]) {
      const c: HeadBenchCase = {
        backend,
        pairs,
        head: opts.head ?? 'pcme',
        inDims: opts.inDims ?? 512,
        dims: opts.dims ?? 128,
        batchSize: opts.batchSize ?? ((opts.head ?? 'pcme') === 'pcme' ? 512 : 128),
        epochs: opts.epochs ?? 2,
      };
      const r = spawnSync(process.execPath, [file, '--bench', JSON.stringify(c)], { encoding: 'utf8', timeout: (opts.timeoutS ?? 900) * 1000, maxBuffer: 1 << 24 });
      const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
      let res: HeadBenchResult;
      if (r.status === 0 && line) res = JSON.parse(line) as HeadBenchResult;
      else res = { ...c, ok: false, error: r.error?.message ?? (r.stderr || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ') };
      opts.log?.(
        res.ok
          ? `heads ${c.head} ${backend} ${pairs} pairs: ${res.secondsPerEpoch!.toFixed(2)} s/epoch (${res.msPerStep!.toFixed(1)} ms/step), peak RSS ${res.peakRssMB!.toFixed(0)} MB, tensors ${res.peakTensorMB!.toFixed(1)} MB`
          : `heads ${c.head} ${backend} ${pairs} pairs: failed: ${res.error}`,
      );
      out.push(res);
    }
  }
  return out;
}
