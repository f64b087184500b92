// View models of the Metrics and Multiplicity tabs and of one pair's push.

export interface Histogram {
  counts: number[];
  n: number;
  mean: number;
  median: number;
  max: number;
}

export interface PrecisionRow {
  candidates: number;
  reviewed: number;
  confirmed: number;
  precision: number | null;
  truthPrecision: number | null;
}

export interface MultiplicityView {
  imagesPerCaption: { annotated: Histogram; verified: Histogram; true: Histogram | null };
  captionsPerImage: { annotated: Histogram; verified: Histogram; true: Histogram | null };
  perSpace: Array<{ space: string } & PrecisionRow>;
  byAgreement: Array<{ agreement: number } & PrecisionRow>;
  captureRecapture: Array<{ spaceIds: [string, string]; estimate: number; remainingExtrapolated: number; queries: number; trueTotal: number | null; bias: number | null }>;
}

export interface MetricsValues {
  recall_at: Record<string, number>;
  r_precision: number;
  map_at_r: number;
  pmrp: number | null;
  queries: { evaluated: number; skipped_empty: number };
}

export interface MetricsTableView {
  rows: Array<{ space: string; positives: string; i2t: MetricsValues; t2i: MetricsValues }>;
  rankCorrelation: Record<string, number | null>;
  /** The split the galleries and queries were drawn from ('all': every item). */
  split: string;
  /** The split in words, as `mlens eval` prints it ("test", or "test (derived 80/10/10 by image, …)"). */
  splitDescription?: string;
  /** The split is the split policy's derived one (the dataset has no train split), not the dataset's labels. */
  splitDerived?: boolean;
  /** The splits the table can be evaluated on, with their sizes ('all' last); derived: the policy's split by image. */
  splits: Array<{ name: string; images: number; captions: number; derived?: boolean }>;
  /** Per positive set: positive pairs left out because one side lies outside the split. */
  droppedOutside: Record<string, number>;
  /** How the labels changed the verified set (label model), shown beside the numbers. */
  verified?: VerifiedCounts;
}

/** Pairs each kind of label added to or removed from the verified positives. */
export interface VerifiedCounts {
  annotated: number;
  from_dataset: number;
  from_reviews: number;
  from_imports: number;
  from_flags: number;
  removed_by_flags: number;
  dropped_invalid: number;
  dropped_rejected: number;
  total: number;
}

export interface PairPushView {
  image: number;
  caption: number;
  cos: number;
  temperature: number;
  batchSize: number;
  validFrom: 'truth' | 'verified';
  infoNce: {
    expectedForce: number;
    conditionalForce: number;
    pushShareRow: number;
    pushShareCol: number;
    gradientErrorRow: number;
    gradientErrorCol: number;
    coBatchProbability: number;
  };
  bce: { csd: number; logit: number; push: number; ppPush: number };
}
