// View models for spaces, mining, review, metrics and multiplicity (issue 4–6 panels). They mirror
// what the core computes; the renderer reads them, main fills them.

export interface SpaceInfo {
  id: string;
  name: string;
  encoder: string;
  dims: number;
  probabilistic: boolean;
  parent: string | null;
  condition: string | null;
  createdAt: string | null;
}

export type ReviewLabel = 1 | 2 | 3 | 4 | 'invalid_image' | 'invalid_caption';

export const REVIEW_LABEL_TEXT: Record<string, string> = {
  '1': 'clearly correct',
  '2': 'correct with minor mistakes',
  '3': 'mostly wrong',
  '4': 'wrong',
  invalid_image: 'invalid image',
  invalid_caption: 'invalid caption',
};

export interface MineSummary {
  candidates: number;
  clusters: number;
  spaces: string[];
  seconds: number;
  precisionRecall?: Record<string, { precision: number; recall: number; taken: number }>;
  trueUnannotated?: number;
}

export interface ClusterSummary {
  id: number;
  kind: 'block' | 'caption_card' | 'image_card';
  position: number;
  servedBy: 'priority' | 'uncertainty';
  priority: number;
  expectedValid: number;
  costSeconds: number;
  captions: number[];
  images: number[];
  referenceImages: number[];
  pairs: number;
  /** Short text naming the unit (from its captions). */
  label: string;
  /** Pairs of the unit already decided. */
  reviewed: number;
}

export interface ReviewCandidate {
  image: number;
  caption: number;
  /** Probability of validity (prior, or the active-learning classifier once refit). */
  p: number;
  agreement: number;
  /** The current decision on the pair, if any. */
  decision: ReviewLabel | null;
  /** Valid per truth.jsonl (null without truth): shown only when the user asks to reveal truth. */
  truth: boolean | null;
}

export interface ReviewUnitView {
  cluster: ClusterSummary;
  candidates: ReviewCandidate[];
  /** Units still pending in the queue (this one included). */
  pending: number;
}

export interface ReviewDecisionInput {
  image: number;
  caption: number;
  label: ReviewLabel;
}

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

export interface ImportResultView {
  source: string;
  pairs: number;
  skipped: number;
  problems: string[];
}
