// Is p̂ a probability? Measured on the user's own reviews: the classifier is refitted K times,
// each time without one fold of the reviewed candidates, and scores that fold (cross-validated p);
// an isotonic map (pool-adjacent-violators) fitted on those scores then corrects the final model's
// p for every candidate. Its error is itself cross-validated: the isotonic map is fitted on K − 1
// folds of the cross-validated p and judged on the last. The UI shows p̂ as a probability only when
// enough pairs are reviewed and that expected calibration error (ECE) is small; otherwise a rank and
// the reason. The queue's reviews are its own choice (the likeliest pairs), not a random sample, so
// they vouch for the unreviewed candidates only through the calibration checks (mining/checks.ts: a
// uniform sample of the candidates, CALIBRATION_MIN_CHECKS reviewed) or, without them, through the
// bins of p̂ that hold enough reviews (coverage).
import { Rng } from '../sample/rng.js';

/** Reviews before p̂ can be called calibrated, and the ECE it must reach. */
export const CALIBRATION_MIN_REVIEWS = 200;
export const CALIBRATION_MAX_ECE = 0.1;
export const RELIABILITY_BINS = 10;
/**
 * Coverage: the reviews must speak for the pairs nobody reviewed. A p̂ bin counts as checked when it
 * holds at least this many reviewed pairs; the unreviewed candidates whose p̂ falls in checked bins
 * must be at least CALIBRATION_MIN_COVERAGE of them.
 */
export const CALIBRATION_MIN_PER_BIN = 10;
export const CALIBRATION_MIN_COVERAGE = 0.9;
/**
 * Reviewed calibration checks (mining/checks.ts) that can vouch for the unreviewed candidates on
 * their own: they are a uniform sample of the candidates, so their calibration error estimates the
 * population's without re-weighting, wherever the queue's reviews fall.
 */
export const CALIBRATION_MIN_CHECKS = 50;
/**
 * Bins of the ECE on the checks. About 100 checks in ten bins leave ~10 pairs a bin, and that
 * sampling noise alone reads as an ECE of 0.05–0.1; with five, on seed 0 of the sample (presets A–C,
 * noise 0 and 0.2, digits) p̂ was called calibrated on 4 of 7 worlds, each with an ECE against the
 * truth ≤ 0.06, and never where the truth said otherwise (ten bins: 1 of 7).
 */
export const CHECK_BINS = 5;

export interface ReliabilityBin {
  lo: number;
  hi: number;
  /** Pairs whose p fell in [lo, hi). */
  n: number;
  meanP: number;
  /** Share of those pairs that were valid. */
  observed: number;
}

export interface Reliability {
  bins: ReliabilityBin[];
  /** Σ_b (n_b / N) · |meanP_b − observed_b|. */
  ece: number;
  n: number;
}

/** Reliability diagram and expected calibration error over equal-width bins of p. */
export function reliability(p: ArrayLike<number>, y: ArrayLike<number>, nBins = RELIABILITY_BINS): Reliability {
  const sumP = new Float64Array(nBins);
  const sumY = new Float64Array(nBins);
  const cnt = new Float64Array(nBins);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(nBins - 1, Math.max(0, Math.floor(p[i] * nBins)));
    sumP[b] += p[i];
    sumY[b] += y[i];
    cnt[b]++;
  }
  let ece = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < nBins; b++) {
    const n = cnt[b];
    const meanP = n ? sumP[b] / n : 0;
    const observed = n ? sumY[b] / n : 0;
    if (n) ece += (n / p.length) * Math.abs(meanP - observed);
    bins.push({ lo: b / nBins, hi: (b + 1) / nBins, n, meanP, observed });
  }
  return { bins, ece: p.length ? ece : NaN, n: p.length };
}

/** A non-decreasing step map from p to a calibrated probability (pool-adjacent-violators). */
export interface IsotonicMap {
  /** Upper p of each block, increasing. */
  x: number[];
  /** Calibrated value of each block, non-decreasing. */
  y: number[];
}

