// The residual-variance head (`mlens train --head residual`): a probabilistic space whose means are
// the parent space's (unchanged) and whose variance per item is how badly the item predicts its
// partners across the modalities, out of sample. In the spirit of ProbVLM (Upadhyay et al., 2023:
// a heteroscedastic adapter on a frozen encoder), in closed form:
//
//   captions: a ridge regression from a train caption's embedding to its annotated image's, fitted
//             K-fold with the folds grouped by image, so every train caption's squared residual
//             r² = ‖x_img − W·x_cap‖² comes from a map that never saw that image; then a ridge
//             regression from the caption's embedding to log r² gives every caption (held-out ones
//             included) its predicted log r̂². A generic caption is annotated with one of the many
//             images it fits, so it cannot be predicted well: its r² is large.
//   images:   the same the other way: image → each annotated train caption, the residuals averaged
//             per image; an image that many different captions describe has a large one.
//
// Stored as one log σ² per item (isotropic): log σ² = log r̂² − ln D, so Σσ² = r̂².
//
// Optionally blended with the item's effective partners (metrics/effective_partners.ts: exp of the
// entropy of its softmax over the other modality, read from the parent's means with no labels, so
// held-out items get it too): with weight w, the standardised log r̂² and the standardised log N_eff
// are mixed as (1 − w)·z_r + w·z_p, restandardised, and put back on log r̂²'s mean and spread. w = 0
// is the residual alone; w = 1 ranks items exactly as effective partners do, as a variance (so the
// map's ellipses, the Uncertainty tab and CSD can use it).
//
// Then, with the captions' texts, coverage (caption_coverage.ts: read from the annotation's words)
// is mixed in the same way per modality, where caption coverage ranks the captions like their
// effective partners (images' coverage is its transpose, so the captions' check admits it too; the
// images' own partners rank images against their multiplicity on the digits world).
// Why not PCME++'s variance: on an encoder's space its loss settles a caption's Σσ² where the match
// mass of its one annotated positive is about one, which follows the distance to the nearest partner
// (docs/variance.md). The regularisation strengths, the partners' weights, then coverage's, were chosen on seed 0
// of every headline world by `npm run bench -- residual-tuning` (docs/variance.md, "Residual variance").
import { ROLE_TRAIN } from '../datasets/split_policy.js';
import { effectivePartners } from '../metrics/effective_partners.js';
import type { NamedWeights } from './config.js';
import { partnerGallerySize } from './partners_report.js';
import { captionCoverage } from '../datasets/caption_coverage.js';
import { spearman } from '../compute/stats.js';

export interface ResidualParams {
  /** Ridge λ of the caption → image map (means) and of the caption → log r² map (variances). */
  captionLambda: number;
  captionVarLambda: number;
  /** The same for images (image → caption, image → log r̄²). */
  imageLambda: number;
  imageVarLambda: number;
  /** Weight of the effective partners in each modality's variance (0: the residual alone; 1: partners alone). */
  captionPartnersWeight: number;
  imagePartnersWeight: number;
  /**
   * Weight of caption coverage (caption_coverage.ts: images of the split whose other captions hold
   * every content word of the caption) mixed into the caption variance after the partners' blend;
   * applied only where the dataset's coverage ranks captions like their effective partners do
   * (Spearman above coverageMinAgreement), and only with the captions' texts.
   */
  captionCoverageWeight: number;
  /** The same for images: captions of the split (not the image's own) that its captions' words cover. */
  imageCoverageWeight: number;
  coverageMinAgreement: number;
  /**
   * Which check admits image coverage: 'image' (image coverage ranks images like the images'
   * effective partners) or 'caption' (caption coverage ranks captions like the captions' partners:
   * image coverage is its transpose, read from the same words; captions are usually the more
   * numerous items, and the images' partners can rank images against their multiplicity, as on the
   * digits world). Chosen on the tuning seed (bench residual-tuning).
   */
  imageCoverageCheck: 'image' | 'caption';
  /** Softmax temperature of the effective partners (null: partnerTau of the gallery's size, as `mlens partners`). */
  partnersTau: number | null;
  /** Folds of the cross-fit (grouped by image). */
  folds: number;
  /** At most this many train pairs enter the fits (a seeded sample beyond it; the cost is pairs × D²). */
  maxPairs: number;
  seed: number;
}

