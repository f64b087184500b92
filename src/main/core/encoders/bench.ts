// `npm run bench encoders`: the built-in encoder on the sample dataset at 1,000 and 5,000 images,
// each tensor backend side by side. tfjs picks its backend once per thread, so every (size,
// backend) runs in its own worker thread (the encode worker's `bench`); peak memory is the
// largest resident set seen while it runs. Not run by tests.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { openDataset } from '../datasets/open.js';
import { workerClient } from '../jobs/worker_rpc.js';
import type { EncodeWorker } from '../../workers/encode.worker.js';
import { generateSample } from '../sample/generate.js';
import { initBackend } from '../tensor/backend.js';
import { benchMatMul, type MatMulFigure } from '../tensor/matmul_bench.js';
import { baselineParams, standardize, trainingCaptions } from './baseline/baseline_encoder.js';
import { imageFeatureDims, imageFeatures } from './baseline/image_features.js';
import { DEFAULT_TEXT_FEATURES, fitTextFeatures, textFeatures } from './baseline/text_features.js';
import { TwoTower } from './baseline/two_tower.js';
import { decodeImageFile } from './image_decode.js';

export interface BaselineBenchFigures {
  backend: string;
  images: number;
  captions: number;
  /** Decode + features + image tower, per second. */
  imagesPerSecond: number;
  /** Text features + text tower, per second. */
  captionsPerSecond: number;
  /** Head training: seconds per epoch over the training pairs (mean of the epochs run). */
  secondsPerEpoch: number;
  trainPairs: number;
  epochsTimed: number;
  /** Largest resident set seen (MiB; the whole process). */
  peakRssMiB: number;
  matMul?: MatMulFigure[];
}

/** Runs in a worker: one backend, one dataset. */
export async function benchBaselineHere(opts: { root: string; backend: string; epochs: number; matMul: boolean }): Promise<BaselineBenchFigures> {
  let peak = process.memoryUsage().rss;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const info = await initBackend({ force: opts.backend, log: () => undefined });
  const ds = await openDataset(opts.root);
  const p = baselineParams({ steps: 1, minEpochs: opts.epochs, maxEpochs: opts.epochs });
  const nI = ds.images.length;
  const nC = ds.captions.length;
  const Fi = imageFeatureDims(p);

  let t = performance.now();
  const X = new Float32Array(nI * Fi);
  const valid = new Uint8Array(nI).fill(1);
  ds.images.forEach((im, i) => {
    imageFeatures(decodeImageFile(join(ds.root, im.path), im.path), p, X, i * Fi);
    if (i % 100 === 0) sample();
  });
  standardize(X, Fi, valid);
  const imageFeatureSeconds = (performance.now() - t) / 1000;

  t = performance.now();
  const texts = ds.captions.map((c) => c.text);
  const T = textFeatures(texts, fitTextFeatures(texts, { ...DEFAULT_TEXT_FEATURES, buckets: p.buckets }));
  const textFeatureSeconds = (performance.now() - t) / 1000;
  sample();

  const { captions } = trainingCaptions(ds, p.trainSplit);
  const head = new TwoTower(Fi, p.buckets, p);
  const reports = await head.train(
    { image: X, imageDims: Fi, text: T, captions: Int32Array.from(captions), images: Int32Array.from(captions, (c) => ds.captions[c].imageIndex) },
    { onEpoch: sample },
  );
  sample();
  t = performance.now();
  await head.embedImages(X, nI, 1024, sample);
  const imageEmbedSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await head.embedTexts(T, 1024, sample);
  const textEmbedSeconds = (performance.now() - t) / 1000;
  head.dispose();
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  const out: BaselineBenchFigures = {
    backend: info.name,
    images: nI,
    captions: nC,
    imagesPerSecond: r2(nI / (imageFeatureSeconds + imageEmbedSeconds)),
    captionsPerSecond: r2(nC / (textFeatureSeconds + textEmbedSeconds)),
    secondsPerEpoch: r2(reports.reduce((a, r) => a + r.seconds, 0) / reports.length),
    trainPairs: captions.length,
    epochsTimed: reports.length,
    peakRssMiB: Math.round(peak / 2 ** 20),
  };
  if (opts.matMul) out.matMul = await benchMatMul();
  return out;
}

function inWorker(data: { root: string; backend: string; epochs: number; matMul: boolean }): Promise<BaselineBenchFigures> {
  return workerClient<EncodeWorker>('encode').call('bench', data, { what: 'bench' });
}

export interface EncoderBenchOptions {
  sizes?: number[];
  backends?: string[];
  /** Epochs timed per run (default 2). */
  epochs?: number;
  /** Where the samples are generated (kept between runs). */
  dir?: string;
}

export async function benchEncoders(opts: EncoderBenchOptions = {}): Promise<object> {
  const sizes = opts.sizes ?? [1000, 5000];
  const backends = opts.backends ?? ['wasm', 'cpu'];
  const dir = opts.dir ?? join(tmpdir(), 'mlens-bench-encoders');
  mkdirSync(dir, { recursive: true });
  const rows: Array<BaselineBenchFigures | { backend: string; images: number; error: string }> = [];
  for (const n of sizes) {
    const root = join(dir, `sample-${n}`);
    if (!existsSync(join(root, 'captions.jsonl'))) {
      console.error(`bench encoders: generating a ${n}-image sample…`);
      await generateSample({ out: root, images: n, preset: 'A', seed: 0 });
    }
    for (const backend of backends) {
      console.error(`bench encoders: baseline, ${n} images, ${backend}…`);
      try {
        rows.push(await inWorker({ root, backend, epochs: opts.epochs ?? 2, matMul: n === sizes[0] }));
      } catch (e) {
        rows.push({ backend, images: n, error: (e as Error).message });
      }
    }
  }
  return { cpus: cpus().length, note: 'baseline encoder; images/s = decode + features + image tower; captions/s = text features + text tower; peak RSS is the whole process', rows };
}