export function fitIsotonic(p: ArrayLike<number>, y: ArrayLike<number>): IsotonicMap {
  const order = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  const xs: number[] = [];
  const vs: number[] = [];
  const ws: number[] = [];
  for (const i of order) {
    xs.push(p[i]);
    vs.push(y[i]);
    ws.push(1);
    while (vs.length > 1 && vs[vs.length - 2] >= vs[vs.length - 1]) {
      const w = ws[ws.length - 2] + ws[ws.length - 1];
      const v = (vs[vs.length - 2] * ws[ws.length - 2] + vs[vs.length - 1] * ws[ws.length - 1]) / w;
      const x = xs[xs.length - 1];
      xs.splice(-2, 2, x);
      vs.splice(-2, 2, v);
      ws.splice(-2, 2, w);
    }
  }
  return { x: xs, y: vs };
}

export function applyIsotonic(m: IsotonicMap, p: number): number {
  if (!m.x.length) return p;
  let lo = 0;
  let hi = m.x.length - 1;
  if (p > m.x[hi]) return m.y[hi];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.x[mid] >= p) hi = mid;
    else lo = mid + 1;
  }
  return m.y[lo];
}

/** Seeded fold of each of n items, balanced. */
export function folds(n: number, k: number, seed = 0): Int32Array {
  const order = new Rng(seed, 'calibration-folds').shuffle(Array.from({ length: n }, (_, i) => i));
  const f = new Int32Array(n);
  order.forEach((i, r) => (f[i] = r % k));
  return f;
}

export interface CalibrationReport {
  /** Labelled reviewed candidates the report rests on. */
  reviewed: number;
  /** ECE of the classifier's cross-validated p, before the isotonic map. */
  eceRaw: number;
  /** Cross-validated ECE after the isotonic map: what the UI's probabilities can be trusted to. */
  ece: number;
  /** Reliability of the calibrated, cross-validated p. */
  bins: ReliabilityBin[];
  /** The map applied to every candidate's p. */
  map: IsotonicMap;
  calibrated: boolean;
  /** Why p̂ is not shown as a probability (null when it is). */
  reason: string | null;
  /**
   * Share of the unreviewed candidates whose (uncorrected) p̂ falls in a bin with at least
   * CALIBRATION_MIN_PER_BIN reviews: how far the reviews speak for the rest. Null without a population.
   */
  coverage: number | null;
  /**
   * The cross-validated calibration error re-weighted to the unreviewed candidates' p̂ distribution
   * (over the checked bins): the ECE to expect on the pairs nobody reviewed. Null without a population.
   */
  ecePopulation: number | null;
  /** Reviewed pairs that were calibration checks. */
  checks: number;
  /** Cross-validated ECE on the checks alone (null below CALIBRATION_MIN_CHECKS). */
  eceChecks: number | null;
}

/**
 * From cross-validated scores of the reviewed pairs (pCv) and their labels: the isotonic map, its
 * cross-validated reliability, and whether p̂ may be called a probability.
 */
