// View models of mining and review: the run summary, review units and their candidates, decisions,
// p̂'s calibration, and imported positives.
import type { FlagLabel } from '../flags.js';

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
  /** The same budgets with the same-text candidates left out (what a reviewer judges once they are accepted); absent without any. */
  precisionRecallNeedingReview?: Record<string, { precision: number; recall: number; taken: number }>;
  /** True unannotated pairs mining could propose: within the mined splits (the recall's denominator). */
  trueUnannotated?: number;
  /** True unannotated pairs whose image and caption sit in different splits: mining stays inside a split, so they are counted apart (absent when mining did not split). */
  trueUnannotatedCrossSplit?: number;
  /** The prior before any review ('pu-multiplicity': each caption's chance of annotation 1/its effective partners). */
  prior?: 'pu-multiplicity' | 'pu' | 'platt';
  /** Whether p̂ was weighed by caption multiplicity and why ('auto': the words-vs-space agreement check). */
  multiplicity?: { mode: 'auto' | 'on' | 'off'; applied: boolean; agreement: number | null; threshold: number; captions: number; reason: string };
  /**
   * Candidates that read exactly like a caption annotated on their image (valid by the annotation),
   * their share of the pool and of the first `top` candidates by p̂ before any review
   * (mining/same_text.ts).
   */
  sameText?: { pairs: number; share: number; percentile: number | null; top: number; topShare: number };
}

/** What `review.acceptSameText` did. */
export interface SameTextAcceptView {
  /** Same-text candidates flagged valid now (one batch). */
  accepted: number;
  /** Left alone: a flag or review already labels them. */
  labelled: number;
  /** Left alone: their annotated twin is judged a wrong annotation. */
  twinRejected: number;
  message: string;
}

export interface ClusterSummary {
  id: number;
  /** 'check': pairs drawn at random from every candidate, so p̂ can be calibrated where the queue never looks. */
  kind: 'block' | 'caption_card' | 'image_card' | 'check';
  position: number;
  servedBy: 'priority' | 'uncertainty' | 'check';
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
  /** 'selection': sent from a lasso or marquee selection on the map (not made by mining). */
  source?: 'mining' | 'selection';
}

/** What `review.sendSelection` made of a map selection. */
export interface SelectionUnitResult {
  clusterId: number;
  /** Captions (rows) and images (columns) of the unit: every caption × image is a pair to review. */
  captions: number;
  images: number;
  pairs: number;
  /** Pairs no mining run had found (the rest were moved from their mined unit). */
  added: number;
  selectedCaptions: number;
  selectedImages: number;
  /** The selection had more captions or images than a unit holds; `message` says what was kept. */
  capped: boolean;
  message: string;
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
  /** Share of the unreviewed candidates whose p̂ falls where enough pairs were reviewed (null: not known). */
  coverage?: number | null;
  /** The reviews' calibration error weighted like the unreviewed candidates (null: not known). */
  ecePopulation?: number | null;
  /** Reviewed calibration checks (random candidates), and their cross-validated ECE once there are enough. */
  checks?: number;
  eceChecks?: number | null;
  minChecks?: number;
  /** The share of the unreviewed candidates the reviews must speak for when the checks do not vouch for them. */
  minCoverage?: number;
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
