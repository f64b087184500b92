// Entry point: writes a complete sample dataset folder (generic format, DESIGN.md) whose full
// many-to-many truth is known (SCIENCE.md §6). Everything goes into a sibling temporary folder that
// is renamed onto `out` at the end, so a crash or an abort never leaves a half-written dataset.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeNpy } from '../io/npy.js';
import { LineWriter } from '../io/line_writer.js';
import { planCaption } from './captions.js';
import type { CaptionPlan, PrefixMemo } from './captions.js';
import { shuffleAnnotations } from './noise.js';
import { ORACLE_DIMS, ORACLE_META, OracleEncoder, captionFeatures, sceneFeatures } from './oracle_encoder.js';
import { encodePng, renderScene } from './render.js';
import { Rng } from './rng.js';
import { generateScene } from './scene.js';
import type { Scene } from './scene.js';
import { roundStat, summarise } from './stats.js';
import type { SampleStats, SplitStats } from './stats.js';
import { Gallery } from './truth.js';

export type { SampleStats } from './stats.js';

export type SamplePreset = 'A' | 'B' | 'C';

export interface SampleProgress {
  phase: 'scenes' | 'captions' | 'write' | 'render' | 'embeddings' | 'finish';
  done: number;
  total: number;
}

export interface SampleOptions {
  /** The dataset folder to create (replaced when it holds a previous sample). */
  out: string;
  /** 100..50000, default 1000. */
  images?: number;
  /** A: 5 captions per image, λ 1.07; B: 2 per image, λ 1.10; C: 5 per image, λ 0.42 (SCIENCE.md §6.4). */
  preset?: SamplePreset;
  seed?: number;
  /** Share of annotated pairs shuffled within their split, 0..1 (default 0). */
  noise?: number;
  size?: 128 | 224;
  onProgress?: (p: SampleProgress) => void;
  signal?: AbortSignal;
  /** Tests of the statistics only: skip drawing the PNGs (images/ stays empty). Default true. */
  renderImages?: boolean;
}

export const PRESETS: Readonly<Record<SamplePreset, { captionsPerImage: number; scale: number }>> = {
  A: { captionsPerImage: 5, scale: 1.07 },
  B: { captionsPerImage: 2, scale: 1.1 },
  C: { captionsPerImage: 5, scale: 0.42 },
};

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

const GENERATOR = 'multiplicity-lens-sample';

/** Split sizes: 10 % val and 10 % test by image, the rest train; contiguous blocks of images. */
export function splitSizes(images: number): Record<SplitName, number> {
  const val = Math.round(images * 0.1);
  const test = Math.round(images * 0.1);
  return { train: images - val - test, val, test };
}

interface CaptionRecord {
  sourceSlot: number;
  j: number;
  split: SplitName;
  plan: CaptionPlan;
  /** First slot of the caption's split (truth is local to the split). */
  splitStart: number;
}

