// The one API the renderer (and the CLI's serve mode) uses. Two transports implement it:
// Electron IPC (preload facade) and WebSocket (browser mode). Requests are validated in main
// with the schemas in schemas.ts; method names are the keys of LensApi.
import type { DatasetSummary, ImageItemInfo, CaptionItemInfo } from './dataset.js';
import type { Flag, FlagLabel, FlagTarget } from './flags.js';
import type { GlyphsView, HeadKind, HeadView, PairCsdView, TrainEpochEvent, TrainResultView, UncertaintyView, ClusterSummary, ImportResultView, MetricsTableView, MineSummary, MultiplicityView, PairPushView, ReviewDecisionInput, ReviewUnitView, SpaceInfo } from './analysis.js';

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
  flags: number;
  images: number;
  captions: number;
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

export type LensEvent = JobEvent | FlagsEvent | SessionEvent | ReviewsEvent | MiningEvent | TrainEpochEvent;

export interface LensApi {
  appInfo(): Promise<AppInfo>;
  getSession(): Promise<Session>;
  openDataset(req: { path: string }): Promise<Session>;
  openSample(req: { jobId: string }): Promise<Session>;
  pickFolder(): Promise<string | null>;
  getItems(): Promise<ItemTable>;
  getProjection(req: { jobId: string; recompute?: boolean; method?: 'umap' | 'pca'; nNeighbors?: number; seed?: number }): Promise<Projection>;
  getItemDetail(req: { kind: 'image' | 'caption'; index: number; k?: number }): Promise<ItemDetail>;
  listFlags(): Promise<Flag[]>;
  addFlag(req: { target: FlagTarget; label: FlagLabel; note?: string }): Promise<Flag>;
  removeFlag(req: { id: number }): Promise<void>;
  undo(): Promise<boolean>;
  redo(): Promise<boolean>;
  exportFlags(req: { out?: string }): Promise<ExportResult>;
  cancelJob(req: { jobId: string }): Promise<boolean>;
  // Spaces and encoders (issue 4)
  setSpace(req: { spaceId: string }): Promise<Session>;
  /** Encodes the open dataset into a space (cached on disk) and makes it the active space. */
  encode(req: { jobId: string; encoder: string }): Promise<SpaceInfo & { cached: boolean; problems: number }>;
  // Heads, uncertainty and glyphs (issue 5)
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
  // Mining and review (issue 6)
  mine(req: { jobId: string; spaceIds?: string[] }): Promise<MineSummary>;
  reviewQueue(req: { limit?: number; offset?: number; pendingOnly?: boolean }): Promise<ClusterSummary[]>;
  getReviewUnit(req: { clusterId?: number }): Promise<ReviewUnitView | null>;
  recordReview(req: { decisions: ReviewDecisionInput[]; reviewer: string; seconds?: number; clusterId?: number }): Promise<{ recorded: number }>;
  undoReview(): Promise<boolean>;
  getMetrics(req: { spaceIds?: string[]; ties?: 'expected' | 'stable' | 'optimistic' | 'pessimistic'; strict?: boolean }): Promise<MetricsTableView>;
  getMultiplicity(): Promise<MultiplicityView>;
  getPairPush(req: { image: number; caption: number; temperature?: number; batchSize?: number }): Promise<PairPushView>;
  importPositives(req: { path: string }): Promise<ImportResultView>;
}

export type LensMethod = keyof LensApi;
