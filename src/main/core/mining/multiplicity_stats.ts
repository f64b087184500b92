// The multiplicity panel's numbers (SCIENCE 1.8, 4.2 step 8, 6.5): valid images per caption and
// captions per image (annotated / verified / true), per-space and agreement-stratified candidate
// precision (from reviews, and against the truth when the dataset ships it), and the
// capture–recapture estimate of the false negatives still unfound (with its bias against the
// truth where there is one).
import { estimateRemaining, type RecaptureEstimate } from './capture_recapture.js';
import type { Histogram, PrecisionRow } from '../../../shared/views/metrics.js';
import { TruthPairs } from './truth_pairs.js';

export type { Histogram, PrecisionRow } from '../../../shared/views/metrics.js';

export function histogram(values: ArrayLike<number>): Histogram {
  const n = values.length;
  let max = 0;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    max = Math.max(max, values[k]);
    sum += values[k];
  }
  const counts = new Array<number>(max + 1).fill(0);
  for (let k = 0; k < n; k++) counts[values[k]]++;
  let median = 0;
  if (n) {
    const half = (n - 1) / 2;
    let acc = 0;
    let lo = -1;
    let hi = -1;
    for (let v = 0; v <= max; v++) {
      const next = acc + counts[v];
      if (lo < 0 && next > Math.floor(half)) lo = v;
      if (hi < 0 && next > Math.ceil(half)) hi = v;
      acc = next;
    }
    median = (lo + hi) / 2;
  }
  return { counts, n, mean: n ? sum / n : 0, median, max };
}


export interface MultiplicityStats {
  imagesPerCaption: { annotated: Histogram; verified: Histogram; true: Histogram | null };
  captionsPerImage: { annotated: Histogram; verified: Histogram; true: Histogram | null };
  perSpace: Array<{ space: string } & PrecisionRow>;
  byAgreement: Array<{ agreement: number } & PrecisionRow>;
  captureRecapture: Array<RecaptureEstimate & { spaceIds: [string, string]; trueTotal: number | null; bias: number | null }>;
}

export interface StatsInput {
  nImages: number;
  /** Caption → annotated image. */
  annotated: ArrayLike<number>;
  /** Per caption: annotated ∪ verified images (verified_positives.ts). */
  verified: readonly ArrayLike<number>[];
  /** Per caption: all valid images, or null. */
  truth?: readonly ArrayLike<number>[] | null;
  spaces: string[];
  candidates: { n: number; image: ArrayLike<number>; caption: ArrayLike<number>; sources: ArrayLike<number>; agreement: ArrayLike<number> };
  /** Per candidate: 1 reviewed valid, 0 reviewed not valid, −1 not reviewed. */
  labels: ArrayLike<number>;
}

function perImage(lists: readonly ArrayLike<number>[], nImages: number): Int32Array {
  const out = new Int32Array(nImages);
  for (const l of lists) for (let k = 0; k < l.length; k++) if (l[k] >= 0 && l[k] < nImages) out[l[k]]++;
  return out;
}

export function multiplicityStats(input: StatsInput): MultiplicityStats {
  const { nImages, annotated, verified, truth } = input;
  const nT = annotated.length;
  const annLists = Array.from({ length: nT }, (_, c) => (annotated[c] >= 0 ? [annotated[c]] : []));
  const lengths = (lists: readonly ArrayLike<number>[]): Int32Array => Int32Array.from(lists, (l) => l.length);
  const c = input.candidates;
  const truthSet = truth ? new TruthPairs(truth, nImages, { annotated }) : null;
  const row = (pick: (k: number) => boolean): PrecisionRow => {
    let candidates = 0;
    let reviewed = 0;
    let confirmed = 0;
    let trueHits = 0;
    for (let k = 0; k < c.n; k++) {
      if (!pick(k)) continue;
      candidates++;
      if (input.labels[k] >= 0) reviewed++;
      if (input.labels[k] === 1) confirmed++;
      if (truthSet?.has(c.caption[k] * nImages + c.image[k])) trueHits++;
    }
    return { candidates, reviewed, confirmed, precision: reviewed ? confirmed / reviewed : null, truthPrecision: truthSet && candidates ? trueHits / candidates : null };
  };
  const perSpace = input.spaces.map((space, e) => ({ space, ...row((k) => ((c.sources[k] >> e) & 1) === 1) }));
  let maxAgree = 0;
  for (let k = 0; k < c.n; k++) maxAgree = Math.max(maxAgree, c.agreement[k]);
  const byAgreement = [];
  for (let a = 0; a <= maxAgree; a++) byAgreement.push({ agreement: a, ...row((k) => c.agreement[k] === a) });

  const captureRecapture: MultiplicityStats['captureRecapture'] = [];
  for (let a = 0; a < input.spaces.length; a++) {
    for (let b = a + 1; b < input.spaces.length; b++) {
      const est = estimateRemaining({ image: c.image, caption: c.caption, sources: c.sources, label: input.labels, nCaptions: nT }, a, b);
      if (!est) continue;
      let trueTotal: number | null = null;
      if (truth) {
        // The true number of unannotated valid pairs of the fully reviewed queries.
        const complete = new Map<number, boolean>();
        for (let k = 0; k < c.n; k++) complete.set(c.caption[k], (complete.get(c.caption[k]) ?? true) && input.labels[k] >= 0);
        trueTotal = 0;
        for (const [t, done] of complete) {
          if (!done) continue;
          const imgs = truth[t];
          for (let k = 0; k < imgs.length; k++) if (imgs[k] !== annotated[t]) trueTotal++;
        }
      }
      captureRecapture.push({ ...est, spaceIds: [input.spaces[a], input.spaces[b]], trueTotal, bias: trueTotal == null ? null : est.estimate - trueTotal });
    }
  }
  return {
    imagesPerCaption: { annotated: histogram(lengths(annLists)), verified: histogram(lengths(verified)), true: truth ? histogram(lengths(truth)) : null },
    captionsPerImage: {
      annotated: histogram(perImage(annLists, nImages)),
      verified: histogram(perImage(verified, nImages)),
      true: truth ? histogram(perImage(truth, nImages)) : null,
    },
    perSpace,
    byAgreement,
    captureRecapture,
  };
}