export function calibrationReport(pCv: ArrayLike<number>, y: ArrayLike<number>, k = 5, seed = 0, population?: ArrayLike<number>, isCheck?: ArrayLike<number>): CalibrationReport {
  const n = pCv.length;
  const raw = reliability(pCv, y);
  const f = folds(n, k, seed);
  const pCal = new Float64Array(n);
  for (let fold = 0; fold < k; fold++) {
    const tr: number[] = [];
    for (let i = 0; i < n; i++) if (f[i] !== fold) tr.push(i);
    const m = fitIsotonic(tr.map((i) => pCv[i]), tr.map((i) => y[i]));
    for (let i = 0; i < n; i++) if (f[i] === fold) pCal[i] = applyIsotonic(m, pCv[i]);
  }
  const cal = reliability(pCal, y);
  const map = fitIsotonic(pCv, y);
  const pop = population && population.length ? populationCheck(pCv, pCal, y, population) : null;
  const checkRows: number[] = [];
  if (isCheck) for (let i = 0; i < n; i++) if (isCheck[i]) checkRows.push(i);
  const eceChecks = checkRows.length >= CALIBRATION_MIN_CHECKS ? reliability(checkRows.map((i) => pCal[i]), checkRows.map((i) => y[i]), CHECK_BINS).ece : null;
  let reason: string | null = null;
  if (n < CALIBRATION_MIN_REVIEWS) reason = `${n} of the ${CALIBRATION_MIN_REVIEWS} reviewed pairs needed to check p̂ against your decisions`;
  else if (!(cal.ece <= CALIBRATION_MAX_ECE)) reason = `on your ${n} reviewed pairs p̂ is off by ${cal.ece.toFixed(3)} on average (ECE), more than ${CALIBRATION_MAX_ECE}`;
  else if (eceChecks !== null) {
    // Enough random checks: they speak for the unreviewed candidates directly.
    if (!(eceChecks <= CALIBRATION_MAX_ECE)) reason = `on the ${checkRows.length} calibration checks (random candidates) p̂ is off by ${eceChecks.toFixed(3)} on average (ECE), more than ${CALIBRATION_MAX_ECE}`;
  } else if (pop && pop.coverage < CALIBRATION_MIN_COVERAGE)
    reason = `${((1 - pop.coverage) * 100).toFixed(0)} % of the unreviewed candidates have a p̂ where fewer than ${CALIBRATION_MIN_PER_BIN} pairs were reviewed (${pop.unchecked}), so your reviews cannot vouch for p̂ there`;
  else if (pop && !(pop.ece <= CALIBRATION_MAX_ECE)) reason = `weighted like the unreviewed candidates, p̂ is off by ${pop.ece.toFixed(3)} on average (ECE), more than ${CALIBRATION_MAX_ECE}`;
  return { reviewed: n, eceRaw: raw.ece, ece: cal.ece, bins: cal.bins, map, calibrated: reason === null, reason, coverage: pop?.coverage ?? null, ecePopulation: pop?.ece ?? null, checks: checkRows.length, eceChecks };
}

/**
 * The reviews against the population they are meant to speak for: bins of uncorrected p̂ (the
 * reviews' cross-validated pCv, the unreviewed candidates' p), the share of the population in bins
 * with enough reviews, and the ECE of the corrected reviews weighted by the population's bin shares.
 * The queue reviews the likeliest pairs first, so without this the ECE on the reviews says nothing
 * about the many low-p̂ pairs nobody looked at.
 */
function populationCheck(pCv: ArrayLike<number>, pCal: ArrayLike<number>, y: ArrayLike<number>, population: ArrayLike<number>): { coverage: number; ece: number; unchecked: string } {
  const B = RELIABILITY_BINS;
  const bin = (p: number): number => Math.min(B - 1, Math.max(0, Math.floor(p * B)));
  const cnt = new Float64Array(B);
  const sumCal = new Float64Array(B);
  const sumY = new Float64Array(B);
  for (let i = 0; i < pCv.length; i++) {
    const b = bin(pCv[i]);
    cnt[b]++;
    sumCal[b] += pCal[i];
    sumY[b] += y[i];
  }
  const popCnt = new Float64Array(B);
  for (let i = 0; i < population.length; i++) popCnt[bin(population[i])]++;
  let covered = 0;
  let ece = 0;
  const unchecked: string[] = [];
  for (let b = 0; b < B; b++) {
    if (!popCnt[b]) continue;
    if (cnt[b] >= CALIBRATION_MIN_PER_BIN) {
      covered += popCnt[b];
      ece += popCnt[b] * Math.abs(sumCal[b] / cnt[b] - sumY[b] / cnt[b]);
    } else unchecked.push(`p̂ ${(b / B).toFixed(1)}–${((b + 1) / B).toFixed(1)}: ${popCnt[b]} unreviewed, ${cnt[b]} reviewed`);
  }
  return { coverage: covered / population.length, ece: covered ? ece / covered : NaN, unchecked: unchecked.slice(0, 3).join('; ') };
}
