// "What does Σσ² follow here?": rank correlations of each item's total variance T = Σσ² in a
// probabilistic space with (a) its true multiplicity (datasets with truth.jsonl), (b) the squared
// distance from its mean to the nearest mean of the other modality in its split, and (c) for captions,
// the positives known beyond the annotation (false-negative flags, positives.jsonl).
//
// Why (b): under PCME++'s pairwise BCE with one annotated positive a row's soft match count settles
// near 1, so a caption's T ≈ b/a − T_image − d_nearest + O(log K / a) (heads/CONTEXT.md). Where the
// spread of d_nearest between items is large, T follows it and not multiplicity; showing both lets a
// researcher see which one their variance encodes. Plain JS plus the metrics' SIMD dot engine.
import { createDotEngine, paddedRow } from '../compute/dot_engine.js';
import { mulberry32 } from '../../../shared/random.js';
import { totalVariance } from './csd.js';
import { partialSpearman, spearman } from '../compute/stats.js';
import { ROLE_TEST, ROLE_VAL, splitPolicy } from '../datasets/split_policy.js';
import type { VarianceAgainst, VarianceCorrelation, VarianceDiagnostics } from '../../../shared/views/heads.js';

export type { VarianceAgainst, VarianceCorrelation, VarianceDiagnostics };

export interface DiagnosticsInput {
  dims: number;
  image: Float32Array;
  text: Float32Array;
  imageLogvar?: Float32Array | null;
  textLogvar?: Float32Array | null;
  /**
   * Per-item values ranked instead of Σσ² (e.g. effective partners, metrics/effective_partners.ts);
   * without them the log-variances above are required.
   */
  imageValue?: ArrayLike<number> | null;
  textValue?: ArrayLike<number> | null;
  /** Annotated image of each caption. */
  captionImage: ArrayLike<number>;
  /** Split of each image (null/undefined: one pool). Partners are searched within the split. */
  imageSplit?: ArrayLike<string | null | undefined> | null;
  /**
   * Images a head trained on this dataset did not see (nonzero), for the held-out multiplicity row;
   * without it, the images whose split is val, dev or test.
   */
  heldOutImage?: ArrayLike<number> | null;
  /** The held-out images are the split policy's derived val + test (the dataset has no train split). */
  heldOutDerived?: boolean;
  /** Valid images of each caption (truth.jsonl). */
  truth?: ReadonlyArray<ArrayLike<number>> | null;
  /** Known extra positives per caption (beyond its annotated image); omitted when none are known. */
  knownPerCaption?: ArrayLike<number> | null;
}

const HELD_OUT_SPLITS = new Set(['val', 'dev', 'test']);

/** Image multiplicity: how many captions list each image among their valid images (truth.jsonl). */
export function captionsPerImage(truth: ReadonlyArray<ArrayLike<number>>, nImages: number): Float64Array {
  const perImage = new Float64Array(nImages);
  for (const imgs of truth) for (let k = 0; k < imgs.length; k++) if (imgs[k] >= 0 && imgs[k] < nImages) perImage[imgs[k]]++;
  return perImage;
}

/** Seeded sample of min(n, max) indices in increasing order. */
function sampleIndices(n: number, max: number, seed: number): Int32Array {
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const rnd = mulberry32(seed);
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rnd() * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.subarray(0, max).sort();
}

/**
 * For each query row (indices into `q`), the smallest ‖q_i − g_j‖² over gallery rows `gallery`
 * (indices into `g`). Blocked through the dot engine; Infinity when the gallery is empty.
 */
export function nearestSquaredDistance(q: Float32Array, queries: ArrayLike<number>, g: Float32Array, gallery: ArrayLike<number>, dims: number): Float64Array {
  const out = new Float64Array(queries.length).fill(Infinity);
  const nG = gallery.length;
  if (nG === 0 || queries.length === 0) return out;
  const rf = paddedRow(dims);
  const block = 128;
  const gOff = 0;
  const qOff = nG * rf;
  const oOff = qOff + block * rf;
  const engine = createDotEngine(oOff + block * nG);
  const mem = engine.memory;
  // Copies row `src` of x into the engine at `at` and returns its squared norm.
  const put = (x: Float32Array, src: number, at: number): number => {
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const v = x[src * dims + d];
      mem[at + d] = v;
      s += v * v;
    }
    return s;
  };
  const gNorm = Float64Array.from({ length: nG }, (_, j) => put(g, gallery[j], gOff + j * rf));
  for (let b0 = 0; b0 < queries.length; b0 += block) {
    const nb = Math.min(block, queries.length - b0);
    mem.fill(0, qOff, qOff + block * rf);
    const qNorm = Float64Array.from({ length: nb }, (_, i) => put(q, queries[b0 + i], qOff + i * rf));
    engine.dots(qOff, nb, gOff, nG, rf, oOff, nG);
    for (let i = 0; i < nb; i++) {
      let best = Infinity;
      const row = oOff + i * nG;
      for (let j = 0; j < nG; j++) {
        const d2 = qNorm[i] + gNorm[j] - 2 * mem[row + j];
        if (d2 < best) best = d2;
      }
      out[b0 + i] = Math.max(0, best);
    }
  }
  return out;
}

