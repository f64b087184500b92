// Entry points for the app's panels over an opened project (project.ts): the multiplicity panel,
// the push of a selected pair, and the review-queue refresh after a batch.
import type { Dataset } from '../datasets/dataset.js';
import type { ReviewStore } from '../review/review_store.js';
import { pairTraining, readLabels } from '../labels/label_model.js';
import { sortedIncludes } from '../../../shared/sorted.js';
import { multiplicityStats, type MultiplicityStats } from './multiplicity_stats.js';
import { pairPush, type PairPush, type PushOptions } from './push.js';
import { annotatedOf, projectVerified } from './project.js';
import type { MiningSpaceInput } from './space_engine.js';

/** Per stored candidate, from the label model: 1 labelled valid, 0 labelled not valid, −1 neither (invalid items: −1). */
export function candidateLabels(reviews: ReviewStore, cands: { n: number; image: ArrayLike<number>; caption: ArrayLike<number> }, nImages: number, strict = false): Int8Array {
  const index = new Map<number, number>();
  for (let k = 0; k < cands.n; k++) index.set(cands.caption[k] * nImages + cands.image[k], k);
  const labels = new Int8Array(cands.n).fill(-1);
  for (const [key, verdict] of pairTraining(readLabels(reviews.db, { kinds: ['flag', 'review'] }), nImages, strict)) {
    const k = index.get(key);
    if (k !== undefined) labels[k] = verdict;
  }
  return labels;
}

/** The multiplicity panel: histograms, per-space precision, capture–recapture. */
export function projectMultiplicity(ds: Dataset, reviews: ReviewStore, opts: { strict?: boolean } = {}): MultiplicityStats {
  const cands = reviews.candidateColumns();
  const verified = projectVerified(ds, reviews, { strict: opts.strict });
  return multiplicityStats({
    nImages: ds.images.length,
    annotated: annotatedOf(ds),
    verified: verified.t2i,
    truth: ds.truth,
    spaces: cands.spaces,
    candidates: cands,
    labels: candidateLabels(reviews, cands, ds.images.length, opts.strict),
  });
}

/**
 * The push panel for a pair: InfoNCE push and its BCE equivalent, with |V_i| and |V_j| from the
 * truth when the dataset has it, else from annotated ∪ verified.
 */
export function projectPairPush(ds: Dataset, reviews: ReviewStore | null, space: MiningSpaceInput, image: number, caption: number, opts: Omit<PushOptions, 'validOfImage' | 'validOfCaption'> = {}): PairPush & { validFrom: 'truth' | 'verified' } {
  const t2i = ds.truth ?? (reviews ? projectVerified(ds, reviews).t2i : null);
  let validOfImage: number | undefined;
  let validOfCaption: number | undefined;
  if (t2i) {
    // Captions valid for the image, counted in each caption's list (inverting the whole table
    // built one JS array entry per valid pair: 470 million in a 20,000-image digits world).
    // Truth lists are ascending (datasets/truth.ts); verified ones are short.
    const listHas = (list: ArrayLike<number>, x: number): boolean => (ds.truth ? sortedIncludes(list, x) : Array.prototype.includes.call(list, x));
    let ofImage = 0;
    for (const list of t2i) if (listHas(list, image)) ofImage++;
    // The pair itself counts as valid (it is the one being examined).
    const hasPair = listHas(t2i[caption] ?? [], image);
    validOfImage = ofImage + (hasPair ? 0 : 1);
    validOfCaption = (t2i[caption]?.length ?? 0) + (hasPair ? 0 : 1);
  }
  const r = pairPush(space, annotatedOf(ds), image, caption, { ...opts, validOfImage, validOfCaption });
  return { ...r, validFrom: ds.truth ? 'truth' : 'verified' };
}
