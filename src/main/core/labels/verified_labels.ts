// The verified positives of Metrics and `mlens eval --positives verified`, from the label model
// (SCIENCE 1.6, 4.2 step 7): annotated ∪ positives.jsonl, then per pair the label in effect
// (label_model.ts pairJudgements): valid adds the pair (a false-negative flag is a verified
// positive), a wrong-annotation flag removes it, a review 3–4 removes an annotated pair only with
// dropRejectedAnnotated. Items marked invalid drop out with all their pairs. The counts say how
// many pairs each kind of label added or removed, so every metric can show it.
import type { PositiveOptions, PositiveSets, PositiveCounts } from '../review/verified_positives.js';
import { invalidItems, pairJudgements, type PairLabel } from './label_model.js';
import type { VerifiedCounts } from '../../../shared/views/metrics.js';

export interface LabelPositiveSources {
  nImages: number;
  /** Caption → its annotated image. */
  annotated: ArrayLike<number>;
  /** The dataset's own extra pairs (positives.jsonl): [image, caption, label | 0]. */
  datasetPositives?: ReadonlyArray<readonly [number, number, number]>;
}

export function verifiedFromLabels(src: LabelPositiveSources, labels: readonly PairLabel[], opts: PositiveOptions = {}): PositiveSets {
  const nT = src.annotated.length;
  const strict = !!opts.strict;
  const sets: Set<number>[] = Array.from({ length: nT }, () => new Set<number>());
  const counts: PositiveCounts = { annotated: 0, fromDataset: 0, fromReviews: 0, fromImports: 0, fromFlags: 0, total: 0, droppedInvalid: 0, droppedRejected: 0, removedByFlags: 0 };
  const inRange = (i: number, c: number) => Number.isInteger(i) && Number.isInteger(c) && i >= 0 && i < src.nImages && c >= 0 && c < nT;
  const add = (i: number, c: number, what: 'annotated' | 'fromDataset' | 'fromReviews' | 'fromImports' | 'fromFlags'): void => {
    if (!inRange(i, c) || sets[c].has(i)) return;
    sets[c].add(i);
    counts[what]++;
  };
  for (let c = 0; c < nT; c++) add(src.annotated[c], c, 'annotated');
  for (const [i, c, label] of src.datasetPositives ?? []) {
    if (label === 0 || label === 1 || (label === 2 && !strict)) add(i, c, 'fromDataset');
  }
  for (const j of pairJudgements(labels, strict)) {
    if (!inRange(j.image, j.caption)) continue;
    if (j.verdict === 'valid') {
      add(j.image, j.caption, j.label.kind === 'flag' ? 'fromFlags' : j.label.kind === 'review' ? 'fromReviews' : 'fromImports');
    } else if (j.label.kind === 'flag') {
      if (sets[j.caption].delete(j.image)) counts.removedByFlags++;
    } else if (opts.dropRejectedAnnotated && src.annotated[j.caption] === j.image && sets[j.caption].delete(j.image)) {
      counts.droppedRejected++;
    }
  }
  const invalid = invalidItems(labels);
  if (opts.dropInvalid ?? true) {
    for (const c of invalid.captions) {
      if (c >= 0 && c < nT) {
        counts.droppedInvalid += sets[c].size;
        sets[c].clear();
      }
    }
    if (invalid.images.size) {
      for (let c = 0; c < nT; c++) for (const i of invalid.images) if (sets[c].delete(i)) counts.droppedInvalid++;
    }
  }
  for (const s of sets) counts.total += s.size;
  const sorted = (x: Set<number>) => [...x].sort((a, b) => a - b);
  return { t2i: sets.map((s) => Int32Array.from(sorted(s))), invalidImages: sorted(invalid.images), invalidCaptions: sorted(invalid.captions), counts };
}

/** The counts in the snake_case shape of every JSON output (Metrics panel, `mlens eval`). */
export function verifiedCounts(c: PositiveCounts): VerifiedCounts {
  return {
    annotated: c.annotated,
    from_dataset: c.fromDataset,
    from_reviews: c.fromReviews,
    from_imports: c.fromImports,
    from_flags: c.fromFlags,
    removed_by_flags: c.removedByFlags,
    dropped_invalid: c.droppedInvalid,
    dropped_rejected: c.droppedRejected,
    total: c.total,
  };
}