function finite(x: ArrayLike<number>, y: ArrayLike<number>): { x: number[]; y: number[] } {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      a.push(x[i]);
      b.push(y[i]);
    }
  }
  return { x: a, y: b };
}

function correlate(against: VarianceAgainst, t: ArrayLike<number>, v: ArrayLike<number>): VarianceCorrelation {
  const f = finite(t, v);
  return { against, rho: f.x.length > 2 ? spearman(f.x, f.y) : NaN, n: f.x.length };
}

/** Σσ² against multiplicity, plus the partial ρ given the nearest-partner distance `near`. */
function correlateMultiplicity(t: ArrayLike<number>, m: ArrayLike<number>, near: ArrayLike<number>): VarianceCorrelation {
  const r = correlate('multiplicity', t, m);
  const keep: number[] = [];
  for (let i = 0; i < t.length; i++) if (Number.isFinite(t[i]) && Number.isFinite(m[i]) && Number.isFinite(near[i])) keep.push(i);
  const pick = (x: ArrayLike<number>): Float64Array => Float64Array.from(keep, (i) => x[i]);
  return { ...r, partialRho: keep.length > 3 ? partialSpearman(pick(t), pick(m), pick(near)) : NaN };
}

/** Rank correlations of Σσ² per item with multiplicity, nearest-partner distance and known positives. */
export function varianceDiagnostics(input: DiagnosticsInput, opts: { maxItems?: number; seed?: number } = {}): VarianceDiagnostics {
  const t0 = performance.now();
  const { dims } = input;
  const nI = input.image.length / dims;
  const nC = input.text.length / dims;
  const maxItems = opts.maxItems ?? 2000;
  const seed = opts.seed ?? 0;
  const valueOf = (value: ArrayLike<number> | null | undefined, logvar: Float32Array | null | undefined, n: number): Float32Array => {
    if (value) return Float32Array.from(value);
    if (!logvar) throw new Error('variance diagnostics: a probabilistic space (log-variances) or per-item values are needed');
    return totalVariance(logvar, n, dims);
  };
  const tImage = valueOf(input.imageValue, input.imageLogvar, nI);
  const tText = valueOf(input.textValue, input.textLogvar, nC);

  // Pools: the images of each split; a caption's split is its annotated image's.
  const splitOf = (img: number): string => String(input.imageSplit?.[img] ?? '');
  const imagesBySplit = new Map<string, number[]>();
  for (let i = 0; i < nI; i++) {
    const s = splitOf(i);
    if (!imagesBySplit.has(s)) imagesBySplit.set(s, []);
    imagesBySplit.get(s)!.push(i);
  }
  const captionsBySplit = new Map<string, number[]>();
  for (let c = 0; c < nC; c++) {
    const s = splitOf(input.captionImage[c]);
    if (!captionsBySplit.has(s)) captionsBySplit.set(s, []);
    captionsBySplit.get(s)!.push(c);
  }

  const capSample = sampleIndices(nC, maxItems, seed);
  const imgSample = sampleIndices(nI, maxItems, seed + 1);

  const nearestFor = (sample: Int32Array, q: Float32Array, g: Float32Array, splitOfItem: (k: number) => string, galleryBySplit: Map<string, number[]>): Float64Array => {
    const out = new Float64Array(sample.length);
    const bySplit = new Map<string, number[]>();
    sample.forEach((k, pos) => {
      const s = splitOfItem(k);
      if (!bySplit.has(s)) bySplit.set(s, []);
      bySplit.get(s)!.push(pos);
    });
    for (const [s, positions] of bySplit) {
      const d = nearestSquaredDistance(q, positions.map((p) => sample[p]), g, galleryBySplit.get(s) ?? [], dims);
      positions.forEach((p, k) => (out[p] = d[k]));
    }
    return out;
  };
  const capNearest = nearestFor(capSample, input.text, input.image, (c) => splitOf(input.captionImage[c]), imagesBySplit);
  const imgNearest = nearestFor(imgSample, input.image, input.text, (i) => splitOf(i), captionsBySplit);

  const pick = (t: Float32Array, sample: Int32Array): Float64Array => Float64Array.from(sample, (k) => t[k]);
  const tc = pick(tText, capSample);
  const ti = pick(tImage, imgSample);
  const captions: VarianceCorrelation[] = [];
  const images: VarianceCorrelation[] = [];
  if (input.truth) {
    const perImage = captionsPerImage(input.truth, nI);
    captions.push(correlateMultiplicity(tc, Float64Array.from(capSample, (c) => input.truth![c]?.length ?? NaN), capNearest));
    // Every caption of validation/test images (those a head trained on this dataset did not see).
    const isHeld = input.heldOutImage ? (img: number) => !!input.heldOutImage![img] : (img: number) => HELD_OUT_SPLITS.has(splitOf(img));
    const held: number[] = [];
    for (let c = 0; c < nC; c++) if (isHeld(input.captionImage[c])) held.push(c);
    if (held.length > 2) {
      const heldIdx = Int32Array.from(held);
      const heldNear = nearestFor(heldIdx, input.text, input.image, (c) => splitOf(input.captionImage[c]), imagesBySplit);
      const mHeld = Float64Array.from(held, (c) => input.truth![c]?.length ?? NaN);
      captions.push({ ...correlateMultiplicity(Float64Array.from(held, (c) => tText[c]), mHeld, heldNear), scope: 'val+test', ...(input.heldOutDerived ? { derived: true } : {}) });
    }
    images.push(correlateMultiplicity(ti, Float64Array.from(imgSample, (i) => perImage[i]), imgNearest));
  }
  captions.push(correlate('nearest', tc, capNearest));
  images.push(correlate('nearest', ti, imgNearest));
  if (input.knownPerCaption) captions.push(correlate('known', tc, Float64Array.from(capSample, (c) => 1 + (input.knownPerCaption![c] ?? 0))));
  return { captions, images, sampled: capSample.length < nC || imgSample.length < nI, seconds: (performance.now() - t0) / 1000 };
}

