// Training batches of every head: pair or conditional anchors and their B×B label matrices.
import type { Rng } from '../sample/rng.js';
import type { Batch } from './config.js';
import { csrHas, csrRow, csrTranspose, type Csr } from './csr.js';
import { gatherRows, roleItems, ROLE_TRAIN, type TrainInput } from './data.js';

export type Positives = 'annotated' | 'extra';

export interface Task {
  stepsPerEpoch: number;
  batchSize: number;
  /** Anchors of one epoch: image, caption and condition (or -1) per row, B rows per step. */
  epoch(rng: Rng): Array<{ image: Int32Array; caption: Int32Array; cond: Int32Array | null }>;
  label(image: number, caption: number, cond: number): boolean;
}

function chunk(images: number[], captions: number[], conds: number[] | null, B: number): Array<{ image: Int32Array; caption: Int32Array; cond: Int32Array | null }> {
  const out = [];
  const full = images.length >= B ? Math.floor(images.length / B) * B : images.length;
  for (let s = 0; s < full; s += B) {
    const e = Math.min(s + B, full);
    out.push({ image: Int32Array.from(images.slice(s, e)), caption: Int32Array.from(captions.slice(s, e)), cond: conds ? Int32Array.from(conds.slice(s, e)) : null });
  }
  return out;
}

/**
 * Pair batches (PCME++, alignment, multi-positive): anchors are training pairs; the label of
 * (image i, caption j) is 1 when j is annotated to i or (with extra positives) listed for i.
 */
export function pairTask(input: TrainInput, positives: Positives, B: number): Task {
  const { captions } = roleItems(input, ROLE_TRAIN);
  if (captions.length < 2) throw new Error(`too few training captions (${captions.length}) to train a head`);
  const isTrain = (i: number): boolean => input.imageRole[i] === ROLE_TRAIN;
  const anchorImages: number[] = [];
  const anchorCaptions: number[] = [];
  for (const c of captions) {
    anchorImages.push(input.captionImage[c]);
    anchorCaptions.push(c);
  }
  const extra = positives === 'extra' ? input.extraPositives : null;
  if (positives === 'extra' && !extra) throw new Error('multi-positive training needs extra positives');
  if (extra) {
    for (const c of captions) {
      for (const i of csrRow(extra, c)) {
        if (isTrain(i) && i !== input.captionImage[c]) {
          anchorImages.push(i);
          anchorCaptions.push(c);
        }
      }
    }
  }
  const epochSize = captions.length;
  const bs = Math.min(B, epochSize);
  return {
    batchSize: bs,
    stepsPerEpoch: Math.floor(epochSize / bs),
    epoch(rng) {
      const order = rng.shuffle(Array.from({ length: anchorImages.length }, (_, k) => k)).slice(0, epochSize);
      return chunk(
        order.map((k) => anchorImages[k]),
        order.map((k) => anchorCaptions[k]),
        null,
        bs,
      );
    },
    label(i, c) {
      return input.captionImage[c] === i || (extra !== null && csrHas(extra, c, i));
    },
  };
}

/**
 * Conditional batches (SCIENCE §5): each anchor is a training image with a random condition under
 * which it has a valid training caption, and one such caption; labels follow that condition.
 */
export function condTask(input: TrainInput, B: number): Task {
  const cond = input.conditions;
  if (!cond || cond.names.length === 0) throw new Error('the conditional head needs conditions');
  const { images, captions } = roleItems(input, ROLE_TRAIN);
  const trainCaption = new Uint8Array(input.nCaptions);
  for (const c of captions) trainCaption[c] = 1;
  // image → valid training captions, per condition
  const byImage: Csr[] = cond.positives.map((p) => csrTranspose(restrictRows(p, trainCaption), input.nImages));
  const usable: Array<{ image: number; conds: number[] }> = [];
  for (const i of images) {
    const cs: number[] = [];
    byImage.forEach((m, k) => m.offsets[i + 1] > m.offsets[i] && cs.push(k));
    if (cs.length) usable.push({ image: i, conds: cs });
  }
  if (usable.length < 2) throw new Error('too few training images with a caption under any condition');
  const epochSize = Math.max(captions.length, usable.length);
  const bs = Math.min(B, epochSize);
  return {
    batchSize: bs,
    stepsPerEpoch: Math.floor(epochSize / bs),
    epoch(rng) {
      const imgs: number[] = [];
      const caps: number[] = [];
      const cs: number[] = [];
      let order = rng.shuffle(usable.slice());
      let k = 0;
      while (imgs.length < epochSize) {
        if (k === order.length) {
          order = rng.shuffle(order);
          k = 0;
        }
        const u = order[k++];
        const c = u.conds[rng.int(u.conds.length)];
        const row = csrRow(byImage[c], u.image);
        imgs.push(u.image);
        caps.push(row[rng.int(row.length)]);
        cs.push(c);
      }
      return chunk(imgs, caps, cs, bs);
    },
    label(i, c, k) {
      return csrHas(cond.positives[k], c, i);
    },
  };
}