export const DEFAULT_RESIDUAL: ResidualParams = { captionLambda: 10, captionVarLambda: 10, imageLambda: 0.03, imageVarLambda: 1000, captionPartnersWeight: 0.75, imagePartnersWeight: 0.5, captionCoverageWeight: 0.5, imageCoverageWeight: 0.5, coverageMinAgreement: 0, imageCoverageCheck: 'caption', partnersTau: null, folds: 5, maxPairs: 20_000, seed: 0 };

export interface ResidualInput {
  nImages: number;
  nCaptions: number;
  dims: number;
  /** Row-major, L2-normalised. */
  image: Float32Array;
  text: Float32Array;
  captionImage: Int32Array;
  imageRole: Int8Array;
  /** The captions' texts (for caption coverage; without them it is not used). */
  captionTexts?: readonly string[] | null;
}

export interface ResidualResult {
  /** One log σ² per item (per dimension; Σσ² = D·exp). */
  imageLogvar: Float32Array;
  textLogvar: Float32Array;
  /** The two variance maps ((D + 1) values each: weights then bias) and the fit's counts. */
  weights: NamedWeights[];
  pairs: number;
  trainImages: number;
  /** Mean cross-fitted squared residual of the train pairs, each direction. */
  meanResidual: { caption: number; image: number };
  /** When a partners weight is above 0: the effective partners' settings and galleries. */
  partners: { tau: number; galleryImages: number; galleryCaptions: number; sampled: boolean; captionWeight: number; imageWeight: number } | null;
  /**
   * Coverage, when a weight is above 0 and the texts were given: per modality, Spearman of log
   * coverage with log effective partners over every item, whether it passed the check (applied),
   * the content words used and the filler words dropped.
   */
  coverage: { weight: number; agreement: number; minAgreement: number; applied: boolean; imageWeight: number; imageAgreement: number; imageApplied: boolean; imageCheck: 'image' | 'caption'; words: number; filler: string[] } | null;
  seconds: number;
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Adds row x (with a trailing 1 for the bias) into the upper triangle of the (D+1)² Gram g, and y·xᵀ into c. */
function accumulate(g: Float64Array, c: Float64Array, x: Float32Array, xo: number, y: Float32Array | number, yo: number, D: number, out: number): void {
  const P = D + 1;
  for (let a = 0; a < P; a++) {
    const xa = a < D ? x[xo + a] : 1;
    if (xa === 0) continue;
    const row = a * P;
    for (let b = a; b < D; b++) g[row + b] += xa * x[xo + b];
    g[row + D] += xa;
    const cr = a * out;
    if (typeof y === 'number') c[cr] += xa * y;
    else for (let k = 0; k < out; k++) c[cr + k] += xa * y[yo + k];
  }
}

/** Solves (G + λ·I_D) W = C for W ((D+1) × out) by Cholesky; the bias row is not penalised. */
function ridgeSolve(gUpper: Float64Array, c: Float64Array, D: number, out: number, lambda: number): Float64Array {
  const P = D + 1;
  const L = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j <= i; j++) {
      let s = gUpper[j * P + i] + (i === j && i < D ? lambda : 0);
      for (let k = 0; k < j; k++) s -= L[i * P + k] * L[j * P + k];
      if (i === j) L[i * P + i] = Math.sqrt(Math.max(s, 1e-12));
      else L[i * P + j] = s / L[j * P + j];
    }
  }
  const w = new Float64Array(P * out);
  const z = new Float64Array(P);
  for (let k = 0; k < out; k++) {
    for (let i = 0; i < P; i++) {
      let s = c[i * out + k];
      for (let m = 0; m < i; m++) s -= L[i * P + m] * z[m];
      z[i] = s / L[i * P + i];
    }
    for (let i = P - 1; i >= 0; i--) {
      let s = z[i];
      for (let m = i + 1; m < P; m++) s -= L[m * P + i] * w[m * out + k];
      w[i * out + k] = s / L[i * P + i];
    }
  }
  return w;
}

