// The one API the renderer (and the CLI's serve mode) uses. Two transports implement it:
// Electron IPC (preload facade) and WebSocket (browser mode). Requests are validated in main
// with the schemas in schemas.ts; method names are the keys of LensApi.
import type { DatasetSummary, ImageItemInfo, CaptionItemInfo } from './dataset.js';
import type { Flag, FlagLabel, FlagTarget } from './flags.js';
import type { DirectoryListing, ItemValueColumn, SearchResult } from './map_tools.js';
import type { CalibrationView, GlyphsView, HeadKind, HeadView, PairCsdView, TrainEpochEvent, TrainResultView, UncertaintyView, ClusterSummary, ImportResultView, MetricsTableView, MineSummary, MultiplicityView, PairPushView, ReviewDecisionInput, ReviewUnitView, SpaceInfo } from './analysis.js';
import type { ExportFormat, ExportPreview, PairLabel } from './labels.js';

export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  /** Compute backend used by the main process (shown in the status bar). */
  backend: string;
  dataDir: string;
  /** A native folder picker exists (Electron only). */
  canPickFolder: boolean;
}

export interface Session {
  dataset: DatasetSummary | null;
  /** Where the project store lives (SQLite file). */
  storePath: string | null;
  canUndo: boolean;
  canRedo: boolean;
  /** The space the map, neighbours and push use. */
  spaceId: string | null;
  spaces: SpaceInfo[];
  /** The last mining run of this project (so a reload still shows its summary). */
  lastMining: MineSummary | null;
}

export interface ItemTable {
  images: Array<Pick<ImageItemInfo, 'id' | 'path' | 'missing' | 'split'>>;
  captions: Array<Pick<CaptionItemInfo, 'id' | 'text' | 'imageIndex' | 'split'>>;
}

export interface Projection {
  /** Interleaved x,y: images first (index i), then captions (index nImages + c). */
  xy: Float32Array;
  nImages: number;
  nCaptions: number;
  method: 'umap' | 'pca';
  params: { nNeighbors: number; minDist: number; nEpochs: number; seed: number };
  seconds: number;
  cached: boolean;
  /** How the map's neighbour graph was made; recall@k against exact search when approximate. */
  knn?: { method: 'exact' | 'nn-descent'; seconds: number; recall?: { recall: number; min: number; sampled: number; k: number } };
}

export interface Neighbor {
  kind: 'image' | 'caption';
  index: number;
  similarity: number;
  /** The pair (query, neighbour) is annotated in the dataset. */
  annotated: boolean;
  /** The pair is valid per truth.jsonl (null when the dataset has no truth). */
  valid: boolean | null;
}

export interface ItemDetail {
  kind: 'image' | 'caption';
  index: number;
  /** Annotated partners (captions of an image, or the image of a caption). */
  partners: number[];
  /** Top-k cross-modal neighbours in the original embedding space (not 2-D). */
  neighbors: Neighbor[];
  /** Truth-aware counts where truth.jsonl exists: valid partners versus annotated. */
  truePartners: number | null;
}

export interface ExportResult {
  path: string;
  /** Every label exported: flags + review decisions + imported positives. */
  labels: number;
  flags: number;
  reviews: number;
  imports: number;
  images: number;
  captions: number;
  /** The format written (default sqlite). */
  format?: ExportFormat;
  /** Verified positive pairs written (annotated ∪ pairs labels say are valid). */
  positives?: number;
  /** Every file written (ECCV writes two: caption→image and image→caption). */
  files?: string[];
  /** What a reader of the file should know (e.g. ids that are not integers for eccv_caption). */
  warnings?: string[];
  /** Browser mode: a URL (with token) to download the file. */
  downloadUrl?: string;
}

export interface JobEvent {
  type: 'job';
  jobId: string;
  kind: string;
  state: 'running' | 'done' | 'error' | 'cancelled';
  phase: string;
  done: number;
  total: number;
  message?: string;
  /** Set while the job waits for a free slot: its place in the queue (1 = next). */
  queued?: number;
  /** Projection jobs: the map so far (interleaved x,y, same order as Projection.xy), sent every few epochs. */
  xy?: Float32Array;
}

export interface FlagsEvent {
  type: 'flags';
  flags: Flag[];
  canUndo: boolean;
  canRedo: boolean;
}

export interface SessionEvent {
  type: 'session';
  session: Session;
}

export interface ReviewsEvent {
  type: 'reviews';
  decisions: number;
  canUndo: boolean;
}

export interface MiningEvent {
  type: 'mining';
  summary: MineSummary;
}

/** Another process (a second app window, a CLI) changed the project store; flags and reviews events follow. */
export interface StoreChangedEvent {
  type: 'store';
  origin: 'other-process';
}

export type LensEvent = JobEvent | FlagsEvent | SessionEvent | ReviewsEvent | MiningEvent | TrainEpochEvent | StoreChangedEvent;