function restrictRows(m: Csr, keep: Uint8Array): Csr {
  const n = m.offsets.length - 1;
  const offsets = new Int32Array(n + 1);
  const items: number[] = [];
  for (let r = 0; r < n; r++) {
    if (keep[r]) for (let k = m.offsets[r]; k < m.offsets[r + 1]; k++) items.push(m.items[k]);
    offsets[r + 1] = items.length;
  }
  return { offsets, items: Int32Array.from(items) };
}

export function makeBatch(input: TrainInput, task: Task, a: { image: Int32Array; caption: Int32Array; cond: Int32Array | null }, rng?: { int(n: number): number }): Batch {
  const B = a.image.length;
  const gen = input.generalCaptions;
  let general: Float32Array | undefined;
  let generalMask: Float32Array | undefined;
  if (gen) {
    // One more general caption per caption row, at random among its list (inclusion loss).
    const pick = new Int32Array(B);
    generalMask = new Float32Array(B);
    for (let j = 0; j < B; j++) {
      const row = csrRow(gen, a.caption[j]);
      if (row.length) {
        pick[j] = row[rng ? rng.int(row.length) : 0];
        generalMask[j] = 1;
      } else pick[j] = a.caption[j];
    }
    general = gatherRows(input.textFeatures, input.textDims, pick);
  }
  const labels = new Float32Array(B * B);
  for (let i = 0; i < B; i++) {
    const k = a.cond ? a.cond[i] : -1;
    for (let j = 0; j < B; j++) if (i === j || task.label(a.image[i], a.caption[j], k)) labels[i * B + j] = 1;
  }
  return {
    image: gatherRows(input.imageFeatures, input.imageDims, a.image),
    text: gatherRows(input.textFeatures, input.textDims, a.caption),
    cond: a.cond,
    labels,
    size: B,
    ...(general ? { general, generalMask } : {}),
  };
}

/**
 * Mixed-sample augmentation on frozen features (SCIENCE §2.5, on features instead of pixels): a
 * share `ratio` of the image rows, chosen at random, becomes λ·x_i + (1 − λ)·x_{B−1−i} with
 * λ ~ Beta(2, 2), and its label row the same mix of the two rows (soft targets for the BCE).
 * Captions are untouched. Returns a new batch; `rng.next()` is uniform on [0, 1).
 */
export function mixBatch(batch: Batch, imageDims: number, ratio: number, rng: { next(): number }): Batch {
  const B = batch.size;
  const nMix = Math.round(Math.min(1, Math.max(0, ratio)) * B);
  if (nMix === 0 || B < 2) return batch;
  const image = Float32Array.from(batch.image);
  const labels = Float32Array.from(batch.labels);
  const rows = Int32Array.from({ length: B }, (_, i) => i);
  for (let k = 0; k < nMix; k++) {
    const r = k + Math.floor(rng.next() * (B - k));
    const t = rows[k];
    rows[k] = rows[r];
    rows[r] = t;
  }
  for (let k = 0; k < nMix; k++) {
    const i = rows[k];
    const j = B - 1 - i;
    if (j === i) continue;
    // Beta(2, 2) is the median of three uniforms.
    const u = [rng.next(), rng.next(), rng.next()].sort((a, b) => a - b);
    const lam = u[1];
    for (let d = 0; d < imageDims; d++) image[i * imageDims + d] = lam * batch.image[i * imageDims + d] + (1 - lam) * batch.image[j * imageDims + d];
    for (let c = 0; c < B; c++) labels[i * B + c] = Math.min(1, lam * batch.labels[i * B + c] + (1 - lam) * batch.labels[j * B + c]);
  }
  return { ...batch, image, labels };
}
