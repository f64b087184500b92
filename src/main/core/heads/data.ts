// What a head trains on, as plain transferable data (it crosses into the training worker):
// frozen features, annotated pairs, split roles, the positives that score validation, the extra
// positives of multi-positive retraining, and the per-condition positives of the conditional head.
import type { Dataset } from '../datasets/dataset.js';
import { csrFromLists, csrFromPairs, csrUnion, type Csr } from './csr.js';
import { Rng } from '../sample/rng.js';
import { normalizeRowsInPlace } from './model.js';

export { ROLE_TRAIN, ROLE_VAL, ROLE_TEST, ROLE_UNUSED } from '../datasets/split_policy.js';
import { ROLE_TEST, ROLE_TRAIN, ROLE_VAL, splitPolicy } from '../datasets/split_policy.js';
export type RoleName = 'train' | 'val' | 'test';
export const ROLE_OF: Record<RoleName, number> = { train: ROLE_TRAIN, val: ROLE_VAL, test: ROLE_TEST };

export interface ConditionPositives {
  names: string[];
  /** positives[c]: per caption, the images valid for it under condition c (empty rows: caption not about c). */
  positives: Csr[];
  /** Where the conditions come from ('sample' aspects or 'keywords'). */
  source: string;
  /** The sample's own aspects: every aspect asked for and its captions, before those without a positive are left out. */
  tagged?: { aspects: readonly string[]; counts: number[] };
}

export interface TrainInput {
  nImages: number;
  nCaptions: number;
  imageDims: number;
  textDims: number;
  /** nImages × imageDims, rows L2-normalised. */
  imageFeatures: Float32Array;
  /** nCaptions × textDims, rows L2-normalised. */
  textFeatures: Float32Array;
  /** Annotated image of each caption. */
  captionImage: Int32Array;
  /** Role per image (ROLE_*); a caption has its annotated image's role. */
  imageRole: Int8Array;
  /** Positives that score validation and test (the truth when the dataset has it). */
  evalPositives: Csr;
  /** Whether evalPositives is the complete truth. */
  evalIsTruth: boolean;
  /** Extra valid pairs to train with (multi-positive retraining), caption → images. */
  extraPositives: Csr | null;
  conditions: ConditionPositives | null;
  /** Inclusion loss (heads/inclusion.ts): per caption, the more general train captions. */
  generalCaptions?: Csr | null;
}

/** Split roles per image: the one split policy (datasets/split_policy.ts). */
export function imageRoles(ds: Pick<Dataset, 'images'>, seed = 0): Int8Array {
  return splitPolicy(ds, seed).roles;
}

/**
 * Annotated pairs (one per caption) plus the positive pairs of positives.jsonl, caption → images.
 * On the ECCV Caption scale (1 best … 4 worst) labels 1 and 2 count as positive; no label counts too.
 */
export function annotatedPositives(ds: Pick<Dataset, 'captions' | 'positives'>): Csr {
  const pairs: Array<[number, number]> = ds.captions.map((c, j) => [j, c.imageIndex]);
  for (const [img, cap, label] of ds.positives) if (label === 0 || label <= 2) pairs.push([cap, img]);
  return csrFromPairs(pairs, ds.captions.length);
}

export interface BuildInputOptions {
  /** Frozen features: the parent space's means. */
  image: Float32Array;
  text: Float32Array;
  dims: number;
  extraPositives?: Csr | null;
  conditions?: ConditionPositives | null;
  seed?: number;
}

/** The training input of a dataset and a parent space (features are copied and L2-normalised). */
export function buildTrainInput(ds: Dataset, o: BuildInputOptions): TrainInput {
  const nImages = ds.images.length;
  const nCaptions = ds.captions.length;
  if (o.image.length !== nImages * o.dims || o.text.length !== nCaptions * o.dims) {
    throw new RangeError(`features: ${o.image.length / o.dims} image rows and ${o.text.length / o.dims} caption rows for ${nImages} images and ${nCaptions} captions`);
  }
  const evalIsTruth = !!ds.truth;
  const evalPositives = ds.truth ? csrFromLists(ds.truth, nCaptions) : annotatedPositives(ds);
  return {
    nImages,
    nCaptions,
    imageDims: o.dims,
    textDims: o.dims,
    imageFeatures: normalizeRowsInPlace(Float32Array.from(o.image), o.dims),
    textFeatures: normalizeRowsInPlace(Float32Array.from(o.text), o.dims),
    captionImage: Int32Array.from(ds.captions, (c) => c.imageIndex),
    imageRole: imageRoles(ds, o.seed ?? 0),
    evalPositives: o.extraPositives && !evalIsTruth ? csrUnion(evalPositives, o.extraPositives) : evalPositives,
    evalIsTruth,
    extraPositives: o.extraPositives ?? null,
    conditions: o.conditions ?? null,
  };
}

/** Indices of images and captions in a role. */
export function roleItems(input: Pick<TrainInput, 'imageRole' | 'captionImage'>, role: number): { images: Int32Array; captions: Int32Array } {
  const images: number[] = [];
  input.imageRole.forEach((r, i) => r === role && images.push(i));
  const captions: number[] = [];
  input.captionImage.forEach((img, j) => input.imageRole[img] === role && captions.push(j));
  return { images: Int32Array.from(images), captions: Int32Array.from(captions) };
}

/** Rows idx of a row-major matrix, packed. */
export function gatherRows(src: Float32Array, dims: number, idx: ArrayLike<number>, out = new Float32Array(idx.length * dims)): Float32Array {
  for (let k = 0; k < idx.length; k++) out.set(src.subarray(idx[k] * dims, (idx[k] + 1) * dims), k * dims);
  return out;
}

/** Typed arrays of a TrainInput, for a worker's transfer list. */
export function transferables(input: TrainInput): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: { buffer: ArrayBufferLike } | null | undefined): void => {
    if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  add(input.imageFeatures);
  add(input.textFeatures);
  add(input.captionImage);
  add(input.imageRole);
  for (const m of [input.evalPositives, input.extraPositives, input.generalCaptions, ...(input.conditions?.positives ?? [])]) {
    if (m) {
      add(m.offsets);
      add(m.items);
    }
  }
  return [...out];
}

/**
 * A degraded copy of features (for experiments and tests): x·R + noise·N(0, 1/√dims) per entry,
 * with R a seeded Gaussian mixing matrix (dims × outDims), rows L2-normalised.
 */
export function degradeFeatures(x: Float32Array, dims: number, opts: { noise: number; outDims?: number; seed?: number; mixSeed?: number }): Float32Array {
  const outDims = opts.outDims ?? dims;
  const n = x.length / dims;
  const mix = new Rng(opts.mixSeed ?? 7, 'degrade-mix');
  const R = new Float64Array(dims * outDims);
  for (let i = 0; i < R.length; i++) R[i] = mix.normal() / Math.sqrt(outDims);
  const rng = new Rng(opts.seed ?? 1, 'degrade-noise');
  const out = new Float32Array(n * outDims);
  const sd = opts.noise / Math.sqrt(outDims);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < outDims; o++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += x[i * dims + d] * R[d * outDims + o];
      out[i * outDims + o] = s + sd * rng.normal();
    }
  }
  return normalizeRowsInPlace(out, outDims);
}
