// The built-in encoder ('baseline'): offline, no weights to download. Hand-made image features
// (image_features.ts) and hashed text features (text_features.ts) projected into one shared space
// by a two-tower head trained here on the dataset's annotated pairs (two_tower.ts).
//
// Training follows the one split policy (datasets/split_policy.ts) that every head uses: the
// dataset's train split when it has one; without one, a seeded 80/10/10 split by image (said in the
// encode result's problems), so val/test stay held out and their metrics mean something; a set of
// fewer than 20 images trains on everything.
import { createHash } from 'node:crypto';
import type { Dataset } from '../../datasets/dataset.js';
import { makeResolver } from '../../datasets/paths.js';
import type { Problem } from '../../../../shared/dataset.js';
import { PROBLEM_LIST_CAP } from '../../datasets/problems.js';
import { initBackend } from '../../tensor/backend.js';
import type { EncodeContext, Encoder, EncoderOutput } from '../encoder.js';
import { ROLE_TRAIN, SPLIT_NOTE_FILE, splitPolicy } from '../../datasets/split_policy.js';
import { ImageDecodeError } from '../image_decode.js';
import { decodeAnyImage } from '../image_decode_any.js';
import { readImageBytes } from '../../datasets/tar_member.js';
import { DEFAULT_IMAGE_FEATURES, IMAGE_FEATURES_VERSION, imageFeatureDims, imageFeatures, type ImageFeatureParams } from './image_features.js';
import { DEFAULT_TEXT_FEATURES, TEXT_FEATURES_VERSION, fitTextFeatures, textFeatures, type TextFeatureParams } from './text_features.js';
import { DEFAULT_TWO_TOWER, TwoTower, type TwoTowerParams } from './two_tower.js';

/** Bumped when the head or its training changes in a way that changes outputs. */
export const BASELINE_VERSION = 1;

export interface BaselineParams extends TwoTowerParams, ImageFeatureParams, Pick<TextFeatureParams, 'buckets'> {
  /** 'auto': the 'train' split when there is one besides others, else all pairs; 'all'; or a split name. */
  trainSplit: string;
}

export const DEFAULT_BASELINE: BaselineParams = {
  ...DEFAULT_TWO_TOWER,
  ...DEFAULT_IMAGE_FEATURES,
  buckets: DEFAULT_TEXT_FEATURES.buckets,
  trainSplit: 'auto',
};

const NUMERIC: ReadonlyArray<keyof BaselineParams> = ['dims', 'hidden', 'steps', 'minEpochs', 'maxEpochs', 'batch', 'lr', 'weightDecay', 'temperature', 'seed', 'size', 'grid', 'buckets', 'textDropout'];
const INTEGER = new Set<keyof BaselineParams>(['dims', 'hidden', 'steps', 'minEpochs', 'maxEpochs', 'batch', 'seed', 'size', 'grid', 'buckets']);

/** Validates and completes baseline parameters (from the spec 'baseline:dims=128,seed=3'). */
export function baselineParams(given: Record<string, string | number> = {}): BaselineParams {
  const p: BaselineParams = { ...DEFAULT_BASELINE };
  for (const [k, raw] of Object.entries(given)) {
    if (k === 'trainSplit') {
      p.trainSplit = String(raw);
      continue;
    }
    if (!NUMERIC.includes(k as keyof BaselineParams)) throw new Error(`baseline: unknown parameter ${k} (known: ${[...NUMERIC, 'trainSplit'].join(', ')})`);
    const v = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isFinite(v) || v < 0 || (INTEGER.has(k as keyof BaselineParams) && !Number.isInteger(v))) throw new Error(`baseline: ${k}=${raw} is not a valid ${INTEGER.has(k as keyof BaselineParams) ? 'non-negative integer' : 'non-negative number'}`);
    (p as unknown as Record<string, number>)[k] = v;
  }
  if (p.dims < 2 || p.hidden < 1 || p.batch < 2 || p.size < 8 || p.grid < 1 || p.grid > p.size || p.buckets < 16) throw new Error('baseline: dims ≥ 2, hidden ≥ 1, batch ≥ 2, size ≥ 8, 1 ≤ grid ≤ size, buckets ≥ 16');
  if (p.temperature <= 0) throw new Error('baseline: temperature must be > 0');
  if (p.textDropout >= 1) throw new Error(`baseline: textDropout=${p.textDropout} must be below 1 (the probability of dropping each caption feature in a training step; 0 turns it off)`);
  return p;
}

