// The one API the renderer (and the CLI's serve mode) uses. Two transports implement it:
// Electron IPC (preload facade) and WebSocket (browser mode). Requests are validated in main
// with the schemas in schemas.ts.
import type { ColumnMap, DatasetSummary, ImageItemInfo, CaptionItemInfo } from './dataset.js';
import type { Flag, FlagLabel, FlagTarget } from './flags.js';
import type { FlagTable } from './flag_table.js';
import type { DirectoryListing, ItemValueColumn, SearchResult } from './map_tools.js';
import type { GlyphsView, HeadKind, HeadView, PairCsdView, TrainEpochEvent, TrainResultView, PartnersView, UncertaintyView } from './views/heads.js';
import type { MetricsTableView, MultiplicityView, PairPushView } from './views/metrics.js';
import type { CalibrationView, ClusterSummary, ImportResultView, MineSummary, ReviewDecisionInput, ReviewUnitView, SameTextAcceptView, SelectionUnitResult } from './views/review.js';
import type { SpaceInfo } from './views/spaces.js';
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
  /** Embeddings on disk (over the memory budget): the map draws this seeded sample; the other items have NaN coordinates. */
  sample?: { rows: number; of: number; seed: number; reason: string };
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
  /** Projection jobs: the map so far (interleaved x,y, same order as Projection.xy), sent every few epochs; `message` then says which: 'pca' (the first view) or 'epoch k/N'. */
  xy?: Float32Array;
}