/** ‖y − Wᵀ[x, 1]‖² for one row. */
function residual2(w: Float64Array, x: Float32Array, xo: number, y: Float32Array, yo: number, D: number): number {
  let r = 0;
  for (let k = 0; k < D; k++) {
    let p = w[D * D + k];
    for (let a = 0; a < D; a++) p += x[xo + a] * w[a * D + k];
    const e = y[yo + k] - p;
    r += e * e;
  }
  return r;
}

/**
 * Cross-fitted squared residuals of predicting y-rows from x-rows over `pairs` (x index, y index),
 * K folds grouped by `group` (fold of each pair = fold of its group).
 */
function crossFitResiduals(x: Float32Array, y: Float32Array, pairs: Array<[number, number]>, fold: Int32Array, K: number, D: number, lambda: number): Float64Array {
  const P = D + 1;
  const G = Array.from({ length: K }, () => new Float64Array(P * P));
  const C = Array.from({ length: K }, () => new Float64Array(P * D));
  pairs.forEach(([xi, yi], p) => accumulate(G[fold[p]], C[fold[p]], x, xi * D, y, yi * D, D, D));
  const gAll = new Float64Array(P * P);
  const cAll = new Float64Array(P * D);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < gAll.length; i++) gAll[i] += G[k][i];
    for (let i = 0; i < cAll.length; i++) cAll[i] += C[k][i];
  }
  const r = new Float64Array(pairs.length);
  for (let k = 0; k < K; k++) {
    const g = gAll.map((v, i) => v - G[k][i]);
    const c = cAll.map((v, i) => v - C[k][i]);
    const w = ridgeSolve(g, c, D, D, lambda);
    pairs.forEach(([xi, yi], p) => {
      if (fold[p] === k) r[p] = residual2(w, x, xi * D, y, yi * D, D);
    });
  }
  return r;
}

/** A ridge map from rows of x to scalar targets; returns its (D + 1) weights. */
function scalarRidge(x: Float32Array, rows: ArrayLike<number>, t: ArrayLike<number>, D: number, lambda: number): Float64Array {
  const P = D + 1;
  const g = new Float64Array(P * P);
  const c = new Float64Array(P);
  for (let k = 0; k < rows.length; k++) accumulate(g, c, x, rows[k] * D, t[k], 0, D, 1);
  return ridgeSolve(g, c, D, 1, lambda);
}

function predictLogvar(x: Float32Array, n: number, v: Float64Array, D: number): Float32Array {
  const out = new Float32Array(n);
  const lnD = Math.log(D);
  for (let i = 0; i < n; i++) {
    let s = v[D];
    for (let a = 0; a < D; a++) s += x[i * D + a] * v[a];
    out[i] = s - lnD;
  }
  return out;
}

function standardise(v: ArrayLike<number>): { z: Float64Array; mean: number; sd: number } {
  const n = v.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i];
  m /= Math.max(1, n);
  let q = 0;
  for (let i = 0; i < n; i++) q += (v[i] - m) ** 2;
  const sd = Math.sqrt(q / Math.max(1, n));
  const z = new Float64Array(n);
  if (sd > 1e-12) for (let i = 0; i < n; i++) z[i] = (v[i] - m) / sd;
  return { z, mean: m, sd };
}

/**
 * (1 − w)·z(log r̂²) + w·z(log N_eff), restandardised and put back on log r̂²'s mean and spread
 * (spread 1 when log r̂² is constant). w = 0 returns the residual's log σ² unchanged.
 */
export function blendPartners(logvar: Float32Array, partners: Float32Array, w: number): Float32Array {
  if (!(w > 0)) return logvar;
  if (partners.length !== logvar.length) throw new RangeError(`residual head: ${partners.length} effective-partner values for ${logvar.length} items`);
  const r = standardise(logvar);
  const p = standardise(Array.from(partners, (x) => Math.log(Math.max(x, 1e-12))));
  const mix = standardise(Array.from(r.z, (zr, i) => (1 - w) * zr + w * p.z[i]));
  const spread = r.sd > 1e-12 ? r.sd : 1;
  return Float32Array.from(mix.z, (z) => r.mean + spread * z);
}

