// The review store's types and row mapping: what callers pass and get back (decisions, mining
// runs, candidates, review units, imported positives), the label helpers, and the SQLite rows
// behind them. review_store.ts re-exports all of it.
import type { ReviewLabel } from '../../../shared/views/review.js';

export type { ReviewLabel } from '../../../shared/views/review.js';

export const REVIEW_LABELS: readonly ReviewLabel[] = [1, 2, 3, 4, 'invalid_image', 'invalid_caption'];

export interface DecisionInput {
  image: number;
  caption: number;
  label: ReviewLabel;
  reviewer: string;
  /** Seconds the reviewer spent on this decision (null when unknown). */
  seconds?: number | null;
  /** The review unit the decision was made in, if any. */
  clusterId?: number | null;
}

export interface ReviewDecision {
  id: number;
  /** Decisions recorded by one call share a batch; undo takes back a whole batch. */
  batch: number;
  image: number;
  caption: number;
  label: ReviewLabel;
  reviewer: string;
  seconds: number | null;
  clusterId: number | null;
  /** ISO time of the decision. */
  at: string;
  undone: boolean;
}

export interface MiningRun {
  id: number;
  createdAt: string;
  spaces: string[];
  params: Record<string, unknown>;
  /** Calibrations of the prior (per space), as mining fitted them. */
  platt: unknown;
  /** The last classifier refit on reviews, or null. */
  classifier: unknown;
  candidates: number;
  clusters: number;
  seconds: number;
}

export interface CandidateRow {
  image: number;
  caption: number;
  runId: number;
  /** Bit e: in space e's top-k (spaces as in the run). */
  sources: number;
  agreement: number;
  rrf: number;
  zMean: number;
  margin: number;
  lev: number;
  tauImg: number;
  tauTxt: number;
  prior: number;
  p: number;
  clusterId: number | null;
  /** Raw score per space. */
  scores: number[];
  /** Per space [rank t→i, rank i→t], 0 = beyond the list. */
  ranks: number[];
}

/** 'check': pairs drawn at random from every candidate, to calibrate p̂ (mining/checks.ts). */
export type UnitKind = 'block' | 'caption_card' | 'image_card' | 'check';
export type ServedBy = 'priority' | 'uncertainty' | 'check';

export interface ClusterRow {
  id: number;
  runId: number;
  kind: UnitKind;
  /** 0-based place in the review queue. */
  position: number;
  servedBy: ServedBy;
  priority: number;
  expectedValid: number;
  uncertainty: number;
  costSeconds: number;
  captions: number[];
  /** Candidate images of the unit (grid columns). */
  images: number[];
  /** The captions' annotated images, shown as reference. */
  referenceImages: number[];
  pairs: number;
}

/** What saveMiningRun writes per candidate (columnar, like mining's CandidateTable). */
export interface CandidateColumns {
  n: number;
  image: ArrayLike<number>;
  caption: ArrayLike<number>;
  sources: ArrayLike<number>;
  agreement: ArrayLike<number>;
  rrf: ArrayLike<number>;
  zMean: ArrayLike<number>;
  margin: ArrayLike<number>;
  lev: ArrayLike<number>;
  tauImg: ArrayLike<number>;
  tauTxt: ArrayLike<number>;
  prior: ArrayLike<number>;
  p: ArrayLike<number>;
  /** n × E raw scores. */
  scores: Float32Array;
  /** n × E × 2 ranks: [t→i, i→t] per space, 1-based, 0 beyond the rank list. */
  ranks: Int32Array;
}

/** The stored candidates as typed columns (ReviewStore.candidateColumns(); mining's CandidateTable). */
export interface StoredCandidates extends CandidateColumns {
  /** Space ids; bit e of `sources` and column e of `scores` refer to spaces[e]. */
  spaces: string[];
  image: Int32Array;
  caption: Int32Array;
  /** Bit e set: the pair is in space e's top-k (either direction). */
  sources: Int32Array;
  agreement: Uint8Array;
  rrf: Float32Array;
  zMean: Float32Array;
  margin: Float32Array;
  lev: Uint8Array;
  tauImg: Float32Array;
  tauTxt: Float32Array;
  prior: Float32Array;
  /** Current probability of validity: the prior, or the classifier's once refit. */
  p: Float32Array;
  /** −1 when the pair is in no unit. */
  clusterId: Int32Array;
}

