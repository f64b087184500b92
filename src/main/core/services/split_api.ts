// The split API's service interfaces, as the new src/shared/api.ts defines them: a type-check aid
// until that file lands here (then every import of this file becomes '../../../shared/api.js').
import type { AppInfo, ExportResult, ItemDetail, ItemTable, Projection, Session } from '../../../shared/api.js';
import type { Flag, FlagLabel, FlagTarget } from '../../../shared/flags.js';
import type { DirectoryListing, ItemValueColumn, SearchResult } from '../../../shared/map_tools.js';
import type { CalibrationView, GlyphsView, HeadKind, HeadView, PairCsdView, TrainResultView, UncertaintyView, ClusterSummary, ImportResultView, MetricsTableView, MineSummary, MultiplicityView, PairPushView, ReviewDecisionInput, ReviewUnitView, SpaceInfo } from '../../../shared/analysis.js';
import type { ExportPreview, PairLabel } from '../../../shared/labels.js';

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
  /** `strict`: an invalid line in captions.jsonl, truth.jsonl or positives.jsonl stops the open instead of being skipped. */
  open(req: { path: string; strict?: boolean }): Promise<Session>;
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
  encode(req: { jobId: string; encoder: string }): Promise<SpaceInfo & { cached: boolean; problems: number }>;
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
  train(req: { jobId: string; head: HeadKind; spaceId?: string; condition?: string; epochs?: number }): Promise<TrainResultView>;
  /** Early stop: ends the run after the current epoch, keeping the best weights so far. */
  stop(req: { jobId: string }): Promise<boolean>;
  list(): Promise<HeadView[]>;
  /** Σσ² per item of a probabilistic space (null for deterministic spaces). */
  uncertainty(req: { spaceId?: string }): Promise<UncertaintyView | null>;
  /** Exact D-dimensional CSD and match probability of a pair in the active space (null when not probabilistic). */
  pairCsd(req: { image: number; caption: number }): Promise<PairCsdView | null>;
}

export interface MiningService {
  run(req: { jobId: string; spaceIds?: string[] }): Promise<MineSummary>;
  /** p̂'s calibration on the reviews so far (null before the classifier's first refit). */
  calibration(): Promise<CalibrationView | null>;
}

export interface ReviewService {
  queue(req: { limit?: number; offset?: number; pendingOnly?: boolean }): Promise<ClusterSummary[]>;
  unit(req: { clusterId?: number }): Promise<ReviewUnitView | null>;
  record(req: { decisions: ReviewDecisionInput[]; reviewer: string; seconds?: number; clusterId?: number }): Promise<{ recorded: number }>;
  undo(): Promise<boolean>;
}

/** One label model: flags (clicks and lassos), review decisions and imported positives. */
export interface LabelsService {
  listFlags(): Promise<Flag[]>;
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
  table(req: { spaceIds?: string[]; ties?: 'expected' | 'stable' | 'optimistic' | 'pessimistic'; strict?: boolean }): Promise<MetricsTableView>;
  multiplicity(): Promise<MultiplicityView>;
  pairPush(req: { image: number; caption: number; temperature?: number; batchSize?: number }): Promise<PairPushView>;
}

export interface ExportService {
  /** What an export would hold, by kind (shown before writing). */
  preview(): Promise<ExportPreview>;
  /** `out`: a file in the dataset's exports/ or a folder the user picked; an existing file is replaced only with `overwrite`. */
  write(req: { out?: string; overwrite?: boolean }): Promise<ExportResult>;
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