/**
 * The diagnostics of a probabilistic space of a dataset: partners searched within each image split,
 * truth.jsonl as multiplicity, and false-negative flags plus positives.jsonl as known positives
 * (`known`, a CSR row per caption; omitted when it is empty). Held-out captions follow the split
 * policy (`splitSeed`, default 0): on a dataset without a train split they are those of its derived
 * val + test images (none when it is too small to hold any out), else those of val/dev/test images.
 */
export function datasetVarianceDiagnostics(
  ds: { images: ReadonlyArray<{ split?: string | null }>; captions: ReadonlyArray<{ imageIndex: number }>; truth?: ReadonlyArray<ArrayLike<number>> | null },
  space: { dims: number; image: Float32Array; text: Float32Array; imageLogvar?: Float32Array | null; textLogvar?: Float32Array | null; imageValue?: ArrayLike<number> | null; textValue?: ArrayLike<number> | null },
  known: { offsets: ArrayLike<number> } | null,
  opts: { maxItems?: number; seed?: number; splitSeed?: number } = {},
): VarianceDiagnostics {
  const policy = splitPolicy(ds, opts.splitSeed ?? 0);
  const heldOutImage = policy.source === 'dataset' ? null : Uint8Array.from(policy.roles, (r) => (r === ROLE_VAL || r === ROLE_TEST ? 1 : 0));
  let knownPerCaption: Int32Array | null = null;
  if (known) {
    knownPerCaption = Int32Array.from({ length: ds.captions.length }, (_, c) => known.offsets[c + 1] - known.offsets[c]);
    if (!knownPerCaption.some((k) => k > 0)) knownPerCaption = null;
  }
  return varianceDiagnostics(
    {
      ...space,
      captionImage: Int32Array.from(ds.captions, (c) => c.imageIndex),
      imageSplit: ds.images.map((im) => im.split ?? null),
      heldOutImage,
      heldOutDerived: policy.source === 'derived',
      truth: ds.truth ?? null,
      knownPerCaption,
    },
    opts,
  );
}

const AGAINST_WORDS: Record<VarianceAgainst, string> = {
  multiplicity: 'true multiplicity',
  nearest: 'distance to the nearest partner',
  known: 'known positives',
};

/** One line per modality for the CLI, e.g. "captions: true multiplicity ρ = 0.02, distance … ρ = −0.54 (n = 2,000)". */
export function describeVarianceDiagnostics(d: VarianceDiagnostics): string[] {
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
  const partial = (r: VarianceCorrelation): string => (r.partialRho === undefined ? '' : ` (partial, given the nearest distance, ${f(r.partialRho)})`);
  const line = (name: string, rows: VarianceCorrelation[]): string =>
    `${name}: ${rows.map((r) => `${AGAINST_WORDS[r.against]}${r.scope === 'val+test' ? ` (${r.derived ? 'derived ' : ''}val + test, n = ${r.n.toLocaleString('en-US')})` : ''} ρ = ${f(r.rho)}${partial(r)}`).join(', ')} (n = ${Math.max(0, ...rows.filter((r) => r.scope !== 'val+test').map((r) => r.n)).toLocaleString('en-US')})`;
  return [line('captions', d.captions), line('images', d.images)];
}
