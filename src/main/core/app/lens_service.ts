// LensService: the session. It holds the open Project, the event bus and the job runner, and
// composes the services (core/services/, `api`: shaped like the split LensApi). Both transports
// (Electron IPC, browser-mode WebSocket) and the CLI's server use this one class.
import { mkdirSync } from 'node:fs';
import type { AppInfo, ExportResult, ItemDetail, ItemTable, LensApi, LensEvent, Projection, Session } from '../../../shared/api.js';
import type { Flag, FlagLabel, FlagTarget } from '../../../shared/flags.js';
import type { ExportPreview, PairLabel } from '../../../shared/labels.js';
import type { CalibrationView, GlyphsView, HeadKind, HeadView, PairCsdView, TrainResultView, UncertaintyView, ClusterSummary, ImportResultView, MetricsTableView, MineSummary, MultiplicityView, PairPushView, ReviewDecisionInput, ReviewUnitView, SpaceInfo } from '../../../shared/analysis.js';
import type { DirectoryListing, ItemValueColumn, SearchResult } from '../../../shared/map_tools.js';
import type { Dataset } from '../datasets/dataset.js';
import type { Project } from '../project/project.js';
import { EventBus, JobRunner, type Listener } from './job_runner.js';
import type { LensServiceOptions, ServiceSession } from '../services/context.js';
import { createServices, type Services } from '../services/index.js';

export type { LensServiceOptions } from '../services/context.js';
export { DEFAULT_SAMPLE } from '../services/datasets.js';

export class LensService implements LensApi, ServiceSession {
  readonly events = new EventBus();
  readonly jobs = new JobRunner(this.events);
  readonly chosenFolders: string[] = [];
  readonly api: Services;
  private open: Project | null = null;

  constructor(readonly options: LensServiceOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.api = createServices(this);
  }

  onEvent(fn: Listener): () => void {
    return this.events.on(fn);
  }

  emit(e: LensEvent): void {
    this.events.emit(e);
  }

  project(): Project {
    if (!this.open) throw new Error('no dataset is open');
    return this.open;
  }

  currentProject(): Project | null {
    return this.open;
  }

  adopt(p: Project): void {
    const prev = this.open;
    this.open = p;
    if (prev !== p) prev?.close();
  }

  /** The open dataset (for the lens:// protocol and the CLI). */
  current(): Dataset | null {
    return this.open?.ds ?? null;
  }

  restore(jobId = 'startup'): Promise<Session> {
    return this.api.datasets.restore(jobId);
  }

  sampleDir(): string {
    return this.api.datasets.sampleDir();
  }

  listSpaces(): SpaceInfo[] {
    return this.api.spaces.list();
  }

  close(): void {
    this.jobs.cancelAll();
    this.open?.close();
    this.open = null;
  }