/** Which captions train the head: indices into dataset.captions. */
export function trainingCaptions(ds: Pick<Dataset, 'captions' | 'images'>, trainSplit: string): { captions: number[]; split: string; note: string | null } {
  const all = ds.captions.map((_, i) => i);
  if (trainSplit === 'all') return { captions: all, split: 'all', note: 'trainSplit=all: the head trains on every split, test included' };
  if (trainSplit === 'auto') {
    // The one split policy that every head uses too (datasets/split_policy.ts).
    const policy = splitPolicy(ds);
    const inTrain = all.filter((i) => policy.roles[ds.captions[i].imageIndex] === ROLE_TRAIN);
    if (policy.source === 'all' || inTrain.length < 2) return { captions: all, split: 'all', note: policy.note };
    return { captions: inTrain, split: policy.source === 'derived' ? 'derived-train' : 'train', note: policy.note };
  }
  const chosen = all.filter((i) => ds.captions[i].split === trainSplit);
  if (chosen.length < 2) throw new Error(`baseline: split '${trainSplit}' has ${chosen.length} annotated pairs; at least 2 are needed`);
  return { captions: chosen, split: trainSplit, note: null };
}

function featureNamespace(p: ImageFeatureParams): string {
  return `baseline-image-v${IMAGE_FEATURES_VERSION}-s${p.size}-g${p.grid}`;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export class BaselineEncoder implements Encoder {
  readonly id = 'baseline';
  readonly params: Record<string, unknown>;
  readonly p: BaselineParams;
  readonly usesTensors = true;
  readonly settingsLabel: string;

  constructor(params: Partial<BaselineParams> | Record<string, string | number> = {}) {
    this.p = baselineParams(params as Record<string, string | number>);
    this.params = { ...this.p };
    // Off is the encoder as it was before the option existed: same parameters, same space id.
    if (this.p.textDropout === 0) delete this.params.textDropout;
    const changed = (Object.keys(DEFAULT_BASELINE) as Array<keyof BaselineParams>).filter((k) => k !== 'dims' && this.p[k] !== DEFAULT_BASELINE[k]);
    this.settingsLabel = changed.map((k) => `${k}=${this.p[k]}`).join(',');
  }

  async weightsHash(): Promise<string> {
    // No weights: the code version of every stage stands in for them.
    return createHash('sha256').update(`baseline:${BASELINE_VERSION}:image:${IMAGE_FEATURES_VERSION}:text:${TEXT_FEATURES_VERSION}`).digest('hex').slice(0, 16);
  }

  estimateBytes(ds: Dataset): number {
    const nI = ds.images.length;
    const nC = ds.captions.length;
    const Fi = imageFeatureDims(this.p);
    const features = nI * Fi * 4 * 2; // raw + cache copy
    const text = nC * 120 * 12; // ~120 non-zeros per caption × (index, value, offsets)
    const out = (nI + nC) * this.p.dims * 4 * 2;
    const head = (Fi * this.p.hidden + this.p.hidden * this.p.dims + this.p.buckets * this.p.dims) * 4 * 4; // weights, grads, Adam moments
    const batch = this.p.batch * (Fi + this.p.hidden + this.p.batch + 2048) * 4 * 8;
    const decode = 64 * 2 ** 20; // one decoded image and the tfjs runtime's working set
    return features + text + out + head + batch + decode;
  }

  async encode(ctx: EncodeContext): Promise<EncoderOutput> {
    const ds = ctx.dataset;
    const p = this.p;
    const progress = (phase: string, done: number, total: number): void => ctx.onProgress?.({ phase, done, total });
    const backend = ctx.backend ?? (await initBackend()).name;
    const nI = ds.images.length;
    const nC = ds.captions.length;
    // Listed up to PROBLEM_LIST_CAP, then one line with the count (100k broken files stay readable).
    const skipped: Problem[] = [];
    let unlisted = 0;
    const skip = (p: Problem): void => {
      if (skipped.length < PROBLEM_LIST_CAP) skipped.push(p);
      else unlisted++;
    };

    // 1. Image features (per-item cache keyed by the file's content hash).
    const Fi = imageFeatureDims(p);
    const X = new Float32Array(nI * Fi);
    const valid = new Uint8Array(nI);
    const cache = ctx.featureCache?.(featureNamespace(p));
    const resolve = makeResolver(ds.root);
    let encoded = 0;
    let fromCache = 0;
    progress('images', 0, nI);
    for (let i = 0; i < nI; i++) {
      const img = ds.images[i];
      const key = ctx.imageHashes?.[i] ?? null;
      const hit = key && cache ? cache.get(key, Fi) : undefined;
      if (hit) {
        X.set(hit, i * Fi);
        valid[i] = 1;
        fromCache++;
      } else if (img.missing) {
        skip({ severity: 'error', file: img.path, message: 'image file is missing; its row is zero' });
      } else {
        try {
          const bytes = await readImageBytes(resolve, img.path);
          if (!bytes) throw new ImageDecodeError(img.path, 'cannot be read (ENOENT)');
          const decoded = await decodeAnyImage(bytes, img.path);
          imageFeatures(decoded, p, X, i * Fi);
          valid[i] = 1;
          encoded++;
          if (key && cache) cache.put(key, X.subarray(i * Fi, (i + 1) * Fi));
        } catch (e) {
          const message = e instanceof ImageDecodeError ? e.message.slice(img.path.length + 2) : (e as Error).message;
          skip({ severity: 'error', file: img.path, message: `${message}; skipped, its row is zero` });
        }
      }
      if (i % 32 === 31) {
        progress('images', i + 1, nI);
        await tick();
        ctx.signal?.throwIfAborted();
      }
    }
    progress('images', nI, nI);
    standardize(X, Fi, valid);

    // 2. Text features.
    progress('captions', 0, nC);
    const texts = ds.captions.map((c) => c.text);
    const vocab = fitTextFeatures(texts, { ...DEFAULT_TEXT_FEATURES, buckets: p.buckets });
    const T = textFeatures(texts, vocab);
    progress('captions', nC, nC);
    ctx.signal?.throwIfAborted();

    // 3. Train the head on annotated pairs whose image could be read.
    const { captions: trainCaps, split, note: splitNote } = trainingCaptions(ds, p.trainSplit);
    if (splitNote && split === 'derived-train') skipped.push({ severity: 'warning', file: SPLIT_NOTE_FILE, message: `built-in encoder: ${splitNote}` });
    const usable = trainCaps.filter((c) => valid[ds.captions[c].imageIndex]);
    const head = new TwoTower(Fi, p.buckets, p);
    try {
      const epochs = head.epochsFor(usable.length);
      progress('train', 0, epochs);
      const reports = await head.train(
        { image: X, imageDims: Fi, text: T, captions: Int32Array.from(usable), images: Int32Array.from(usable, (c) => ds.captions[c].imageIndex) },
        { onEpoch: (r) => progress('train', r.epoch, r.epochs), signal: ctx.signal },
      );

      // 4. Embed every item.
      progress('embed', 0, nI + nC);
      const image = await head.embedImages(X, nI, 1024, (d) => progress('embed', d, nI + nC));
      const text = await head.embedTexts(T, 1024, (d) => progress('embed', nI + d, nI + nC));
      for (let i = 0; i < nI; i++) if (!valid[i]) image.fill(0, i * p.dims, (i + 1) * p.dims);
      const last = reports[reports.length - 1];
      return {
        dims: p.dims,
        image,
        text,
        normalized: true,
        skipped: unlisted ? [...skipped, { severity: 'error', file: 'images', message: `${skipped.length + unlisted} images skipped in all; the first ${skipped.length} are listed, ${unlisted} more not shown` }] : skipped,
        backend,
        stats: {
          imagesEncoded: encoded,
          imagesFromCache: fromCache,
          imagesSkipped: nI - encoded - fromCache,
          trainPairs: usable.length,
          trainOnAllSplits: split === 'all' ? 1 : 0,
          epochs: reports.length,
          finalLoss: last ? Math.round(last.loss * 1e4) / 1e4 : 0,
          temperature: last ? Math.round(last.temperature * 1e4) / 1e4 : p.temperature,
          secondsPerEpoch: reports.length ? Math.round((reports.reduce((a, r) => a + r.seconds, 0) / reports.length) * 1e3) / 1e3 : 0,
        },
      };
    } finally {
      head.dispose();
    }
  }
}

/** Standardises columns in place over the valid rows ((x − mean) / max(sd, 0.01)); invalid rows → 0. */
export function standardize(X: Float32Array, dims: number, valid: Uint8Array): void {
  const n = valid.length;
  let count = 0;
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    if (!valid[i]) continue;
    count++;
    for (let d = 0; d < dims; d++) {
      const v = X[i * dims + d];
      mean[d] += v;
      sq[d] += v * v;
    }
  }
  for (let d = 0; d < dims; d++) {
    mean[d] = count ? mean[d] / count : 0;
    sq[d] = 1 / Math.max(Math.sqrt(Math.max(0, (count ? sq[d] / count : 0) - mean[d] * mean[d])), 1e-2);
  }
  for (let i = 0; i < n; i++) {
    const o = i * dims;
    if (!valid[i]) {
      X.fill(0, o, o + dims);
      continue;
    }
    for (let d = 0; d < dims; d++) X[o + d] = (X[o + d] - mean[d]) * sq[d];
  }
}