export interface LensApi {
  appInfo(): Promise<AppInfo>;
  getSession(): Promise<Session>;
  /** `strict`: an invalid line in captions.jsonl, truth.jsonl or positives.jsonl stops the open instead of being skipped. */
  openDataset(req: { path: string; strict?: boolean }): Promise<Session>;
  openSample(req: { jobId: string }): Promise<Session>;
  pickFolder(): Promise<string | null>;
  getItems(): Promise<ItemTable>;
  getProjection(req: { jobId: string; recompute?: boolean; method?: 'umap' | 'pca'; nNeighbors?: number; seed?: number }): Promise<Projection>;
  getItemDetail(req: { kind: 'image' | 'caption'; index: number; k?: number }): Promise<ItemDetail>;
  listFlags(): Promise<Flag[]>;
  addFlag(req: { target: FlagTarget; label: FlagLabel; note?: string }): Promise<Flag>;
  removeFlag(req: { id: number }): Promise<void>;
  /**
   * Flags many targets (a lasso selection) with one label in one transaction, durable on return.
   * Targets that already carry an active flag with this label are skipped. At most 20,000 per call.
   */
  undo(): Promise<boolean>;
  redo(): Promise<boolean>;
  /** `out`: a file in the dataset's exports/ or a folder the user picked; an existing file is replaced only with `overwrite`. */
  exportFlags(req: { out?: string; overwrite?: boolean; format?: ExportFormat }): Promise<ExportResult>;
  cancelJob(req: { jobId: string }): Promise<boolean>;
  // Spaces and encoders
  setSpace(req: { spaceId: string }): Promise<Session>;
  /** Encodes the open dataset into a space (cached on disk) and makes it the active space. */
  encode(req: { jobId: string; encoder: string }): Promise<SpaceInfo & { cached: boolean; problems: number }>;
  // Heads, uncertainty and glyphs
  /** Trains a head on a space (default: the active one); emits {type:'train'} per epoch; the new space becomes active. */
  trainHead(req: { jobId: string; head: HeadKind; spaceId?: string; condition?: string; epochs?: number }): Promise<TrainResultView>;
  /** Early stop: ends the run after the current epoch, keeping the best weights so far. */
  stopTraining(req: { jobId: string }): Promise<boolean>;
  listHeads(): Promise<HeadView[]>;
  /** Σσ² per item of a probabilistic space (null for deterministic spaces). */
  getUncertainty(req: { spaceId?: string }): Promise<UncertaintyView | null>;
  /** CSD disks and anisotropy ellipses of the active space on its current map (null when not probabilistic). */
  getGlyphs(req: { jobId: string }): Promise<GlyphsView | null>;
  /** Exact D-dimensional CSD and match probability of a pair in the active space (null when not probabilistic). */
  getPairCsd(req: { image: number; caption: number }): Promise<PairCsdView | null>;
  // Mining and review
  mine(req: { jobId: string; spaceIds?: string[] }): Promise<MineSummary>;
  reviewQueue(req: { limit?: number; offset?: number; pendingOnly?: boolean }): Promise<ClusterSummary[]>;
  getReviewUnit(req: { clusterId?: number }): Promise<ReviewUnitView | null>;
  recordReview(req: { decisions: ReviewDecisionInput[]; reviewer: string; seconds?: number; clusterId?: number }): Promise<{ recorded: number }>;
  undoReview(): Promise<boolean>;
  /** p̂'s calibration on the reviews so far (null before the classifier's first refit). */
  getCalibration(): Promise<CalibrationView | null>;
  getMetrics(req: { spaceIds?: string[]; ties?: 'expected' | 'stable' | 'optimistic' | 'pessimistic'; strict?: boolean }): Promise<MetricsTableView>;
  getMultiplicity(): Promise<MultiplicityView>;
  getPairPush(req: { image: number; caption: number; temperature?: number; batchSize?: number }): Promise<PairPushView>;
  importPositives(req: { path: string }): Promise<ImportResultView>;
  // Map tools
  /** Captions by text and images by file name or id (case-insensitive substring), at most `limit`. */
  searchItems(req: { query: string; limit?: number }): Promise<SearchResult>;
  /** Numeric per-item values the map can colour by (caption length, true multiplicity, ...). */
  getItemValues(): Promise<ItemValueColumn[]>;
  /** Sub-folders of a server folder, confined to the allowed roots (default: the first root). */
  listDirectory(req: { path?: string }): Promise<DirectoryListing>;
  // One label model
  /** Flags many targets in one transaction and one undo step; a lasso selection passes source 'lasso'. Targets already flagged with that label are skipped; returns the flags added. */
  addFlags(req: { targets: FlagTarget[]; label: FlagLabel; note?: string; source?: 'click' | 'lasso'; selection?: string }): Promise<Flag[]>;
  /** Every label in effect (flags, review decisions, imports), oldest first. */
  listLabels(): Promise<PairLabel[]>;
  /** What an export would hold, by kind (shown before writing). */
  exportPreview(): Promise<ExportPreview>;
}

export type LensMethod = keyof LensApi;