export interface FlagsEvent {
  type: 'flags';
  /** Every active flag, in columns (shared/flag_table.ts; unpackFlags gives the Flag list). */
  table: FlagTable;
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

/** The classifier refitted on the reviews and the queue re-ranked (after a pause in the decisions). */
export interface RefitEvent {
  type: 'refit';
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

export type LensEvent = JobEvent | FlagsEvent | SessionEvent | ReviewsEvent | RefitEvent | MiningEvent | TrainEpochEvent | StoreChangedEvent;

// The API, split by service. Each service is an interface; `LensApi` gathers them. On the wire a
// call is named `service.method` (e.g. `labels.addFlag`) and carries one request argument.
// Adding a method touches three places: the method here, its schema in schemas.ts (the compiler
// refuses a missing or mistyped one) and the service in src/main/core/services/ that implements it.

/** The app and the session: what is open, where data lives, folders the user may open. */
export interface AppService {
  info(): Promise<AppInfo>;
  session(): Promise<Session>;
  pickFolder(): Promise<string | null>;
  /** Sub-folders of a server folder, confined to the allowed roots (default: the first root). */
  listDirectory(req: { path?: string }): Promise<DirectoryListing>;
}

export interface JobsService {
  cancel(req: { jobId: string }): Promise<boolean>;
}

export interface DatasetsService {
  /**
   * `strict`: an invalid line in captions.jsonl, truth.jsonl or positives.jsonl stops the open instead of being skipped.
   * `columns`: which table columns hold the image, caption, split and vectors (Parquet, Arrow); remembered per
   * folder, so reopening (and `restore`) uses it. A table whose columns cannot be told by name fails with a
   * `ColumnMappingError` whose `detail` is a `ColumnMappingDetail` (the columns, candidates, a guess).
   */
  open(req: { path: string; strict?: boolean; columns?: ColumnMap }): Promise<Session>;
  openSample(req: { jobId: string }): Promise<Session>;
  items(): Promise<ItemTable>;
  /** Captions by text and images by file name or id (case-insensitive substring), at most `limit`. */
  search(req: { query: string; limit?: number }): Promise<SearchResult>;
  /** Numeric per-item values the map can colour by (caption length, true multiplicity, ...). */
  itemValues(): Promise<ItemValueColumn[]>;
}

export interface SpacesService {
  /** Makes a space the one the map, neighbours and push use. */
  setActive(req: { spaceId: string }): Promise<Session>;
  /** Encodes the open dataset into a space (cached on disk) and makes it the active space. */
  /** `problems`: items skipped; `splitNote`: how the built-in encoder split a dataset without a train split. */
  encode(req: { jobId: string; encoder: string }): Promise<SpaceInfo & { cached: boolean; problems: number; splitNote?: string | null }>;
  /** Annotated partners and top-k cross-modal neighbours of an item in the active space. */
  itemDetail(req: { kind: 'image' | 'caption'; index: number; k?: number }): Promise<ItemDetail>;
}

export interface ProjectionService {
  get(req: { jobId: string; recompute?: boolean; method?: 'umap' | 'pca'; nNeighbors?: number; seed?: number }): Promise<Projection>;
  /** CSD disks and anisotropy ellipses of the active space on its current map (null when not probabilistic). */
  glyphs(req: { jobId: string }): Promise<GlyphsView | null>;
}

export interface HeadsService {
  /** Trains a head on a space (default: the active one); emits {type:'train'} per epoch; the new space becomes active. */
  /** `inclusion`: PCME++ only, ProLIP's inclusion loss at that weight (`mlens train --inclusion`). */
  train(req: { jobId: string; head: HeadKind; spaceId?: string; condition?: string; epochs?: number; inclusion?: number }): Promise<TrainResultView>;
  /** Early stop: ends the run after the current epoch, keeping the best weights so far. */
  stop(req: { jobId: string }): Promise<boolean>;
  list(): Promise<HeadView[]>;
  /** Σσ² per item of a probabilistic space (null for deterministic spaces). */
  uncertainty(req: { spaceId?: string }): Promise<UncertaintyView | null>;
  /** Effective partners per item of any space (null without a space); `tooLarge` says why none were computed. */
  partners(req: { spaceId?: string }): Promise<PartnersView | null>;
  /** Exact D-dimensional CSD and match probability of a pair in the active space (null when not probabilistic). */
  pairCsd(req: { image: number; caption: number }): Promise<PairCsdView | null>;
}

export interface MiningService {
  /** multiplicityPrior: true weighs p̂ by caption multiplicity, false never, 'auto' (default) where the check passes. */
  run(req: { jobId: string; spaceIds?: string[]; multiplicityPrior?: boolean | 'auto' }): Promise<MineSummary>;
  /** p̂'s calibration on the reviews so far (null before the classifier's first refit). */
  calibration(): Promise<CalibrationView | null>;
}

export interface ReviewService {
  queue(req: { limit?: number; offset?: number; pendingOnly?: boolean }): Promise<ClusterSummary[]>;
  unit(req: { clusterId?: number }): Promise<ReviewUnitView | null>;
  record(req: { decisions: ReviewDecisionInput[]; reviewer: string; seconds?: number; clusterId?: number }): Promise<{ recorded: number }>;
  /**
   * A map selection (image and caption indices) becomes one review unit at the front of the queue:
   * every selected caption × selected image (annotated pairs inside included), at most 40 × 40.
   * One undo step (`undo`).
   */
  sendSelection(req: MapSelectionRequest): Promise<SelectionUnitResult>;
  /**
   * Flags the latest mining run's same-text candidates (their caption reads exactly like one
   * annotated on their image) as false negatives, in one batch (source 'rule'): pairs already
   * labelled, and pairs whose annotated twin is judged wrong, are left alone. One undo
   * (`undo`) takes the batch back. The classifier does not learn from them.
   */
  acceptSameText(req: { who?: string }): Promise<SameTextAcceptView>;
  /** Takes back this session's last decision batch, selection unit or same-text acceptance, whichever came last. */
  undo(): Promise<boolean>;
}

/** One label model: flags (clicks and lassos), review decisions and imported positives. */
export interface LabelsService {
  listFlags(): Promise<Flag[]>;
  /** The same flags in columns, as the renderer loads them: hundreds of thousands of flags (a same-text acceptance) travel as typed arrays, not as JSON objects. */
  flagTable(): Promise<FlagTable>;
  addFlag(req: { target: FlagTarget; label: FlagLabel; note?: string }): Promise<Flag>;
  /** Flags many targets in one transaction and one undo step; a lasso selection passes source 'lasso'. Targets already flagged with that label are skipped; returns the flags added. At most 20,000 per call. */
  addFlags(req: { targets: FlagTarget[]; label: FlagLabel; note?: string; source?: 'click' | 'lasso'; selection?: string }): Promise<Flag[]>;
  removeFlag(req: { id: number }): Promise<void>;
  undo(): Promise<boolean>;
  redo(): Promise<boolean>;
  /** Every label in effect (flags, review decisions, imports), oldest first. */
  list(): Promise<PairLabel[]>;
  importPositives(req: { path: string }): Promise<ImportResultView>;
}

export interface MetricsService {
  /** `split`: a split of the dataset or 'all' (default: 'test' where the dataset has one, else 'all'). */
  table(req: { spaceIds?: string[]; ties?: 'expected' | 'stable' | 'optimistic' | 'pessimistic'; strict?: boolean; split?: string }): Promise<MetricsTableView>;
  multiplicity(): Promise<MultiplicityView>;
  pairPush(req: { image: number; caption: number; temperature?: number; batchSize?: number }): Promise<PairPushView>;
}

/**
 * A lasso or marquee selection of map points: item indices within each kind, or `bits` (base64 of a
 * bitset over the map's points, images first: shared/selection_bits.ts), which the app sends since a
 * large selection's index lists would pass the WebSocket's 1 MiB message limit. Indices and bits add up.
 */
export interface MapSelectionRequest {
  images?: number[];
  captions?: number[];
  bits?: string;
}

export type SelectionExportFormat = 'sqlite' | 'parquet' | 'csv';

export interface SelectionExportResult {
  path: string;
  format: SelectionExportFormat;
  images: number;
  captions: number;
  /** Annotated pairs with both ends selected. */
  pairs: number;
  /** Labels (flags, review decisions, imports) on the selected items (SQLite: the `labels` table). */
  labels: number;
  /** The map coordinates were written (the active space's map is cached). */
  coordinates: boolean;
  downloadUrl?: string;
}

export interface ExportService {
  /** What an export would hold, by kind (shown before writing). */
  preview(): Promise<ExportPreview>;
  /** `out`: a file in the dataset's exports/ or a folder the user picked; an existing file is replaced only with `overwrite`. */
  write(req: { out?: string; overwrite?: boolean; format?: ExportFormat }): Promise<ExportResult>;
  /** A map selection's items (ids, paths, texts, map x/y) and the labels on them; same path rules as `write`. */
  writeSelection(req: MapSelectionRequest & { format: SelectionExportFormat; out?: string; overwrite?: boolean }): Promise<SelectionExportResult>;
}

export interface LensApi {
  app: AppService;
  jobs: JobsService;
  datasets: DatasetsService;
  spaces: SpacesService;
  projection: ProjectionService;
  heads: HeadsService;
  mining: MiningService;
  review: ReviewService;
  labels: LabelsService;
  metrics: MetricsService;
  export: ExportService;
}

export type LensServiceName = keyof LensApi;
/** A wire method name: `service.method`. */
export type LensMethod = { [S in LensServiceName]: `${S}.${Extract<keyof LensApi[S], string>}` }[LensServiceName];

/** The request a method takes: its one argument, or `undefined` for a method without one. */
export type ReqOf<F> = F extends (...args: infer A) => unknown ? (A extends [] ? undefined : A[0]) : never;
/** What a method resolves to. */
export type ResOf<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;
