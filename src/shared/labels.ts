// The pair-label model (core/labels/label_model.ts): every label, however it was made, is one
// kind of record. Shared so the renderer can show labels and export previews.
import type { FlagLabel } from './flags.js';

/** Where a label came from: a click in Inspect, a review key, a lasso selection, an import file, a rule (same-text pairs). */
export type LabelSource = 'click' | 'review' | 'lasso' | 'import' | 'rule';
export type LabelKind = 'flag' | 'review' | 'import';

export interface PairLabel {
  /** Stable id: 'flag:ID', 'review:ID' or 'import:FILE:CAPTION:IMAGE'. */
  key: string;
  kind: LabelKind;
  target: 'pair' | 'item';
  /** Image index (null for a caption item label). */
  image: number | null;
  /** Caption index (null for an image item label). */
  caption: number | null;
  /** ECCV Caption scale: 1 clearly correct … 4 wrong (null when the label has none). */
  scale: 1 | 2 | 3 | 4 | null;
  /** Flag kind, or the item a review marked invalid. */
  flag: FlagLabel | 'invalid_image' | 'invalid_caption' | null;
  note: string;
  who: string | null;
  /** ISO time the label was made (null for imports). */
  at: string | null;
  source: LabelSource;
  /** The review unit ('unit 12'), lasso selection or import file the label came from. */
  provenance: string | null;
  /** Pair flags: whether the pair is annotated in the dataset. */
  annotated: boolean | null;
}

/** What an export will hold, by kind (shown before writing). */
export interface ExportPreview {
  total: number;
  bySource: Record<LabelSource, number>;
  flags: Partial<Record<FlagLabel, number>>;
  /** Review decisions by key: '1'…'4', 'invalid_image', 'invalid_caption'. */
  reviews: Partial<Record<string, number>>;
  imports: number;
}

/**
 * File formats labels export to: every label and the verified positives (sqlite, parquet, csv,
 * jsonl), or the verified positives alone in the layouts other tools read (cxc: a CxC SITS-style
 * CSV; eccv: ECCV Caption's caption→image and image→caption JSON files).
 */
export const EXPORT_FORMATS = ['sqlite', 'parquet', 'csv', 'jsonl', 'cxc', 'eccv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
