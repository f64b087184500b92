// Active learning (SCIENCE 4.2 step 4): once at least 50 candidate pairs are reviewed (both
// classes present), a class-balanced logistic regression on the pair features replaces the prior
// as p (its intercept then shifted so that the mean p over the reviewed pairs equals their share
// of valid ones: calibration in the large), and the review queue is re-ranked with the new p. Refit after every review batch
// (refreshAfterReviews); a refit on ~350k candidates takes about a second.
//
// Labels: ECCV answers 1–2 are positive (lenient; 1 only with `strict`), 3–4 negative; invalid-item
// decisions are not used.
import { fitLogistic, logitOf, predict, type LogisticModel } from './logistic.js';
import { rerankUnits, type CostModel } from './clusters.js';
import { applyIsotonic, calibrationReport, CALIBRATION_MIN_REVIEWS, folds, type CalibrationReport } from './calibration.js';
import type { CandidateColumns, ReviewStore } from '../review/review_store.js';
import { pairTraining, readLabels } from '../labels/label_model.js';

export const MIN_REVIEWS = 50;

export const CLASSIFIER_FEATURES = ['agreement_share', 'rrf', 'z_mean', 'margin', 'lev_share', 'tau_img', 'tau_txt', 'prior_logit'] as const;

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
};

/** The feature row of candidate k. */
export function featuresOf(c: CandidateColumns, k: number, nSpaces: number, out: Float64Array, offset = 0): void {
  const E = Math.max(1, nSpaces);
  out[offset] = c.agreement[k] / E;
  out[offset + 1] = c.rrf[k];
  out[offset + 2] = c.zMean[k];
  out[offset + 3] = c.margin[k];
  out[offset + 4] = c.lev[k] / E;
  out[offset + 5] = c.tauImg[k];
  out[offset + 6] = c.tauTxt[k];
  out[offset + 7] = logit(c.prior[k]);
}

export interface ClassifierFit {
  model: LogisticModel;
  positives: number;
  negatives: number;
  /** Area under the ROC curve on the training labels (optimistic; for orientation). */
  trainAuc: number;
}

/** Rank-based AUC of scores against binary labels. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const idx = Array.from({ length: scores.length }, (_, k) => k).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  let r = 0;
  while (r < idx.length) {
    let e = r;
    while (e + 1 < idx.length && scores[idx[e + 1]] === scores[idx[r]]) e++;
    const avg = (r + e) / 2 + 1;
    for (let j = r; j <= e; j++) if (labels[idx[j]]) rankSum += avg;
    r = e + 1;
  }
  for (let k = 0; k < labels.length; k++) (labels[k] ? pos++ : neg++);
  if (!pos || !neg) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Fits the classifier on labelled candidates (label[k]: 1 valid, 0 not, −1 unlabelled). Returns
 * null below MIN_REVIEWS labels or when a class is missing.
 */
export function fitClassifier(c: CandidateColumns, nSpaces: number, label: Int8Array, minReviews = MIN_REVIEWS): ClassifierFit | null {
  const rows: number[] = [];
  for (let k = 0; k < c.n; k++) if (label[k] >= 0) rows.push(k);
  const positives = rows.filter((k) => label[k] === 1).length;
  const negatives = rows.length - positives;
  if (rows.length < minReviews || !positives || !negatives) return null;
  const p = CLASSIFIER_FEATURES.length;
  const X = new Float64Array(rows.length * p);
  const y = new Float64Array(rows.length);
  rows.forEach((k, r) => {
    featuresOf(c, k, nSpaces, X, r * p);
    y[r] = label[k];
  });
  const model = fitLogistic(X, rows.length, p, y, [...CLASSIFIER_FEATURES], { balanced: true, l2: 1e-2 });
  // Balanced weights serve discrimination; calibrate back "in the large": shift the intercept so
  // that the mean p over the reviewed pairs equals their observed share of valid ones.
  const eta = rows.map((_, r) => logitOf(model, X, r * p));
  let shift = 0;
  for (let it = 0; it < 50; it++) {
    let f = -positives;
    let df = 0;
    for (const e of eta) {
      const q = 1 / (1 + Math.exp(-(e + shift)));
      f += q;
      df += q * (1 - q);
    }
    if (df < 1e-12) break;
    const step = f / df;
    shift -= step;
    if (Math.abs(step) < 1e-10) break;
  }
  model.intercept += shift;
  const s = eta.map((e) => e + shift);
  return { model, positives, negatives, trainAuc: auc(s, y) };
}

/** p for every candidate under a fitted model. */
export function predictAll(c: CandidateColumns, nSpaces: number, model: LogisticModel): Float32Array {
  const out = new Float32Array(c.n);
  const row = new Float64Array(CLASSIFIER_FEATURES.length);
  for (let k = 0; k < c.n; k++) {
    featuresOf(c, k, nSpaces, row);
    out[k] = predict(model, row);
  }
  return out;
}

export interface RefreshResult {
  /** Reviewed candidates usable as labels. */
  labelled: number;
  positives: number;
  negatives: number;
  refit: boolean;
  trainAuc: number | null;
  /** Units whose queue place was recomputed. */
  reranked: number;
  /** Whether p̂ can be read as a probability, measured on the reviews (null before the first refit). */
  calibration: CalibrationReport | null;
}

