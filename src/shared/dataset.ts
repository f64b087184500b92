// The dataset nouns shared by main, renderer and CLI (DESIGN.md "Data model").
// Pure types: imports nothing runtime-specific.

export type Modality = 'image' | 'caption';

/** A problem found while reading a dataset: names the file and, where there is one, the line or row. */
export interface Problem {
  severity: 'error' | 'warning';
  /** Path relative to the dataset folder (or absolute when outside it). */
  file: string;
  /** 1-based line (JSONL/CSV) or row (npy) where the problem is. */
  line?: number;
  message: string;
}

export type DatasetFormat = 'generic' | 'coco' | 'karpathy' | 'flickr' | 'img2dataset' | 'parquet' | 'clip-retrieval' | 'webdataset' | 'arrow';

export interface SplitCounts {
  images: number;
  captions: number;
}

export interface EmbeddingInfo {
  dims: number;
  dtype: 'float32' | 'float16';
  probabilistic: boolean;
  /** Where the vectors came from (meta.json "encoder", or "embeddings/*.npy"). */
  source: string;
  /**
   * Set when the embeddings exceed the memory budget: they stay on disk and are read shard by shard
   * (float32 bytes they would take, the budget in bytes).
   */
  onDisk?: { bytes: number; budgetBytes: number; mapSample: SampleInfo; knnSample: SampleInfo };
}

/** How an operation that cannot run on every row samples them: rows of `of`, the seed, and why. */
export interface SampleInfo {
  rows: number;
  of: number;
  seed: number;
  reason: string;
}

export interface DatasetSummary {
  /** Content hash of the dataset's index files (captions, truth, embeddings). */
  hash: string;
  root: string;
  name: string;
  format: DatasetFormat;
  images: number;
  captions: number;
  annotatedPairs: number;
  /** Images referenced by captions but missing on disk (still listed as items, marked missing). */
  missingImages: number;
  splits: Record<string, SplitCounts>;
  /** Items with no split (a generic folder's lines without "split"); split metrics leave them out. */
  withoutSplit: SplitCounts;
  /**
   * Set when the dataset has no train split: what the built-in encoder, the heads and the metrics use
   * instead (the split policy's deterministic 80/10/10 split by image, or everything when it is tiny).
   */
  noTrainSplit?: string | null;
  hasTruth: boolean;
  /** Extra valid pairs from positives.jsonl. */
  extraPositives: number;
  embeddings: EmbeddingInfo | null;
  problems: Problem[];
}

export interface ImageItemInfo {
  kind: 'image';
  index: number;
  id: string;
  /** Path relative to the dataset root, forward slashes. */
  path: string;
  split: string | null;
  missing: boolean;
}

export interface CaptionItemInfo {
  kind: 'caption';
  index: number;
  id: string;
  text: string;
  /** The annotated image of this caption. */
  imageIndex: number;
  split: string | null;
}

export type ItemInfo = ImageItemInfo | CaptionItemInfo;

/** Global item ids on the joint map: images first (0..nImages-1), then captions. */
export function itemKey(kind: Modality, index: number): string {
  return `${kind === 'image' ? 'i' : 'c'}${index}`;
}

/** The roles a caption table's columns can play (`--columns image=COL,caption=COL,…`, the column dialog). */
export const COLUMN_ROLES = ['image', 'caption', 'split', 'image_embedding', 'text_embedding'] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

/** Which table column holds what; from `--columns image=COL,caption=COL,split=COL` or the column dialog. */
export type ColumnMap = Partial<Record<ColumnRole, string>>;

/**
 * What a `ColumnMappingError` carries (`detail` of the error on the wire): the table's columns with
 * their types, the columns each role could be (best first) and the best guess per role.
 */
export interface ColumnMappingDetail {
  kind: 'column-mapping';
  /** The dataset folder and the table file (dataset-relative) whose columns could not be decided. */
  root: string;
  file: string;
  columns: Array<{ name: string; type: string }>;
  /** The roles that could not be decided (a required one without a column, or a given column that is not there). */
  undecided: ColumnRole[];
  candidates: Record<ColumnRole, string[]>;
  guess: ColumnMap;
}