/** A unit as mining writes it: a row's scalar fields, with its index lists as any array. */
export interface UnitToSave extends Pick<ClusterRow, 'kind' | 'position' | 'servedBy' | 'priority' | 'expectedValid' | 'uncertainty' | 'costSeconds'> {
  captions: ArrayLike<number>;
  images: ArrayLike<number>;
  referenceImages: ArrayLike<number>;
  /** Candidate indices (into the columns) of the unit. */
  pairs: ArrayLike<number>;
}

export interface ExtraPositive {
  source: string;
  image: number;
  caption: number;
  /** ECCV scale label when the source had one (1–4), else 0. */
  label: number;
}

export function isReviewLabel(x: unknown): x is ReviewLabel {
  return (REVIEW_LABELS as readonly unknown[]).includes(x);
}

/** Lenient positive: ECCV answer 1 or 2; strict: 1 only. */
export function isPositiveLabel(label: ReviewLabel, strict = false): boolean {
  return strict ? label === 1 : label === 1 || label === 2;
}

export function isNegativeLabel(label: ReviewLabel): boolean {
  return label === 3 || label === 4;
}

export function parseLabel(text: string): ReviewLabel {
  return text === 'invalid_image' || text === 'invalid_caption' ? text : (Number(text) as 1 | 2 | 3 | 4);
}

export interface DecisionDbRow {
  id: number;
  batch: number;
  image_index: number;
  caption_index: number;
  label: string;
  reviewer: string;
  seconds: number | null;
  cluster_id: number | null;
  at: string;
  undone: number;
}

export function toDecision(r: DecisionDbRow): ReviewDecision {
  return {
    id: r.id,
    batch: r.batch,
    image: r.image_index,
    caption: r.caption_index,
    label: parseLabel(r.label),
    reviewer: r.reviewer,
    seconds: r.seconds,
    clusterId: r.cluster_id,
    at: r.at,
    undone: r.undone === 1,
  };
}

export interface CandidateDbRow {
  image_index: number;
  caption_index: number;
  run_id: number;
  sources: number;
  agreement: number;
  rrf: number;
  z_mean: number;
  margin: number;
  lev: number;
  tau_img: number;
  tau_txt: number;
  prior: number;
  p: number;
  cluster_id: number | null;
  scores: Buffer;
  ranks: Buffer;
}

export function blobF32(b: Buffer): number[] {
  return Array.from(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
}

export function blobI32(b: Buffer): number[] {
  return Array.from(new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
}

export function toCandidate(r: CandidateDbRow): CandidateRow {
  return {
    image: r.image_index,
    caption: r.caption_index,
    runId: r.run_id,
    sources: r.sources,
    agreement: r.agreement,
    rrf: r.rrf,
    zMean: r.z_mean,
    margin: r.margin,
    lev: r.lev,
    tauImg: r.tau_img,
    tauTxt: r.tau_txt,
    prior: r.prior,
    p: r.p,
    clusterId: r.cluster_id,
    scores: blobF32(r.scores),
    ranks: blobI32(r.ranks),
  };
}

export interface ClusterDbRow {
  id: number;
  run_id: number;
  kind: UnitKind;
  position: number;
  served_by: ServedBy;
  priority: number;
  expected_valid: number;
  uncertainty: number;
  cost_seconds: number;
  captions: string;
  images: string;
  reference_images: string;
  n_pairs: number;
}

export function toCluster(r: ClusterDbRow): ClusterRow {
  return {
    id: r.id,
    runId: r.run_id,
    kind: r.kind,
    position: r.position,
    servedBy: r.served_by,
    priority: r.priority,
    expectedValid: r.expected_valid,
    uncertainty: r.uncertainty,
    costSeconds: r.cost_seconds,
    captions: JSON.parse(r.captions) as number[],
    images: JSON.parse(r.images) as number[],
    referenceImages: JSON.parse(r.reference_images) as number[],
    pairs: r.n_pairs,
  };
}

/** Rows of the latest, not undone, decision per pair. */
export const EFFECTIVE = `
  SELECT d.* FROM review_decisions d
  JOIN (SELECT MAX(id) AS id FROM review_decisions WHERE undone = 0 GROUP BY caption_index, image_index) m ON d.id = m.id`;

export const UNREVIEWED = `NOT EXISTS (SELECT 1 FROM review_decisions d WHERE d.caption_index = k.caption_index AND d.image_index = k.image_index AND d.undone = 0)`;
