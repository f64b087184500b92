// View models for spaces, mining, review, metrics and multiplicity (the analysis panels). They mirror
// what the core computes; the renderer reads them, main fills them.
import type { FlagLabel } from './flags.js';

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
  /** The latest flag on the pair (label model: a click or lasso flag), if any. */
  flag?: FlagLabel | null;
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

export interface ImportResultView {
  source: string;
  pairs: number;
  skipped: number;
  problems: string[];
  /** A label export (sqlite, parquet, csv, jsonl): the labels restored by kind. */
  labels?: { flags: number; reviews: number; imports: number; alreadyPresent: number };
  /** E.g. the file was exported from a dataset with another hash. */
  warnings?: string[];
}

// ---- Heads, uncertainty and glyphs ----

export type HeadKind = 'pcme' | 'cond' | 'multipos';

export interface TrainEpochEvent {
  type: 'train';
  jobId: string;
  epoch: number;
  epochs: number;
  loss: number;
  /** Validation R-Precision and mAP@R (mean of both directions). */
  valRPrecision: number;
  valMapAtR: number;
  best: boolean;
  seconds: number;
}

export interface TrainResultView {
  space: SpaceInfo;
  head: string;
  /** Spearman correlation of caption total variance with true multiplicity (with truth). */
  spearman: number | null;
  /** Which captions `spearman` is over: held-out (validation + test images) or all. */
  spearmanScope: 'held-out' | 'all' | null;
  /** The same over every caption. */
  spearmanAll: number | null;
  /** Where train/val/test came from when not the dataset's own splits (a derived 80/10/10 split…), else null. */
  splitNote: string | null;
  /** Conditional heads on data without built-in aspects: share of captions per aspect, and warnings. */
  conditionCoverage: { source: string; share: Record<string, number>; warnings: string[] } | null;
  bestEpoch: number;
  stopped: 'epochs' | 'early' | 'user';
  val: { rPrecision: number; mapAtR: number };
  test: { rPrecision: number; mapAtR: number } | null;
  initial: { rPrecision: number; mapAtR: number };
  againstTruth: boolean;
  seconds: number;
  backend: string;
  /** Conditional heads: one space per condition. */
  conditions: Array<{ condition: string; id: string }>;
}

export interface HeadView {
  id: string;
  name: string;
  kind: string;
  parent: string;
  createdAt: string;
  positives: 'annotated' | 'extra';
  extraPairs: number;
  val: { rPrecision: number; mapAtR: number };
  test: { rPrecision: number; mapAtR: number } | null;
  curves: Array<{ epoch: number; loss: number; rPrecision: number; mapAtR: number }>;
  spaces: Array<{ id: string; condition: string | null }>;
}

export interface UncertaintyView {
  spaceId: string;
  /** Σσ² per image / caption (item order). */
  image: Float32Array;
  text: Float32Array;
  /** What Σσ² follows in this space (rank correlations); null when it could not be computed. */
  diagnostics: VarianceDiagnostics | null;
}

/** What Σσ² is ranked against: true multiplicity, distance to the nearest partner, known positives. */
export type VarianceAgainst = 'multiplicity' | 'nearest' | 'known';

export interface VarianceCorrelation {
  against: VarianceAgainst;
  /** Which items: all (sampled) or only those of validation/test images (multiplicity only). */
  scope?: 'all' | 'val+test';
  /** Spearman ρ of Σσ² with it (NaN when one side is constant). */
  rho: number;
  /** Items it was computed over. */
  n: number;
}

/**
 * Rank correlations of each item's Σσ² with its true multiplicity (truth.jsonl), the squared distance
 * to the nearest mean of the other modality in its split, and (captions) the positives known beyond
 * the annotation.
 */
export interface VarianceDiagnostics {
  captions: VarianceCorrelation[];
  images: VarianceCorrelation[];
  /** Items per modality were a seeded sample. */
  sampled: boolean;
  seconds: number;
}

export interface GlyphsView {
  spaceId: string;
  /** Per map point (images then captions, as the projection): CSD disk radius ρ = s·√T in map units. */
  radius: Float32Array;
  /** n × 3: semi-axes a, b and angle (radians) of the anisotropy ellipse (zeros when hidden). */
  ellipse: Float32Array;
  /** 1 where the ellipse passes the fit (R² ≥ 0.5) and anisotropy (λ₁/λ₂ ≥ 1.2) tests. */
  ellipseShown: Uint8Array;
  /** Local fit quality R² (hatch glyphs where it is low). */
  r2: Float32Array;
  /** T = Σσ² per point. */
  trace: Float32Array;
  seconds: number;
}

/** The exact D-dimensional CSD of one image–caption pair (detail panel). */
export interface PairCsdView {
  /** ‖μ_v − μ_t‖². */
  meanDistance2: number;
  /** Σσ² of the image and of the caption. */
  imageTrace: number;
  textTrace: number;
  csd: number;
  /** sigmoid(−a·csd + b) with the head's a, b. */
  probability: number;
  /** The cosine of the two means (for comparison with deterministic spaces). */
  cosine: number;
  a: number;
  b: number;
}

/** Whether p̂ (mining's probability that a pair is valid) can be read as a probability, measured on the user's reviews. */
export interface CalibrationView {
  /** Reviewed candidates with a usable label. */
  reviewed: number;
  /** Cross-validated expected calibration error after the isotonic correction, and before it. */
  ece: number;
  eceRaw: number;
  bins: Array<{ lo: number; hi: number; n: number; meanP: number; observed: number }>;
  calibrated: boolean;
  /** Why p̂ is shown as a rank instead (null when calibrated). */
  reason: string | null;
  minReviews: number;
  maxEce: number;
}
