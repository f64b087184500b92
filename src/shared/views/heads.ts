// View models of heads and what they produce: training runs and epochs, saved heads, Σσ²
// (uncertainty and its diagnostics), glyphs and a pair's CSD.
import type { SpaceInfo } from './spaces.js';

/** 'residual': the closed-form residual-variance head (core/heads/residual.ts); no epochs. */
export type HeadKind = 'pcme' | 'cond' | 'multipos' | 'residual';

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
  /** Which epoch's weights the head kept: the best validation epoch's (default) or the last (the inclusion option). */
  kept: 'best' | 'last';
  stopped: 'epochs' | 'early' | 'user';
  val: { rPrecision: number; mapAtR: number };
  test: { rPrecision: number; mapAtR: number } | null;
  initial: { rPrecision: number; mapAtR: number };
  /** Validation scores of the last epoch (`val` is those of the weights kept, the best epoch's by default). */
  last: { rPrecision: number; mapAtR: number };
  againstTruth: boolean;
  seconds: number;
  backend: string;
  /** Conditional heads: one space per condition. */
  conditions: Array<{ condition: string; id: string }>;
  /** Conditional heads: cond vs the unconditioned control per aspect and direction, with the gallery rule named. */
  aspectComparison: AspectComparison | null;
  /** Residual-variance head: what its variance mixed in, and each check's outcome (as `mlens train` prints them). */
  varianceNotes: string[] | null;
}

// Conditional heads: the head against its unconditioned control, per aspect and direction
// (core/heads/cond_report.ts; the gallery rules are in core/heads/aspect_eval.ts).
export interface DirectionComparison {
  /** mAP@R of the conditional head and of the control (null: no control was trained). */
  cond: number;
  control: number | null;
  /** cond − control. */
  delta: number | null;
  /** R-Precision of both. */
  condRPrecision: number;
  controlRPrecision: number | null;
  queries: number;
  gallery: number;
}

export interface AspectComparisonRow {
  aspect: string;
  captions: number;
  i2t: DirectionComparison;
  t2i: DirectionComparison;
  /** The same head pair under the 'all-captions' rule (mAP@R per direction), for reference. */
  allCaptions: { i2t: { cond: number; control: number | null }; t2i: { cond: number; control: number | null } } | null;
}

export interface AspectComparison {
  /** The split the figures are on: test when there is one, else validation. */
  role: 'test' | 'val';
  /** The gallery rule of the i2t / t2i figures, and what it means. */
  galleryRule: string;
  galleryRuleText: string;
  referenceRule: string;
  referenceRuleText: string;
  aspects: AspectComparisonRow[];
  /** Means over aspects, per direction. */
  mean: { i2t: { cond: number; control: number | null }; t2i: { cond: number; control: number | null } };
}

export interface HeadView {
  id: string;
  name: string;
  kind: string;
  parent: string;
  createdAt: string;
  positives: 'annotated' | 'extra';
  extraPairs: number;
  /** Validation and test scores of the weights the head kept. */
  val: { rPrecision: number; mapAtR: number };
  test: { rPrecision: number; mapAtR: number } | null;
  /** Which epoch's weights it kept: the best validation epoch's, or the last (the PCME++ inclusion option). */
  kept: 'best' | 'last';
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

/**
 * Effective partners of a space (core/metrics/effective_partners.ts): N_eff = exp(entropy of the
 * softmax over the other modality's items at temperature τ), per image and per caption.
 */
export interface PartnersView {
  spaceId: string;
  image: Float32Array;
  text: Float32Array;
  tau: number;
  galleryImages: number;
  galleryCaptions: number;
  sampled: boolean;
  /** What N_eff ranks with (the Σσ² diagnostics, same fields); null without truth or known positives. */
  diagnostics: VarianceDiagnostics | null;
  /** Why nothing was computed (the space is over the compute budget); arrays are then empty. */
  tooLarge: string | null;
}

/** What Σσ² is ranked against: true multiplicity, distance to the nearest partner, known positives. */
export type VarianceAgainst = 'multiplicity' | 'nearest' | 'known';

export interface VarianceCorrelation {
  against: VarianceAgainst;
  /** Which items: all (sampled) or only those of validation/test images (multiplicity only). */
  scope?: 'all' | 'val+test';
  /** val+test rows: the split policy's derived val + test images (the dataset has no train split). */
  derived?: boolean;
  /** Spearman ρ of Σσ² with it (NaN when one side is constant). */
  rho: number;
  /**
   * Multiplicity rows: partial Spearman of Σσ² with multiplicity given the distance to the nearest
   * partner (Pearson partial correlation of ranks); what Σσ² says about multiplicity beyond that distance.
   */
  partialRho?: number;
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
