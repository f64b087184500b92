// The prior of every mined candidate, P(valid) before any review (SCIENCE 4.2 step 4).
//
// Default 'pu', a positive–unlabelled model (Elkan & Noto 2008): a logistic g(x) = P(annotated | x)
// on per-space [S, z, 1/(60+r_t)+1/(60+r_i), τ_txt] and agreement, fitted on the annotated pairs
// inside the pool's region (labelled; τ_txt leaves the caption itself out of A(i)) against the
// candidates (unlabelled); prior = g/c (squashed smoothly below 1 above 0.9), c = mean g over the
// annotated pairs. It assumes annotation picks valid pairs at random, which COCO-style captioning
// roughly does.
// 'platt' (SCIENCE 4.2 step 4 as written): the mean of calibrated views, Platt_e(S^e) and
// Platt'_e(τ^e_txt) per space, each fitted on annotated versus random pairs of the same group
// (classes weighted equally; candidates.ts collects the samples). Random pairs are easy negatives,
// so every pool pair looks positive (most get > 0.9) and Σ p overstates the valid pairs ×2; the PU
// prior is calibrated (Σ p within 4 % of the true count on the sample) and ranks better at
// budgets ≥ 5,000 (CONTEXT.md has the comparison).
import type { CandidateTable } from './candidates.js';
import { applyPlatt, fitLogistic, predict, type LogisticModel } from './logistic.js';

export interface PuPrior {
  model: LogisticModel;
  /** Estimated P(annotated | valid) in the pool's region: E[g(x) | annotated]. */
  c: number;
  positives: number;
  unlabelled: number;
  /** Whether c was per caption, from its estimated multiplicity (c is then κ). */
  multiplicity?: boolean;
}

/**
 * The positive–unlabelled prior (Elkan & Noto 2008): g(x) = P(annotated | x) is fitted on the
 * annotated pairs of the pool's region (labelled) against the candidates (unlabelled, natural
 * proportions); with annotation "selected completely at random" among valid pairs,
 * P(valid | x) = g(x)/c, c = mean g over the annotated pairs. Writes the prior of every candidate.
 *
 * With `multiplicity` (an estimate m̂ of each row's caption multiplicity, for the labelled rows and
 * then the unlabelled ones), annotation is not taken as completely at random: a caption is
 * annotated with one of its m valid images, so P(annotated | valid, caption) = 1/m and
 * P(valid | x) = g(x)·m̂/κ, κ = mean g·m̂ over the annotated pairs (where P(valid) = 1). Under the
 * plain assumption a generic caption's valid pairs, each unlikely to be the annotated one, rank
 * below a specific caption's near misses; in a 5,000-image digits world the top 1,000 of the
 * plain prior held no valid pair.
 */
export function puPrior(pos: number[], unl: number[], width: number, prior: Float32Array, multiplicity?: { pos: ArrayLike<number>; unl: ArrayLike<number> } | null): PuPrior | null {
  const np = pos.length / width;
  const nu = unl.length / width;
  if (np < 10 || nu < 10) return null;
  const X = new Float64Array((np + nu) * width);
  X.set(pos, 0);
  X.set(unl, np * width);
  const y = new Float64Array(np + nu);
  y.fill(1, 0, np);
  const names = Array.from({ length: width }, (_, j) => `f${j}`);
  const model = fitLogistic(X, np + nu, width, y, names, { l2: 1e-3 });
  const m = (k: number, labelled: boolean): number => (multiplicity ? Math.max(1, (labelled ? multiplicity.pos : multiplicity.unl)[k]) : 1);
  let c = 0;
  for (let r = 0; r < np; r++) c += predict(model, X, r * width) * m(r, true);
  c /= np;
  if (!(c > 0)) return null;
  // With multiplicity, g·m̂/κ spans orders of magnitude above 1 (m̂ runs to thousands), where the
  // exponential squash ties every value at 1 in float32: a hyperbolic one keeps their order.
  const cap = multiplicity ? softCapWide : softCap;
  for (let k = 0; k < nu; k++) prior[k] = cap((predict(model, X, (np + k) * width) * m(k, false)) / c);
  return { model, c, positives: np, unlabelled: nu, multiplicity: multiplicity != null };
}

/**
 * g/c can exceed 1 where the model is off; instead of clipping (which ties thousands of pairs at
 * 1), values above 0.9 are squashed smoothly below 1: r for r ≤ 0.9, else 1 − 0.1·e^{−(r−0.9)/0.1}
 * (continuous with slope 1 at the knee, strictly increasing), so the order of g survives.
 */
export function softCap(r: number): number {
  return r <= 0.9 ? r : 1 - 0.1 * Math.exp(-(r - 0.9) / 0.1);
}

/**
 * softCap with a hyperbolic tail: r for r ≤ 0.9, else 1 − 0.1/(1 + (r − 0.9)/0.1) (continuous with
 * slope 1 at the knee, strictly increasing), which float32 still orders up to r of about 10^5.
 */
export function softCapWide(r: number): number {
  return r <= 0.9 ? r : 1 - 0.1 / (1 + (r - 0.9) / 0.1);
}

/** The prior of candidate k: the mean of its defined calibrated views (see the header). */
export function priorOf(platt: CandidateTable['platt'], scores: Float32Array, tauTxt: Float32Array, k: number, E: number): number {
  let p = 0;
  let views = 0;
  for (let e = 0; e < E; e++) {
    p += applyPlatt(platt.score[e], scores[k * E + e]);
    views++;
    const t = tauTxt[k * E + e];
    if (!Number.isNaN(t) && platt.tauTxt[e].positives > 0 && platt.tauTxt[e].negatives > 0) {
      p += applyPlatt(platt.tauTxt[e], t);
      views++;
    }
  }
  return p / views;
}
