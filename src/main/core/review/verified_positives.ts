// Positive sets for metrics (SCIENCE 1.6, 4.2 step 7): annotated ∪ verified.
//
// verified = the dataset's positives.jsonl pairs (label 1–2, or no label) ∪ imported positives ∪
// reviewed pairs whose decision in effect is 1 or 2 (lenient; 1 only when strict, ECCV's
// `strict_pos`). Items a reviewer marked invalid are dropped with their pairs (their queries then
// have no positives and are skipped by the metrics), as ECCV Caption drops invalid items.
// Optionally an annotated pair reviewed 3–4 is dropped too (ECCV's "wrong captions"); off by
// default, because one reviewer's 'wrong' on an original pair is a strong claim.
import type { ExtraPositive, ReviewDecision } from './review_store.js';
import { isPositiveLabel } from './review_store.js';

export interface PositiveSources {
  nImages: number;
  /** Caption → its annotated image. */
  annotated: ArrayLike<number>;
  /** The dataset's own extra pairs (positives.jsonl): [image, caption, label | 0]. */
  datasetPositives?: ReadonlyArray<readonly [number, number, number]>;
  /** Decisions in effect (ReviewStore.effectiveDecisions()). */
  decisions?: readonly ReviewDecision[];
  extra?: readonly ExtraPositive[];
}

export interface PositiveOptions {
  /** Count only ECCV answer 1 as positive (default: 1 and 2). */
  strict?: boolean;
  /** Drop items marked invalid (default true). */
  dropInvalid?: boolean;
  /** Drop annotated pairs reviewed 3 or 4 (default false). */
  dropRejectedAnnotated?: boolean;
}

export interface PositiveSets {
  /** Per caption: sorted positive images. */
  t2i: Int32Array[];
  invalidImages: number[];
  invalidCaptions: number[];
  counts: PositiveCounts;
}

export interface PositiveCounts {
  annotated: number;
  fromDataset: number;
  fromReviews: number;
  fromImports: number;
  /** Pairs added by false-negative flags (label model). */
  fromFlags: number;
  total: number;
  droppedInvalid: number;
  droppedRejected: number;
  /** Pairs removed by wrong-annotation flags (label model). */
  removedByFlags: number;
}

function finish(sets: Set<number>[]): Int32Array[] {
  return sets.map((s) => Int32Array.from([...s].sort((a, b) => a - b)));
}

/** The annotated pairs only: one image per caption. */
export function annotatedPositives(annotated: ArrayLike<number>): Int32Array[] {
  return Array.from({ length: annotated.length }, (_, c) => (annotated[c] >= 0 ? Int32Array.of(annotated[c]) : new Int32Array(0)));
}

/** Annotated ∪ verified positives (see the file header). */
export function verifiedPositives(src: PositiveSources, opts: PositiveOptions = {}): PositiveSets {
  const nT = src.annotated.length;
  const strict = !!opts.strict;
  const sets: Set<number>[] = Array.from({ length: nT }, () => new Set<number>());
  const counts: PositiveCounts = { annotated: 0, fromDataset: 0, fromReviews: 0, fromImports: 0, fromFlags: 0, total: 0, droppedInvalid: 0, droppedRejected: 0, removedByFlags: 0 };
  const add = (i: number, c: number, what: 'annotated' | 'fromDataset' | 'fromReviews' | 'fromImports'): void => {
    if (!Number.isInteger(i) || !Number.isInteger(c) || i < 0 || i >= src.nImages || c < 0 || c >= nT) return;
    if (sets[c].has(i)) return;
    sets[c].add(i);
    counts[what]++;
  };
  for (let c = 0; c < nT; c++) add(src.annotated[c], c, 'annotated');
  for (const [i, c, label] of src.datasetPositives ?? []) {
    if (label === 0 || label === 1 || (label === 2 && !strict)) add(i, c, 'fromDataset');
  }
  for (const e of src.extra ?? []) {
    if (e.label === 0 || e.label === 1 || (e.label === 2 && !strict)) add(e.image, e.caption, 'fromImports');
  }
  const invalidImages = new Set<number>();
  const invalidCaptions = new Set<number>();
  for (const d of src.decisions ?? []) {
    if (d.label === 'invalid_image') invalidImages.add(d.image);
    else if (d.label === 'invalid_caption') invalidCaptions.add(d.caption);
    else if (isPositiveLabel(d.label, strict)) add(d.image, d.caption, 'fromReviews');
    else if (opts.dropRejectedAnnotated && (d.label === 3 || d.label === 4) && src.annotated[d.caption] === d.image && sets[d.caption]?.delete(d.image)) {
      counts.droppedRejected++;
    }
  }
  if (opts.dropInvalid ?? true) {
    for (const c of invalidCaptions) {
      if (c >= 0 && c < nT) {
        counts.droppedInvalid += sets[c].size;
        sets[c].clear();
      }
    }
    if (invalidImages.size) {
      for (let c = 0; c < nT; c++) {
        for (const i of invalidImages) if (sets[c].delete(i)) counts.droppedInvalid++;
      }
    }
  }
  for (const s of sets) counts.total += s.size;
  return { t2i: finish(sets), invalidImages: [...invalidImages].sort((a, b) => a - b), invalidCaptions: [...invalidCaptions].sort((a, b) => a - b), counts };
}

/** Per image: its positive captions (the inverse of t2i). */
export function invertT2I(t2i: readonly ArrayLike<number>[], nImages: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: nImages }, () => []);
  t2i.forEach((imgs, c) => {
    for (let k = 0; k < imgs.length; k++) if (imgs[k] >= 0 && imgs[k] < nImages) lists[imgs[k]].push(c);
  });
  return lists.map((l) => Int32Array.from(l));
}