/**
 * Cross-validated p of the labelled candidates: each fold scored by a classifier fitted without it.
 * Rows whose fold could not be fitted (a class missing) keep NaN and are left out.
 */
export function crossValidatedP(c: CandidateColumns, nSpaces: number, label: Int8Array, k = 5, seed = 0): { p: number[]; y: number[]; rows: number[] } {
  const rows: number[] = [];
  for (let i = 0; i < c.n; i++) if (label[i] >= 0) rows.push(i);
  const f = folds(rows.length, k, seed);
  const p: number[] = [];
  const y: number[] = [];
  const at: number[] = [];
  const row = new Float64Array(CLASSIFIER_FEATURES.length);
  for (let fold = 0; fold < k; fold++) {
    const masked = Int8Array.from(label);
    rows.forEach((r, j) => f[j] === fold && (masked[r] = -1));
    const fit = fitClassifier(c, nSpaces, masked, 2);
    if (!fit) continue;
    rows.forEach((r, j) => {
      if (f[j] !== fold) return;
      featuresOf(c, r, nSpaces, row);
      p.push(predict(fit.model, row));
      y.push(label[r]);
      at.push(r);
    });
  }
  return { p, y, rows: at };
}

/**
 * After a review batch: refits the classifier when enough candidates are labelled (then writes p
 * for every candidate), and re-ranks the queue so decided pairs no longer count.
 */
export function refreshAfterReviews(store: ReviewStore, opts: { strict?: boolean; minReviews?: number; costs?: CostModel; lambda?: number; uncertaintyShare?: number } = {}): RefreshResult {
  const run = store.latestRun();
  const cands = store.candidateColumns();
  const index = new Map<number, number>();
  let nImages = 1;
  for (let k = 0; k < cands.n; k++) nImages = Math.max(nImages, cands.image[k] + 1);
  for (let k = 0; k < cands.n; k++) index.set(cands.caption[k] * nImages + cands.image[k], k);
  const label = new Int8Array(cands.n).fill(-1);
  const reviewed = new Uint8Array(cands.n);
  // Every judgement counts (review keys, false-negative and wrong-annotation flags, lasso flags).
  // Flags a rule made (same-text pairs accepted in one batch) decide their pairs but teach the
  // classifier nothing: thousands of them would outweigh the reviews and shift its calibration.
  const labels = readLabels(store.db, { kinds: ['flag', 'review'] });
  for (const l of labels) {
    if (l.source !== 'rule' || l.image == null || l.caption == null) continue;
    const k = index.get(l.caption * nImages + l.image);
    if (k !== undefined) reviewed[k] = 1;
  }
  for (const [key, verdict] of pairTraining(
    labels.filter((l) => l.source !== 'rule'),
    nImages,
    opts.strict,
  )) {
    const k = index.get(key);
    if (k === undefined) continue;
    reviewed[k] = 1;
    label[k] = verdict;
  }
  let positives = 0;
  let negatives = 0;
  for (let k = 0; k < cands.n; k++) {
    if (label[k] === 1) positives++;
    else if (label[k] === 0) negatives++;
  }
  // The units, read once (their caption and image lists are parsed: seconds on a large queue).
  const allUnits = store.clusters();
  const fit = run ? fitClassifier(cands, cands.spaces.length, label, opts.minReviews) : null;
  let calibration: CalibrationReport | null = null;
  if (fit && run) {
    const p = predictAll(cands, cands.spaces.length, fit.model);
    const cv = crossValidatedP(cands, cands.spaces.length, label);
    // The unreviewed candidates' p (before the isotonic map): the population the reviews must speak for.
    const unreviewed: number[] = [];
    for (let k = 0; k < p.length; k++) if (!reviewed[k]) unreviewed.push(p[k]);
    // Reviewed pairs of the run's calibration checks: a uniform sample of the candidates.
    const checkUnits = new Set(allUnits.filter((u) => u.kind === 'check').map((u) => u.id));
    const isCheck = cv.rows.map((r) => (checkUnits.has(cands.clusterId[r]) ? 1 : 0));
    calibration = calibrationReport(cv.p, cv.y, 5, 0, unreviewed, isCheck);
    // The isotonic correction needs enough reviews to be steadier than the raw classifier.
    if (calibration.reviewed >= CALIBRATION_MIN_REVIEWS / 2) for (let k = 0; k < p.length; k++) p[k] = applyIsotonic(calibration.map, p[k]);
    store.updateProbabilities(cands.image, cands.caption, p);
    store.setClassifier(run.id, { ...fit.model, positives: fit.positives, negatives: fit.negatives, trainAuc: fit.trainAuc, at: new Date().toISOString(), strict: !!opts.strict, calibration });
    cands.p.set(p);
  }
  // Units sent from a map selection (run 0) keep their place at the front of the queue.
  const units = allUnits.filter((u) => u.runId !== 0);
  const pairsOfUnit = new Map<number, number[]>();
  for (let k = 0; k < cands.n; k++) {
    const id = cands.clusterId[k];
    if (id < 0) continue;
    let l = pairsOfUnit.get(id);
    if (!l) pairsOfUnit.set(id, (l = []));
    l.push(k);
  }
  const rows = rerankUnits(units, pairsOfUnit, cands, reviewed, opts);
  store.updateQueue(rows);
  return { labelled: positives + negatives, positives, negatives, refit: !!fit, trainAuc: fit ? fit.trainAuc : null, reranked: rows.length, calibration };
}