/**
 * Fits the residual-variance head on the train split's annotated pairs and predicts a log σ² for
 * every image and caption. Throws, naming what is missing, when the train split is too small.
 */
export function fitResidualVariance(input: ResidualInput, params: Partial<ResidualParams> = {}): ResidualResult {
  const p = { ...DEFAULT_RESIDUAL, ...params };
  for (const k of ['captionLambda', 'captionVarLambda', 'imageLambda', 'imageVarLambda'] as const) {
    if (!(Number.isFinite(p[k]) && p[k] > 0)) throw new Error(`residual head: ${k} must be a positive number (got ${p[k]})`);
  }
  for (const k of ['captionPartnersWeight', 'imagePartnersWeight', 'captionCoverageWeight', 'imageCoverageWeight'] as const) {
    if (!(Number.isFinite(p[k]) && p[k] >= 0 && p[k] <= 1)) throw new Error(`residual head: ${k} must be between 0 and 1 (got ${p[k]})`);
  }
  if (!(Number.isFinite(p.coverageMinAgreement) && p.coverageMinAgreement >= -1 && p.coverageMinAgreement <= 1)) throw new Error(`residual head: coverageMinAgreement must be between -1 and 1 (got ${p.coverageMinAgreement})`);
  if (p.imageCoverageCheck !== 'image' && p.imageCoverageCheck !== 'caption') throw new Error(`residual head: imageCoverageCheck must be 'image' or 'caption' (got ${String(p.imageCoverageCheck)})`);
  if (input.captionTexts && input.captionTexts.length !== input.nCaptions) throw new RangeError(`residual head: ${input.captionTexts.length} caption texts for ${input.nCaptions} captions`);
  if (p.partnersTau !== null && !(Number.isFinite(p.partnersTau) && p.partnersTau > 0)) throw new Error(`residual head: partnersTau must be a positive number (got ${p.partnersTau})`);
  if (!(Number.isInteger(p.folds) && p.folds >= 2)) throw new Error(`residual head: folds must be an integer ≥ 2 (got ${p.folds})`);
  const t0 = performance.now();
  const D = input.dims;
  const { image, text, captionImage, imageRole } = input;
  if (image.length !== input.nImages * D || text.length !== input.nCaptions * D) throw new RangeError(`residual head: ${image.length / D} image rows and ${text.length / D} caption rows for ${input.nImages} images and ${input.nCaptions} captions`);
  let pairs: Array<[number, number]> = [];
  for (let j = 0; j < input.nCaptions; j++) if (imageRole[captionImage[j]] === ROLE_TRAIN) pairs.push([j, captionImage[j]]);
  const rand = rng(p.seed + 1);
  if (pairs.length > p.maxPairs) {
    for (let i = pairs.length - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      [pairs[i], pairs[k]] = [pairs[k], pairs[i]];
    }
    pairs = pairs.slice(0, p.maxPairs).sort((a, b) => a[0] - b[0]);
  }
  const images = [...new Set(pairs.map((q) => q[1]))];
  if (images.length < p.folds * 2 || pairs.length < D + 2) {
    throw new Error(`residual head: the train split has ${images.length} images and ${pairs.length} annotated captions; it needs at least ${p.folds * 2} images and ${D + 2} captions (the space has ${D} dimensions)`);
  }
  // Folds grouped by image: a seeded shuffle of the train images, dealt round-robin.
  for (let i = images.length - 1; i > 0; i--) {
    const k = Math.floor(rand() * (i + 1));
    [images[i], images[k]] = [images[k], images[i]];
  }
  const foldOf = new Map<number, number>();
  images.forEach((img, i) => foldOf.set(img, i % p.folds));
  const fold = Int32Array.from(pairs, (q) => foldOf.get(q[1])!);

  // Captions: caption → its image, residual per caption, then caption → log r².
  const rCap = crossFitResiduals(text, image, pairs, fold, p.folds, D, p.captionLambda);
  const vCap = scalarRidge(text, pairs.map((q) => q[0]), Array.from(rCap, (r) => Math.log(r + 1e-6)), D, p.captionVarLambda);
  // Images: image → each of its captions, residuals averaged per image, then image → log r̄².
  const rPair = crossFitResiduals(image, text, pairs.map(([c, i]) => [i, c] as [number, number]), fold, p.folds, D, p.imageLambda);
  const sum = new Map<number, { s: number; n: number }>();
  pairs.forEach(([, i], k) => {
    const e = sum.get(i) ?? { s: 0, n: 0 };
    e.s += rPair[k];
    e.n++;
    sum.set(i, e);
  });
  const imgRows = [...sum.keys()].sort((a, b) => a - b);
  const vImg = scalarRidge(image, imgRows, imgRows.map((i) => Math.log(sum.get(i)!.s / sum.get(i)!.n + 1e-6)), D, p.imageVarLambda);

  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  let imageLogvar = predictLogvar(image, input.nImages, vImg, D);
  let textLogvar = predictLogvar(text, input.nCaptions, vCap, D);
  let partners: ResidualResult['partners'] = null;
  let coverage: ResidualResult['coverage'] = null;
  const withCoverage = (p.captionCoverageWeight > 0 || p.imageCoverageWeight > 0) && !!input.captionTexts;
  if (p.captionPartnersWeight > 0 || p.imagePartnersWeight > 0 || withCoverage) {
    const e = effectivePartners({ dims: D, image, text }, { tau: p.partnersTau ?? undefined, maxGallery: partnerGallerySize(input.nImages + input.nCaptions, D), seed: p.seed + 1 });
    textLogvar = blendPartners(textLogvar, e.text, p.captionPartnersWeight);
    imageLogvar = blendPartners(imageLogvar, e.image, p.imagePartnersWeight);
    partners = { tau: e.tau, galleryImages: e.galleryImages, galleryCaptions: e.galleryCaptions, sampled: e.sampled, captionWeight: p.captionPartnersWeight, imageWeight: p.imagePartnersWeight };
    if (withCoverage) {
      const cov = captionCoverage(input.captionTexts!, captionImage, imageRole, input.nImages);
      // Each modality's coverage enters only where it ranks items like their effective partners.
      // Image coverage, by default, enters where the captions' check passes (its transpose, the same words).
      const passes = (agreement: number) => Number.isFinite(agreement) && agreement > p.coverageMinAgreement;
      const check = (counts: Int32Array, partnersOf: Float32Array, w: number, by?: number): { agreement: number; applied: boolean } => {
        const agreement = spearman(Float64Array.from(counts, (n) => Math.log1p(n)), Float64Array.from(partnersOf, (x) => Math.log(Math.max(x, 1e-12))));
        return { agreement, applied: w > 0 && passes(by ?? agreement) };
      };
      const cap = check(cov.count, e.text, p.captionCoverageWeight);
      const img = check(cov.imageCount, e.image, p.imageCoverageWeight, p.imageCoverageCheck === 'caption' ? cap.agreement : undefined);
      if (cap.applied) textLogvar = blendPartners(textLogvar, Float32Array.from(cov.count, (n) => n + 1), p.captionCoverageWeight);
      if (img.applied) imageLogvar = blendPartners(imageLogvar, Float32Array.from(cov.imageCount, (n) => n + 1), p.imageCoverageWeight);
      coverage = { weight: p.captionCoverageWeight, agreement: cap.agreement, minAgreement: p.coverageMinAgreement, applied: cap.applied, imageWeight: p.imageCoverageWeight, imageAgreement: img.agreement, imageApplied: img.applied, imageCheck: p.imageCoverageCheck, words: cov.words, filler: cov.filler };
    }
  }
  return {
    imageLogvar,
    textLogvar,
    weights: [
      { name: 'caption_logvar', shape: [D + 1], data: Float32Array.from(vCap) },
      { name: 'image_logvar', shape: [D + 1], data: Float32Array.from(vImg) },
    ],
    pairs: pairs.length,
    trainImages: images.length,
    meanResidual: { caption: mean(rCap), image: mean(rPair) },
    partners,
    coverage,
    seconds: (performance.now() - t0) / 1000,
  };
}