  // flat alias: removed when the split API lands
  appInfo(): Promise<AppInfo> { return this.api.app.info(); }
  // flat alias: removed when the split API lands
  getSession(): Promise<Session> { return this.api.app.session(); }
  // flat alias: removed when the split API lands
  pickFolder(): Promise<string | null> { return this.api.app.pickFolder(); }
  // flat alias: removed when the split API lands
  listDirectory(req: { path?: string }): Promise<DirectoryListing> { return this.api.app.listDirectory(req); }
  // flat alias: removed when the split API lands
  cancelJob(req: { jobId: string }): Promise<boolean> { return this.api.jobs.cancel(req); }
  // flat alias: removed when the split API lands
  openDataset(req: { path: string; strict?: boolean }): Promise<Session> { return this.api.datasets.open(req); }
  // flat alias: removed when the split API lands
  openSample(req: { jobId: string }): Promise<Session> { return this.api.datasets.openSample(req); }
  // flat alias: removed when the split API lands
  getItems(): Promise<ItemTable> { return this.api.datasets.items(); }
  // flat alias: removed when the split API lands
  searchItems(req: { query: string; limit?: number }): Promise<SearchResult> { return this.api.datasets.search(req); }
  // flat alias: removed when the split API lands
  getItemValues(): Promise<ItemValueColumn[]> { return this.api.datasets.itemValues(); }
  // flat alias: removed when the split API lands
  setSpace(req: { spaceId: string }): Promise<Session> { return this.api.spaces.setActive(req); }
  // flat alias: removed when the split API lands
  encode(req: { jobId: string; encoder: string }): Promise<SpaceInfo & { cached: boolean; problems: number }> { return this.api.spaces.encode(req); }
  // flat alias: removed when the split API lands
  getItemDetail(req: { kind: 'image' | 'caption'; index: number; k?: number }): Promise<ItemDetail> { return this.api.spaces.itemDetail(req); }
  // flat alias: removed when the split API lands
  getProjection(req: { jobId: string; recompute?: boolean; method?: 'umap' | 'pca'; nNeighbors?: number; seed?: number }): Promise<Projection> { return this.api.projection.get(req); }
  // flat alias: removed when the split API lands
  getGlyphs(req: { jobId: string }): Promise<GlyphsView | null> { return this.api.projection.glyphs(req); }
  // flat alias: removed when the split API lands
  trainHead(req: { jobId: string; head: HeadKind; spaceId?: string; condition?: string; epochs?: number }): Promise<TrainResultView> { return this.api.heads.train(req); }
  // flat alias: removed when the split API lands
  stopTraining(req: { jobId: string }): Promise<boolean> { return this.api.heads.stop(req); }
  // flat alias: removed when the split API lands
  listHeads(): Promise<HeadView[]> { return this.api.heads.list(); }
  // flat alias: removed when the split API lands
  getUncertainty(req: { spaceId?: string }): Promise<UncertaintyView | null> { return this.api.heads.uncertainty(req); }
  // flat alias: removed when the split API lands
  getPairCsd(req: { image: number; caption: number }): Promise<PairCsdView | null> { return this.api.heads.pairCsd(req); }
  // flat alias: removed when the split API lands
  mine(req: { jobId: string; spaceIds?: string[] }): Promise<MineSummary> { return this.api.mining.run(req); }
  // flat alias: removed when the split API lands
  getCalibration(): Promise<CalibrationView | null> { return this.api.mining.calibration(); }
  // flat alias: removed when the split API lands
  reviewQueue(req: { limit?: number; offset?: number; pendingOnly?: boolean }): Promise<ClusterSummary[]> { return this.api.review.queue(req); }
  // flat alias: removed when the split API lands
  getReviewUnit(req: { clusterId?: number }): Promise<ReviewUnitView | null> { return this.api.review.unit(req); }
  // flat alias: removed when the split API lands
  recordReview(req: { decisions: ReviewDecisionInput[]; reviewer: string; seconds?: number; clusterId?: number }): Promise<{ recorded: number }> { return this.api.review.record(req); }
  // flat alias: removed when the split API lands
  undoReview(): Promise<boolean> { return this.api.review.undo(); }
  // flat alias: removed when the split API lands
  listFlags(): Promise<Flag[]> { return this.api.labels.listFlags(); }
  // flat alias: removed when the split API lands
  addFlag(req: { target: FlagTarget; label: FlagLabel; note?: string }): Promise<Flag> { return this.api.labels.addFlag(req); }
  // flat alias: removed when the split API lands
  addFlags(req: { targets: FlagTarget[]; label: FlagLabel; note?: string; source?: 'click' | 'lasso'; selection?: string }): Promise<Flag[]> { return this.api.labels.addFlags(req); }
  // flat alias: removed when the split API lands
  removeFlag(req: { id: number }): Promise<void> { return this.api.labels.removeFlag(req); }
  // flat alias: removed when the split API lands
  undo(): Promise<boolean> { return this.api.labels.undo(); }
  // flat alias: removed when the split API lands
  redo(): Promise<boolean> { return this.api.labels.redo(); }
  // flat alias: removed when the split API lands
  listLabels(): Promise<PairLabel[]> { return this.api.labels.list(); }
  // flat alias: removed when the split API lands
  importPositives(req: { path: string }): Promise<ImportResultView> { return this.api.labels.importPositives(req); }
  // flat alias: removed when the split API lands
  getMetrics(req: { spaceIds?: string[]; ties?: 'expected' | 'stable' | 'optimistic' | 'pessimistic'; strict?: boolean }): Promise<MetricsTableView> { return this.api.metrics.table(req); }
  // flat alias: removed when the split API lands
  getMultiplicity(): Promise<MultiplicityView> { return this.api.metrics.multiplicity(); }
  // flat alias: removed when the split API lands
  getPairPush(req: { image: number; caption: number; temperature?: number; batchSize?: number }): Promise<PairPushView> { return this.api.metrics.pairPush(req); }
  // flat alias: removed when the split API lands
  exportPreview(): Promise<ExportPreview> { return this.api.export.preview(); }
  // flat alias: removed when the split API lands
  exportFlags(req: { out?: string; overwrite?: boolean }): Promise<ExportResult> { return this.api.export.write(req); }
}