function validate(opts: SampleOptions): Required<Omit<SampleOptions, 'onProgress' | 'signal'>> {
  const images = opts.images ?? 1000;
  if (!Number.isInteger(images) || images < 100 || images > 50000) throw new RangeError(`images must be an integer in 100..50000 (got ${images})`);
  const preset = opts.preset ?? 'A';
  if (!(preset in PRESETS)) throw new RangeError(`preset must be A, B or C (got ${String(preset)})`);
  const seed = opts.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer (got ${seed})`);
  const noise = opts.noise ?? 0;
  if (!(noise >= 0 && noise <= 1)) throw new RangeError(`noise must be in 0..1 (got ${noise})`);
  const size = opts.size ?? 128;
  if (size !== 128 && size !== 224) throw new RangeError(`size must be 128 or 224 (got ${String(size)})`);
  if (!opts.out) throw new RangeError('out is required');
  return { out: resolve(opts.out), images, preset, seed, noise, size, renderImages: opts.renderImages ?? true };
}

/** True when dir is absent, empty, or a sample this generator wrote (safe to replace). */
function replaceable(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!statSync(dir).isDirectory()) return false;
  const entries = readdirSync(dir);
  if (entries.length === 0) return true;
  try {
    const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as { generator?: unknown };
    return stats.generator === GENERATOR;
  } catch {
    return false;
  }
}

function pad(i: number, width: number): string {
  return String(i).padStart(width, '0');
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function generateSample(options: SampleOptions): Promise<SampleStats> {
  const opts = validate(options);
  const { out, images: N, preset, seed, noise, size } = opts;
  const { captionsPerImage: K, scale } = PRESETS[preset];
  const signal = options.signal;
  const progress = (phase: SampleProgress['phase'], done: number, total: number): void => options.onProgress?.({ phase, done, total });
  if (!replaceable(out)) throw new Error(`${out} exists and is not a sample dataset folder; refusing to replace it`);
  signal?.throwIfAborted();

  const tmp = join(dirname(out), `.${basename(out)}.partial-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const stats = await build(tmp, { N, preset, seed, noise, size, K, scale, render: opts.renderImages }, progress, signal);
    signal?.throwIfAborted();
    progress('finish', 0, 1);
    let old: string | null = null;
    if (existsSync(out)) {
      old = join(dirname(out), `.${basename(out)}.old-${process.pid}-${Date.now().toString(36)}`);
      renameSync(out, old);
    }
    renameSync(tmp, out);
    if (old) rmSync(old, { recursive: true, force: true });
    progress('finish', 1, 1);
    return stats;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

interface BuildParams {
  N: number;
  preset: SamplePreset;
  seed: number;
  noise: number;
  size: 128 | 224;
  K: number;
  scale: number;
  render: boolean;
}

async function build(
  dir: string,
  p: BuildParams,
  progress: (phase: SampleProgress['phase'], done: number, total: number) => void,
  signal: AbortSignal | undefined,
): Promise<SampleStats> {
  const { N, K, seed } = p;
  const width = Math.max(6, String(N - 1).length);
  const file = (image: number): string => `images/${pad(image, width)}.png`;

  // Scenes, one per slot; slots form contiguous split blocks.
  progress('scenes', 0, N);
  const sceneRng = new Rng(seed, 'scenes');
  const scenes: Scene[] = [];
  for (let s = 0; s < N; s++) scenes.push(generateScene(sceneRng, p.size));
  const sizes = splitSizes(N);
  const splitOfSlot: SplitName[] = [];
  const blocks: Array<{ split: SplitName; start: number; end: number }> = [];
  let start = 0;
  for (const split of SPLITS) {
    blocks.push({ split, start, end: start + sizes[split] });
    for (let s = 0; s < sizes[split]; s++) splitOfSlot.push(split);
    start += sizes[split];
  }
  progress('scenes', N, N);

  // Captions with controlled multiplicity; the gallery of each caption is its split.
  progress('captions', 0, N);
  const captionRng = new Rng(seed, 'captions');
  const textRng = new Rng(seed, 'caption-text');
  const records: CaptionRecord[] = [];
  const bySplit: number[][] = [];
  let slotsDone = 0;
  for (const block of blocks) {
    const gallery = new Gallery(scenes.slice(block.start, block.end));
    const inSplit: number[] = [];
    for (let s = block.start; s < block.end; s++) {
      const memo: PrefixMemo = new Map();
      for (let j = 0; j < K; j++) {
        const plan = planCaption(scenes[s], gallery, captionRng, { scale: p.scale }, textRng, memo);
        inSplit.push(records.length);
        records.push({ sourceSlot: s, j, split: block.split, plan, splitStart: block.start });
      }
      if (++slotsDone % 100 === 0) {
        progress('captions', slotsDone, N);
        await tick();
        signal?.throwIfAborted();
      }
    }
    bySplit.push(inSplit);
  }
  progress('captions', N, N);

  // Noisy correspondence, then image numbers in order of first appearance in captions.jsonl.
  const annotated = Int32Array.from(records, (r) => r.sourceSlot);
  const noisy = shuffleAnnotations(annotated, bySplit, p.noise, new Rng(seed, 'noise'));
  const noisySet = new Set(noisy);
  const imageOfSlot = new Int32Array(N).fill(-1);
  const slotOfImage = new Int32Array(N);
  let next = 0;
  for (const slot of annotated) {
    if (imageOfSlot[slot] < 0) {
      imageOfSlot[slot] = next;
      slotOfImage[next++] = slot;
    }
  }
  if (next !== N) throw new Error(`sample generator: ${N - next} images have no annotated caption`);

  // Index files.
  const total = records.length;
  progress('write', 0, total);
  mkdirSync(join(dir, 'images'));
  mkdirSync(join(dir, 'embeddings'));
  const sceneOut = new LineWriter(join(dir, 'scenes.jsonl'));
  for (let i = 0; i < N; i++) {
    const s = slotOfImage[i];
    sceneOut.line(JSON.stringify({ image: file(i), index: i, split: splitOfSlot[s], objects: scenes[s].objects }));
  }
  sceneOut.close();
  const capOut = new LineWriter(join(dir, 'captions.jsonl'));
  const truthOut = new LineWriter(join(dir, 'truth.jsonl'));
  const truePerImage = new Int32Array(N);
  const truePerCaption = new Int32Array(total);
  const annotatedPerImage = new Int32Array(N);
  let annotatedValid = 0;
  const splitStats: Record<string, SplitStats> = {};
  for (const split of SPLITS) splitStats[split] = { images: sizes[split], captions: 0, validPairs: 0 };
  for (let c = 0; c < total; c++) {
    const r = records[c];
    const img = imageOfSlot[annotated[c]];
    const trueImg = imageOfSlot[r.sourceSlot];
    const line: Record<string, unknown> = {
      image: file(img),
      caption: r.plan.text,
      id: `${pad(trueImg, width)}-${r.j}`,
      split: r.split,
      atoms: r.plan.atoms,
      aspects: r.plan.aspects,
    };
    if (noisySet.has(c)) {
      line.noisy = true;
      line.true_image = file(trueImg);
    }
    capOut.line(JSON.stringify(line));
    const valid = Int32Array.from(r.plan.truth, (local) => imageOfSlot[r.splitStart + local]).sort();
    truthOut.line(`{"caption_index":${c},"images":[${valid.join(',')}]}`);
    for (const i of valid) truePerImage[i]++;
    truePerCaption[c] = valid.length;
    annotatedPerImage[img]++;
    if (binaryHas(valid, img)) annotatedValid++;
    splitStats[r.split].captions++;
    splitStats[r.split].validPairs += valid.length;
    if (c % 5000 === 4999) {
      progress('write', c + 1, total);
      await tick();
      signal?.throwIfAborted();
    }
  }
  capOut.close();
  truthOut.close();
  progress('write', total, total);

  // Images (the long phase).
  if (p.render) {
    progress('render', 0, N);
    for (let i = 0; i < N; i++) {
      writeFileSync(join(dir, file(i)), encodePng(renderScene(scenes[slotOfImage[i]], p.size), p.size));
      if (i % 50 === 49) {
        progress('render', i + 1, N);
        await tick();
        signal?.throwIfAborted();
      }
    }
    progress('render', N, N);
  }

  // Oracle embeddings, rows in item order.
  progress('embeddings', 0, N + total);
  const enc = new OracleEncoder(seed);
  const imageVecs = new Float32Array(N * ORACLE_DIMS);
  for (let i = 0; i < N; i++) enc.encode(sceneFeatures(scenes[slotOfImage[i]]), imageVecs, i);
  const textVecs = new Float32Array(total * ORACLE_DIMS);
  for (let c = 0; c < total; c++) {
    enc.encode(captionFeatures(records[c].plan.atoms), textVecs, c);
    if (c % 20000 === 19999) {
      progress('embeddings', N + c + 1, N + total);
      await tick();
      signal?.throwIfAborted();
    }
  }
  writeNpy(join(dir, 'embeddings', 'image.npy'), imageVecs, [N, ORACLE_DIMS]);
  writeNpy(join(dir, 'embeddings', 'text.npy'), textVecs, [total, ORACLE_DIMS]);
  writeFileSync(join(dir, 'embeddings', 'meta.json'), `${JSON.stringify(ORACLE_META, null, 2)}\n`);
  progress('embeddings', N + total, N + total);

  let validPairs = 0;
  for (const v of truePerCaption) validPairs += v;
  const stats: SampleStats = {
    generator: GENERATOR,
    version: 1,
    preset: p.preset,
    seed,
    size: p.size,
    scale: p.scale,
    noise: p.noise,
    images: N,
    captions: total,
    captionsPerImageAnnotatedTarget: K,
    annotatedPairs: total,
    validPairs,
    unannotatedValidShare: roundStat(validPairs ? (validPairs - annotatedValid) / validPairs : 0),
    imagesPerCaption: { annotated: summarise(new Int32Array(total).fill(1)), true: summarise(truePerCaption) },
    captionsPerImage: { annotated: summarise(annotatedPerImage), true: summarise(truePerImage) },
    noisyPairs: noisy.length,
    splits: splitStats,
    rendered: p.render,
  };
  writeFileSync(join(dir, 'stats.json'), `${JSON.stringify(stats, null, 2)}\n`);
  return stats;
}

function binaryHas(sorted: Int32Array, v: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === v) return true;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
