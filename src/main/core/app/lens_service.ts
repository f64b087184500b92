// LensService: the main-process implementation of LensApi over the core services. Both
// transports (Electron IPC, browser-mode WebSocket) and the CLI's server use this one class.
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { AppInfo, ExportResult, ItemDetail, ItemTable, LensApi, LensEvent, Neighbor, Projection, Session } from '../../../shared/api.js';
import type { Flag, FlagLabel, FlagTarget } from '../../../shared/flags.js';
import type { Dataset } from '../datasets/dataset.js';
import { openDataset } from '../datasets/open.js';
import { summarize } from '../datasets/summary.js';
import { generateSample } from '../sample/generate.js';
import type { ProjectStore } from '../store/project_store.js';
import { openProjectStore } from '../store/fallback_merge.js';
import { addFlagBatch, checkTarget, exportPreviewOf, exportProjectLabels, labelsOf } from '../labels/label_service.js';
import { flagsOf, readLabels } from '../labels/label_model.js';
import type { ExportFormat, ExportPreview, PairLabel } from '../../../shared/labels.js';
import { runLayoutJob, DEFAULT_UMAP, type UmapParams } from '../projection/umap.js';
import { topKDot, row } from '../knn/cross_modal.js';
import { CancelledError } from '../jobs/job.js';
import { JobLimiter, defaultJobLimit } from '../jobs/job_limiter.js';
import { readSettings, writeSettings } from './data_dir.js';
import type { CalibrationView, VarianceDiagnostics, GlyphsView, HeadKind, HeadView, PairCsdView, TrainResultView, UncertaintyView, ClusterSummary, ImportResultView, MetricsTableView, MineSummary, MultiplicityView, PairPushView, ReviewDecisionInput, ReviewUnitView, SpaceInfo } from '../../../shared/analysis.js';
import { datasetSpaces } from '../spaces/space_list.js';
import { ReviewStore, type ClusterRow } from '../review/review_store.js';
import { resolveSpaces, projectVerified } from '../mining/project.js';
import { importIntoProject } from '../labels/import_file.js';
import { verifiedCounts } from '../labels/verified_labels.js';
import { ORACLE_NAME } from '../spaces/oracle.js';
import type { MiningSpaceInput } from '../mining/space_engine.js';
import { mineInWorker } from '../mining/mine_job.js';
import { refreshAfterReviews } from '../mining/classifier.js';
import { CALIBRATION_MAX_ECE, CALIBRATION_MIN_REVIEWS, type CalibrationReport } from '../mining/calibration.js';
import { metricsTableAsync } from '../mining/eval_command.js';
import { projectMultiplicity, projectPairPush } from '../mining/panels.js';
import { unitLabel } from '../mining/clusters.js';
import { encodeSpace } from '../encoders/encode_job.js';
import { backendReport } from '../tensor/report.js';
import { runTrainCommand } from '../heads/train_command.js';
import { HeadStore } from '../heads/save.js';
import { extraPositives } from '../heads/multipos.js';
import { datasetVarianceDiagnostics } from '../heads/variance_diagnostics.js';
import { pairCsd, uncertaintySummary, DEFAULT_A, DEFAULT_B } from '../heads/csd.js';
import { computeGlyphs } from '../glyphs/glyphs.js';
import { appVersion } from './version.js';
import { FolderBrowser, expandUserPath } from './folder_browser.js';
import { searchItems } from '../datasets/search.js';
import { itemValueColumns } from '../datasets/item_values.js';
import type { DirectoryListing, ItemValueColumn, SearchResult } from '../../../shared/map_tools.js';
import { checkEncoderSpecPaths, checkInputFile, checkInputFolder, exportTargetFor } from './service_paths.js';
import { removeStaleTemporaries } from '../export/atomic_file.js';

export const DEFAULT_SAMPLE = { images: 1000, preset: 'A' as const, seed: 0 };

export interface LensServiceOptions {
  dataDir: string;
  mode: 'electron' | 'browser';
  /** Folder picker (Electron only). */
  pickFolder?: () => Promise<string | null>;
  /** Browser mode: how a client downloads an exported file. */
  downloadUrl?: (file: string) => string | undefined;
  /** Folders the folder picker may browse (default: the home folder). */
  allowedRoots?: string[];
}

type Listener = (e: LensEvent) => void;

export class LensService implements LensApi {
  private dataset: Dataset | null = null;
  private store: ProjectStore | null = null;
  private dir: string | null = null;
  private listeners = new Set<Listener>();
  private jobs = new Map<string, AbortController>();
  private limiter = new JobLimiter(defaultJobLimit());
  /** Folders the user picked in a dialog: the UI may export there. */
  private chosenFolders: string[] = [];
  private projectionInFlight: { key: string; promise: Promise<Projection> } | null = null;
  private reviews: ReviewStore | null = null;
  private spaceId: string | null = null;
  private spaceCache = new Map<string, MiningSpaceInput>();
  private stopRequests = new Set<string>();
  private glyphCache = new Map<string, GlyphsView>();
  private diagnosticsCache = new Map<string, VarianceDiagnostics>();

  constructor(private readonly opts: LensServiceOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
  }

  onEvent(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: LensEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  /** Runs a long call as a job: progress events, cancel by jobId, a final state event. */
  private async job<T>(jobId: string, kind: string, body: (signal: AbortSignal, progress: (phase: string, done: number, total: number) => void) => Promise<T>): Promise<T> {
    const ac = new AbortController();
    this.jobs.set(jobId, ac);
    let last = { phase: 'starting', done: 0, total: 1 };
    const progress = (phase: string, done: number, total: number) => {
      last = { phase, done, total };
      this.emit({ type: 'job', jobId, kind, state: 'running', ...last });
    };
    progress('starting', 0, 1);
    let release: (() => void) | null = null;
    try {
      release = await this.limiter.acquire(ac.signal, (position, running) => {
        last = { phase: `queued: position ${position}, waiting for ${running} running job${running === 1 ? '' : 's'} to finish`, done: 0, total: 1 };
        this.emit({ type: 'job', jobId, kind, state: 'running', ...last, queued: position });
      }, kind);
      if (last.phase.startsWith('queued')) progress('starting', 0, 1);
      const r = await body(ac.signal, progress);
      this.emit({ type: 'job', jobId, kind, state: 'done', phase: 'done', done: last.total, total: last.total });
      return r;
    } catch (e) {
      const cancelled = e instanceof CancelledError || ac.signal.aborted;
      this.emit({ type: 'job', jobId, kind, state: cancelled ? 'cancelled' : 'error', ...last, message: (e as Error).message });
      throw cancelled && !(e instanceof CancelledError) ? new CancelledError(kind) : e;
    } finally {
      release?.();
      this.jobs.delete(jobId);
    }
  }

  private backendLabel: Promise<string> | null = null;

  async appInfo(): Promise<AppInfo> {
    this.backendLabel ??= backendReport().then((b) => (b.error ? `none (${b.error})` : `${b.backend}${b.gpu ? ` on ${b.gpu}` : ''}`));
    return { version: appVersion(), mode: this.opts.mode, backend: await this.backendLabel, dataDir: this.opts.dataDir, canPickFolder: !!this.opts.pickFolder };
  }

  async encode(req: { jobId: string; encoder: string }): Promise<SpaceInfo & { cached: boolean; problems: number }> {
    const { ds, dir } = this.need();
    checkEncoderSpecPaths(req.encoder);
    const r = await this.job(req.jobId, 'encode', (signal, progress) =>
      encodeSpace({
        dataset: ds,
        encoderSpec: req.encoder,
        projectDir: dir,
        signal,
        onProgress: (p) => progress(`encode: ${p.phase}${p.itemsPerSecond ? ` (${Math.round(p.itemsPerSecond)}/s${p.etaSeconds != null ? `, ${Math.ceil(p.etaSeconds)} s left` : ''})` : ''}`, p.done, p.total),
        log: () => undefined,
      }),
    );
    this.spaceCache.delete(r.record.id);
    const info = this.listSpaces().find((x) => x.id === r.record.id);
    if (!info) throw new Error(`space ${r.record.id} was written but cannot be listed`);
    await this.setSpace({ spaceId: info.id });
    return { ...info, cached: r.cached, problems: r.problems.length };
  }

  async getSession(): Promise<Session> {
    return {
      dataset: this.dataset ? summarize(this.dataset) : null,
      storePath: this.store?.file ?? null,
      canUndo: this.store?.canUndo() ?? false,
      canRedo: this.store?.canRedo() ?? false,
      spaceId: this.spaceId,
      spaces: this.listSpaces(),
      lastMining: this.lastMining(),
    };
  }

  /** The dataset's own embeddings (id 'dataset') and every space stored in the project. */
  listSpaces(): SpaceInfo[] {
    const ds = this.dataset;
    if (!ds || !this.dir) return [];
    return datasetSpaces(ds, this.dir);
  }

  private space(id = this.spaceId): MiningSpaceInput {
    const { ds, dir } = this.need();
    if (!id) throw new Error(`${ds.name} has no embeddings yet: add embeddings/image.npy and text.npy to the folder, or encode it (mlens encode)`);
    let s = this.spaceCache.get(id);
    if (!s) {
      s = resolveSpaces(ds, dir, [id])[0];
      this.spaceCache.set(id, s);
    }
    return s;
  }

  async setSpace(req: { spaceId: string }): Promise<Session> {
    this.need();
    this.space(req.spaceId);
    this.spaceId = req.spaceId;
    this.store!.setMeta('active_space', req.spaceId);
    const session = await this.getSession();
    this.emit({ type: 'session', session });
    return session;
  }

  /**
   * On start: reopen the last dataset (settings.json in the user's data folder), or the sample on
   * first launch. A last dataset that vanished or cannot be read opens the sample with a note.
   */
  async restore(jobId = 'startup'): Promise<Session> {
    const last = readSettings(this.opts.dataDir).lastDataset;
    let why: string | null = null;
    if (last && !existsSync(last)) why = 'it no longer exists';
    else if (last) {
      try {
        return await this.openDataset({ path: last });
      } catch (e) {
        why = `it cannot be read: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    const session = await this.openSample({ jobId });
    if (!why || !this.dataset) return session;
    this.dataset.problems.unshift({ severity: 'warning', file: last!, message: `the last dataset, ${last}, was not reopened because ${why}; the sample dataset is open instead` });
    const noted = await this.getSession();
    this.emit({ type: 'session', session: noted });
    return noted;
  }

  async openDataset(req: { path: string; strict?: boolean }): Promise<Session> {
    const root = checkInputFolder(expandUserPath(req.path), 'dataset folder', 'cli');
    // Open the new dataset fully before letting go of the current one: a broken folder
    // leaves the current session (and its flags) untouched.
    const ds = await openDataset(root, { strict: req.strict });
    const { store, dir, notices } = openProjectStore(ds.root, this.opts.dataDir, { claimSessionIn: this.opts.dataDir });
    ds.problems.push(...notices);
    const prevHash = store.getMeta('dataset_hash');
    if (prevHash && prevHash !== ds.hash) {
      ds.problems.push({
        severity: 'warning',
        file: 'captions.jsonl',
        message: `the dataset changed since flags were last made (hash ${prevHash} → ${ds.hash}); flags refer to item indices and may need checking`,
      });
    }
    for (const f of [join(ds.root, 'exports'), join(dir, 'exports')]) removeStaleTemporaries(f);
    store.setMeta('dataset_hash', ds.hash);
    store.setMeta('dataset_root', ds.root);
    this.store?.close();
    this.dataset = ds;
    this.store = store;
    this.reviews = new ReviewStore(store.db, store.session);
    // Another app or CLI on the same store: refresh this window's flags and reviews.
    store.watchChanges(() => {
      if (this.store !== store) return;
      this.emit({ type: 'store', origin: 'other-process' });
      this.emitFlags();
      this.emitReviews();
    });
    this.dir = dir;
    this.projectionInFlight = null;
    this.spaceCache.clear();
    const spaces = this.listSpaces();
    const saved = store.getMeta('active_space');
    // Without a saved choice, an encoder's space comes before the oracle built from the truth.
    this.spaceId = spaces.find((sp) => sp.id === saved)?.id ?? spaces.find((sp) => sp.name !== ORACLE_NAME)?.id ?? spaces[0]?.id ?? null;
    writeSettings(this.opts.dataDir, { ...readSettings(this.opts.dataDir), lastDataset: ds.root });
    const session = await this.getSession();
    this.emit({ type: 'session', session });
    this.emitFlags();
    return session;
  }

  sampleDir(): string {
    const s = DEFAULT_SAMPLE;
    return join(this.opts.dataDir, `sample-${s.images}-${s.preset}-seed${s.seed}`);
  }

  async openSample(req: { jobId: string }): Promise<Session> {
    const dir = this.sampleDir();
    if (!existsSync(join(dir, 'stats.json'))) {
      await this.job(req.jobId, 'sample', async (signal, progress) => {
        await generateSample({ out: dir, ...DEFAULT_SAMPLE, signal, onProgress: (p) => progress(`sample: ${p.phase}`, p.done, p.total) });
      });
    }
    return this.openDataset({ path: dir });
  }

  async pickFolder(): Promise<string | null> {
    const picked = this.opts.pickFolder ? await this.opts.pickFolder() : null;
    if (picked) this.chosenFolders.push(picked);
    return picked;
  }

  private need(): { ds: Dataset; store: ProjectStore; dir: string } {
    if (!this.dataset || !this.store || !this.dir) throw new Error('no dataset is open');
    return { ds: this.dataset, store: this.store, dir: this.dir };
  }

  async getItems(): Promise<ItemTable> {
    const { ds } = this.need();
    return {
      images: ds.images.map((im) => ({ id: im.id, path: im.path, missing: im.missing, split: im.split })),
      captions: ds.captions.map((c) => ({ id: c.id, text: c.text, imageIndex: c.imageIndex, split: c.split })),
    };
  }

  private spaceName(_ds: Dataset): string {
    const sp = this.listSpaces().find((x) => x.id === this.spaceId);
    return sp ? `${sp.id}: ${sp.name} (${sp.dims}-d)` : 'none';
  }

  async getProjection(req: { jobId: string; recompute?: boolean; method?: 'umap' | 'pca'; nNeighbors?: number; seed?: number }): Promise<Projection> {
    const { ds, dir } = this.need();
    if (!this.spaceId) {
      throw new Error(
        `${ds.name} has no embeddings: add embeddings/image.npy and embeddings/text.npy (rows in item order) to the folder to see the map`,
      );
    }
    const emb = this.space();
    const method = req.method ?? 'umap';
    const params: UmapParams = { ...DEFAULT_UMAP, nNeighbors: req.nNeighbors ?? DEFAULT_UMAP.nNeighbors, seed: req.seed ?? DEFAULT_UMAP.seed };
    const key = createHash('sha256').update(JSON.stringify({ h: ds.hash, space: this.spaceId, params, method, v: 3 })).digest('hex').slice(0, 16);
    const file = join(dir, `projection-${key}.f32`);
    const nI = ds.images.length;
    const nC = ds.captions.length;
    if (!req.recompute && existsSync(file) && statSync(file).size === (nI + nC) * 8) {
      const buf = readFileSync(file);
      const xy = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { seconds: number; knn?: Projection['knn'] };
      return { xy, nImages: nI, nCaptions: nC, method, params, seconds: meta.seconds, cached: true, knn: meta.knn };
    }
    if (this.projectionInFlight?.key === key && !req.recompute) return this.projectionInFlight.promise;
    const promise = this.job(req.jobId, 'projection', async (signal, progress) => {
      const joint = new Float32Array((nI + nC) * emb.dims);
      joint.set(emb.image, 0);
      joint.set(emb.text, nI * emb.dims);
      const t0 = performance.now();
      let last = { phase: 'UMAP: starting', done: 0, total: 1 };
      const { xy, summary } = await runLayoutJob(joint, emb.dims, { ...params, method }, {
        onProgress: (p) => progress((last = { phase: `UMAP: ${p.phase}`, done: p.done, total: p.total }).phase, p.done, p.total),
        // The map so far rides on the job's progress events (typed arrays travel as binary).
        onSnapshot: (partial) => this.emit({ type: 'job', jobId: req.jobId, kind: 'projection', state: 'running', ...last, xy: partial }),
        signal,
      });
      const seconds = (performance.now() - t0) / 1000;
      const knn = summary.knn ? { method: summary.knn.method, seconds: summary.knn.seconds, recall: summary.knn.recall } : undefined;
      writeFileSync(`${file}.tmp`, Buffer.from(xy.buffer, xy.byteOffset, xy.byteLength));
      writeFileSync(`${file}.json`, JSON.stringify({ seconds, params, method, knn, datasetHash: ds.hash, space: this.spaceName(ds), at: new Date().toISOString() }));
      renameSync(`${file}.tmp`, file);
      return { xy, nImages: nI, nCaptions: nC, method: summary.method, params, seconds, cached: false, knn };
    });
    this.projectionInFlight = { key, promise };
    promise.catch(() => undefined).finally(() => {
      if (this.projectionInFlight?.promise === promise) this.projectionInFlight = null;
    });
    return promise;
  }

  async getItemDetail(req: { kind: 'image' | 'caption'; index: number; k?: number }): Promise<ItemDetail> {
    const { ds } = this.need();
    const k = req.k ?? 10;
    const nI = ds.images.length;
    const nC = ds.captions.length;
    if (req.kind === 'image' ? req.index >= nI : req.index >= nC) throw new Error(`no ${req.kind} with index ${req.index}`);
    const partners: number[] = [];
    if (req.kind === 'image') ds.captions.forEach((c, i) => c.imageIndex === req.index && partners.push(i));
    else partners.push(ds.captions[req.index].imageIndex);
    const isValid = (image: number, caption: number): boolean | null => {
      const t = ds.truth?.[caption];
      if (!t) return null;
      let lo = 0;
      let hi = t.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (t[mid] === image) return true;
        if (t[mid] < image) lo = mid + 1;
        else hi = mid - 1;
      }
      return false;
    };
    let truePartners: number | null = null;
    if (ds.truth) {
      if (req.kind === 'caption') truePartners = ds.truth[req.index]?.length ?? 0;
      else {
        truePartners = 0;
        for (let c = 0; c < nC; c++) if (isValid(req.index, c)) truePartners++;
      }
    }
    const neighbors: Neighbor[] = [];
    const emb = this.spaceId ? this.space() : null;
    if (emb) {
      const d = emb.dims;
      const q = req.kind === 'image' ? row(emb.image, d, req.index) : row(emb.text, d, req.index);
      const gallery = req.kind === 'image' ? emb.text : emb.image;
      const top = topKDot(q, gallery, d, k);
      for (let j = 0; j < top.indices.length; j++) {
        const g = top.indices[j];
        if (g < 0) continue;
        const image = req.kind === 'image' ? req.index : g;
        const caption = req.kind === 'image' ? g : req.index;
        neighbors.push({
          kind: req.kind === 'image' ? 'caption' : 'image',
          index: g,
          similarity: top.scores[j],
          annotated: ds.captions[caption].imageIndex === image,
          valid: isValid(image, caption),
        });
      }
    }
    return { kind: req.kind, index: req.index, partners, neighbors, truePartners };
  }

  private emitFlags(): void {
    if (!this.store) return;
    this.emit({ type: 'flags', flags: flagsOf(readLabels(this.store.db, { kinds: ['flag'] })), canUndo: this.store.canUndo(), canRedo: this.store.canRedo() });
  }

  async listFlags(): Promise<Flag[]> {
    return flagsOf(readLabels(this.need().store.db, { kinds: ['flag'] }));
  }

  async addFlag(req: { target: FlagTarget; label: FlagLabel; note?: string }): Promise<Flag> {
    const { ds, store } = this.need();
    const f = store.addFlag(req.target, req.label, req.note ?? '', checkTarget(ds, req.target), { source: 'click' });
    this.emitFlags();
    return f;
  }

  async addFlags(req: { targets: FlagTarget[]; label: FlagLabel; note?: string; source?: 'click' | 'lasso'; selection?: string }): Promise<Flag[]> {
    const { ds, store } = this.need();
    const flags = addFlagBatch(ds, store, req);
    if (flags.length) this.emitFlags();
    return flags;
  }

  async listLabels(): Promise<PairLabel[]> {
    return labelsOf(this.need().store);
  }

  async exportPreview(): Promise<ExportPreview> {
    return exportPreviewOf(this.need().store);
  }

  async removeFlag(req: { id: number }): Promise<void> {
    const { store } = this.need();
    if (!store.removeFlag(req.id)) throw new Error(`no active flag with id ${req.id}`);
    this.emitFlags();
  }

  async undo(): Promise<boolean> {
    const ok = this.need().store.undo();
    this.emitFlags();
    return ok;
  }

  async redo(): Promise<boolean> {
    const ok = this.need().store.redo();
    this.emitFlags();
    return ok;
  }

  async exportFlags(req: { out?: string; overwrite?: boolean; format?: ExportFormat }): Promise<ExportResult> {
    const { ds, store, dir } = this.need();
    const { out, format } = exportTargetFor(req, { datasetRoot: ds.root, projectDir: dir, dataDir: this.opts.dataDir, chosenFolders: this.chosenFolders });
    const counts = exportProjectLabels(out, ds, store, { appVersion: appVersion(), space: this.spaceName(ds), format });
    return { path: out, ...counts, downloadUrl: this.opts.downloadUrl?.(out) };
  }

  // ---- Heads, uncertainty and glyphs ----

  async trainHead(req: { jobId: string; head: HeadKind; spaceId?: string; condition?: string; epochs?: number }): Promise<TrainResultView> {
    const { ds } = this.need();
    const parent = req.spaceId ?? this.spaceId;
    if (!parent) throw new Error(`${ds.name} has no space to train on: it needs embeddings`);
    const r = await this.job(req.jobId, 'train', (signal, progress) =>
      runTrainCommand({
        dir: ds.root,
        dataDir: this.opts.dataDir,
        space: parent,
        head: req.head,
        condition: req.condition,
        epochs: req.epochs,
        signal,
        shouldStop: () => this.stopRequests.has(req.jobId),
        onProgress: (p) => progress(`train ${req.head}: ${p.phase}`, p.done, p.total),
        onEpoch: (e) =>
          this.emit({ type: 'train', jobId: req.jobId, epoch: e.epoch, epochs: e.epochs, loss: e.loss, valRPrecision: e.val.rPrecision, valMapAtR: e.val.mapAtR, best: e.best, seconds: e.seconds }),
      }),
    ).finally(() => this.stopRequests.delete(req.jobId));
    this.spaceCache.delete(r.id);
    const info = this.listSpaces().find((x) => x.id === r.id);
    if (!info) throw new Error(`space ${r.id} was written but cannot be listed`);
    await this.setSpace({ spaceId: info.id });
    const pick = (e: { rPrecision: number; mapAtR: number } | null) => (e ? { rPrecision: e.rPrecision, mapAtR: e.mapAtR } : null);
    return {
      space: info,
      head: r.head,
      spearman: r.spearman ?? null,
      spearmanScope: r.spearmanScope ?? null,
      spearmanAll: r.spearmanAll ?? null,
      splitNote: r.splits.note,
      conditionCoverage: r.conditionCoverage ?? null,
      bestEpoch: r.metrics.bestEpoch,
      stopped: r.metrics.stopped,
      val: pick(r.metrics.val)!,
      test: pick(r.metrics.test),
      initial: pick(r.metrics.initial)!,
      againstTruth: r.metrics.againstTruth,
      seconds: r.metrics.seconds,
      backend: r.metrics.backend,
      conditions: r.conditions ?? [],
    };
  }

  async stopTraining(req: { jobId: string }): Promise<boolean> {
    if (!this.jobs.has(req.jobId)) return false;
    this.stopRequests.add(req.jobId);
    return true;
  }

  async listHeads(): Promise<HeadView[]> {
    const { dir } = this.need();
    return new HeadStore(dir).list().map((h) => ({
      id: h.id,
      name: h.name,
      kind: h.config.kind,
      parent: h.provenance.parent,
      createdAt: h.provenance.createdAt,
      positives: h.provenance.positives,
      extraPairs: h.provenance.extraPairs,
      val: { rPrecision: h.val.rPrecision, mapAtR: h.val.mapAtR },
      test: h.test ? { rPrecision: h.test.rPrecision, mapAtR: h.test.mapAtR } : null,
      curves: h.result.curves.map((c) => ({ epoch: c.epoch, loss: c.loss, rPrecision: c.val.rPrecision, mapAtR: c.val.mapAtR })),
      spaces: h.spaces,
    }));
  }

  private matchParams(spaceId: string): { a: number; b: number } {
    const { dir } = this.need();
    const head = new HeadStore(dir).list().find((h) => h.spaces.some((sp) => sp.id === spaceId));
    return head?.match ?? { a: DEFAULT_A, b: DEFAULT_B };
  }

  async getUncertainty(req: { spaceId?: string }): Promise<UncertaintyView | null> {
    const id = req.spaceId ?? this.spaceId;
    if (!id) return null;
    const sp = this.space(id);
    if (!sp.imageLogvar || !sp.textLogvar) return null;
    const u = uncertaintySummary({ dims: sp.dims, image: sp.image, text: sp.text, imageLogvar: sp.imageLogvar, textLogvar: sp.textLogvar });
    let diagnostics: VarianceDiagnostics | null = null;
    const { ds, store } = this.need();
    try {
      // Known positives: the label model's valid pairs and positives.jsonl (what multi-positive training uses).
      const known = extraPositives(ds, 'auto', readLabels(store.db));
      const key = `${id}:${known.pairs}`;
      diagnostics = this.diagnosticsCache.get(key) ?? null;
      if (!diagnostics) {
        diagnostics = datasetVarianceDiagnostics(ds, { dims: sp.dims, image: sp.image, text: sp.text, imageLogvar: sp.imageLogvar, textLogvar: sp.textLogvar }, known.csr);
        this.diagnosticsCache.set(key, diagnostics);
      }
    } catch (err) {
      // The histogram and lists do not depend on this; say why in the log and show them anyway.
      console.warn(`uncertainty diagnostics for space ${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { spaceId: id, image: u.image, text: u.text, diagnostics };
  }

  async getGlyphs(req: { jobId: string }): Promise<GlyphsView | null> {
    const id = this.spaceId;
    if (!id) return null;
    const sp = this.space(id);
    if (!sp.imageLogvar || !sp.textLogvar) return null;
    const proj = await this.getProjection({ jobId: req.jobId });
    const key = `${id}:${proj.xy.length}:${proj.xy[0]}:${proj.xy[1]}`;
    const hit = this.glyphCache.get(key);
    if (hit) return hit;
    const n = proj.nImages + proj.nCaptions;
    const d = sp.dims;
    const means = new Float32Array(n * d);
    means.set(sp.image, 0);
    means.set(sp.text, proj.nImages * d);
    const logvar = new Float32Array(n * d);
    logvar.set(sp.imageLogvar, 0);
    logvar.set(sp.textLogvar, proj.nImages * d);
    const t0 = performance.now();
    const g = computeGlyphs(means, logvar, d, proj.xy, { method: 'local' });
    const view: GlyphsView = { spaceId: id, radius: g.radius, ellipse: g.ellipse, ellipseShown: g.ellipseShown, r2: g.r2, trace: g.trace, seconds: (performance.now() - t0) / 1000 };
    this.glyphCache.set(key, view);
    return view;
  }

  async getPairCsd(req: { image: number; caption: number }): Promise<PairCsdView | null> {
    const { ds } = this.need();
    const id = this.spaceId;
    if (!id) return null;
    if (req.image >= ds.images.length || req.caption >= ds.captions.length) throw new Error(`no pair (image ${req.image}, caption ${req.caption}) in ${ds.name}`);
    const sp = this.space(id);
    if (!sp.imageLogvar || !sp.textLogvar) return null;
    const ab = this.matchParams(id);
    const r = pairCsd({ dims: sp.dims, image: sp.image, text: sp.text, imageLogvar: sp.imageLogvar, textLogvar: sp.textLogvar }, req.image, req.caption, ab);
    return { ...r, a: ab.a, b: ab.b };
  }

  // ---- Mining and review ----

  private needReviews(): ReviewStore {
    this.need();
    return this.reviews!;
  }

  async mine(req: { jobId: string; spaceIds?: string[] }): Promise<MineSummary> {
    const { ds } = this.need();
    // The oracle (built from the truth) is mined only when asked for, or when it is the only space.
    const listed = this.listSpaces();
    const encoders = listed.filter((s) => s.name !== ORACLE_NAME);
    const spaces = req.spaceIds ?? (encoders.length ? encoders : listed).map((s) => s.id);
    if (!spaces.length) throw new Error(`${ds.name} has no space to mine: it needs embeddings`);
    const r = await this.job(req.jobId, 'mining', (signal, progress) =>
      mineInWorker({ dir: ds.root, dataDir: this.opts.dataDir, spaces }, { signal, onProgress: (p) => progress(`mining: ${p.phase}`, p.done, p.total) }),
    );
    const summary: MineSummary = { candidates: r.candidates, clusters: r.clusters, spaces: r.spaces, seconds: r.seconds, precisionRecall: r.precisionRecall, trueUnannotated: r.trueUnannotated };
    this.store?.setMeta('last_mining', JSON.stringify(summary));
    this.emit({ type: 'mining', summary });
    return summary;
  }

  private lastMining(): MineSummary | null {
    const text = this.store?.getMeta('last_mining');
    if (!text) return null;
    try {
      return JSON.parse(text) as MineSummary;
    } catch {
      return null;
    }
  }

  private clusterSummary(c: ClusterRow): ClusterSummary {
    const { ds } = this.need();
    const reviews = this.needReviews();
    const cands = reviews.candidates({ clusterId: c.id });
    const reviewed = cands.filter((k) => reviews.decisionFor(k.image, k.caption)).length;
    return {
      id: c.id,
      kind: c.kind,
      position: c.position,
      servedBy: c.servedBy,
      priority: c.priority,
      expectedValid: c.expectedValid,
      costSeconds: c.costSeconds,
      captions: c.captions,
      images: c.images,
      referenceImages: c.referenceImages,
      pairs: c.pairs,
      label: unitLabel(c.captions.map((i) => ds.captions[i]?.text ?? '')),
      reviewed,
    };
  }

  async reviewQueue(req: { limit?: number; offset?: number; pendingOnly?: boolean }): Promise<ClusterSummary[]> {
    return this.needReviews()
      .clusters({ limit: req.limit ?? 50, offset: req.offset ?? 0, pendingOnly: req.pendingOnly ?? false })
      .map((c) => this.clusterSummary(c));
  }

  async getReviewUnit(req: { clusterId?: number }): Promise<ReviewUnitView | null> {
    const { ds } = this.need();
    const reviews = this.needReviews();
    const c = req.clusterId != null ? reviews.cluster(req.clusterId) : reviews.nextCluster();
    if (!c) return null;
    const inTruth = (image: number, caption: number) => {
      const t = ds.truth?.[caption];
      return t ? Array.prototype.includes.call(t, image) : null;
    };
    const flagOf = new Map<string, FlagLabel>();
    for (const l of readLabels(reviews.db, { kinds: ['flag'] })) if (l.target === 'pair') flagOf.set(`${l.caption}:${l.image}`, l.flag as FlagLabel);
    const candidates = reviews.candidates({ clusterId: c.id }).map((k) => ({
      image: k.image,
      caption: k.caption,
      p: k.p,
      agreement: k.agreement,
      decision: reviews.decisionFor(k.image, k.caption)?.label ?? null,
      truth: inTruth(k.image, k.caption) as boolean | null,
      flag: flagOf.get(`${k.caption}:${k.image}`) ?? null,
    }));
    const pending = reviews.clusters({ pendingOnly: true }).length;
    return { cluster: this.clusterSummary(c), candidates, pending };
  }

  async recordReview(req: { decisions: ReviewDecisionInput[]; reviewer: string; seconds?: number; clusterId?: number }): Promise<{ recorded: number }> {
    const { ds } = this.need();
    const reviews = this.needReviews();
    for (const d of req.decisions) {
      if (d.image >= ds.images.length) throw new Error(`no image with index ${d.image}`);
      if (d.caption >= ds.captions.length) throw new Error(`no caption with index ${d.caption}`);
    }
    const per = req.seconds != null ? req.seconds / req.decisions.length : null;
    const rec = reviews.record(req.decisions.map((d) => ({ ...d, reviewer: req.reviewer, seconds: per, clusterId: req.clusterId ?? null })));
    this.emitReviews();
    // Refit the active-learning classifier and re-rank the queue off the request path.
    setImmediate(() => {
      try {
        if (this.reviews === reviews && reviews.latestRun()) refreshAfterReviews(reviews);
      } catch {
        // the queue keeps its previous order
      }
    });
    return { recorded: rec.length };
  }

  async getCalibration(): Promise<CalibrationView | null> {
    const c = (this.needReviews().latestRun()?.classifier as { calibration?: CalibrationReport } | null)?.calibration;
    if (!c) return null;
    return { reviewed: c.reviewed, ece: c.ece, eceRaw: c.eceRaw, bins: c.bins, calibrated: c.calibrated, reason: c.reason, minReviews: CALIBRATION_MIN_REVIEWS, maxEce: CALIBRATION_MAX_ECE };
  }

  async undoReview(): Promise<boolean> {
    const undone = this.needReviews().undo();
    this.emitReviews();
    return undone.length > 0;
  }

  private emitReviews(): void {
    const reviews = this.reviews;
    if (!reviews) return;
    this.emit({ type: 'reviews', decisions: reviews.countDecisions().decisions, canUndo: reviews.canUndo() });
  }

  async getMetrics(req: { spaceIds?: string[]; ties?: 'expected' | 'stable' | 'optimistic' | 'pessimistic'; strict?: boolean }): Promise<MetricsTableView> {
    const { ds } = this.need();
    const ids = req.spaceIds ?? this.listSpaces().map((s) => s.id);
    if (!ids.length) throw new Error(`${ds.name} has no space to evaluate: it needs embeddings`);
    // Large spaces run on worker threads.
    const table = await metricsTableAsync(ds, this.needReviews(), ids.map((id) => this.space(id)), { ties: req.ties, strict: req.strict });
    return { ...table, verified: verifiedCounts(projectVerified(ds, this.needReviews(), { strict: req.strict }).counts) };
  }

  async getMultiplicity(): Promise<MultiplicityView> {
    const { ds } = this.need();
    const m = projectMultiplicity(ds, this.needReviews());
    return {
      imagesPerCaption: m.imagesPerCaption,
      captionsPerImage: m.captionsPerImage,
      perSpace: m.perSpace,
      byAgreement: m.byAgreement,
      captureRecapture: m.captureRecapture.map((c) => ({ spaceIds: c.spaceIds, estimate: c.estimate, remainingExtrapolated: c.remainingExtrapolated, queries: c.queries, trueTotal: c.trueTotal, bias: c.bias })),
    };
  }

  async getPairPush(req: { image: number; caption: number; temperature?: number; batchSize?: number }): Promise<PairPushView> {
    const { ds } = this.need();
    if (req.image >= ds.images.length || req.caption >= ds.captions.length) throw new Error(`no pair (image ${req.image}, caption ${req.caption}) in ${ds.name}`);
    const r = projectPairPush(ds, this.needReviews(), this.space(), req.image, req.caption, { temperature: req.temperature, batchSize: req.batchSize });
    return {
      image: r.image,
      caption: r.caption,
      cos: r.cos,
      temperature: r.temperature,
      batchSize: r.batchSize,
      validFrom: r.validFrom,
      infoNce: {
        expectedForce: r.infoNce.expectedForce,
        conditionalForce: r.infoNce.conditionalForce,
        pushShareRow: r.infoNce.pushShareRow,
        pushShareCol: r.infoNce.pushShareCol,
        gradientErrorRow: r.infoNce.gradientErrorRow,
        gradientErrorCol: r.infoNce.gradientErrorCol,
        coBatchProbability: r.infoNce.coBatchProbability,
      },
      bce: { csd: r.bce.csd, logit: r.bce.logit, push: r.bce.push, ppPush: r.bce.ppPush },
    };
  }

  async importPositives(req: { path: string }): Promise<ImportResultView> {
    const { ds } = this.need();
    const r = await importIntoProject(ds, this.needReviews(), checkInputFile(req.path, 'positives or label file', 'cli'));
    this.emitReviews();
    if (r.labels?.flags) this.emitFlags();
    return r;
  }

  async cancelJob(req: { jobId: string }): Promise<boolean> {
    const ac = this.jobs.get(req.jobId);
    if (!ac) return false;
    ac.abort();
    return true;
  }

  async searchItems(req: { query: string; limit?: number }): Promise<SearchResult> {
    return searchItems(this.need().ds, req.query, req.limit);
  }

  private itemValues: { hash: string; columns: ItemValueColumn[] } | null = null;

  async getItemValues(): Promise<ItemValueColumn[]> {
    const { ds } = this.need();
    if (this.itemValues?.hash !== ds.hash) this.itemValues = { hash: ds.hash, columns: itemValueColumns(ds) };
    return this.itemValues.columns;
  }

  private folders: FolderBrowser | null = null;

  async listDirectory(req: { path?: string }): Promise<DirectoryListing> {
    this.folders ??= new FolderBrowser(this.opts.allowedRoots);
    return this.folders.list(req.path);
  }

  /** The open dataset (for the lens:// protocol and the CLI). */
  current(): Dataset | null {
    return this.dataset;
  }

  close(): void {
    for (const ac of this.jobs.values()) ac.abort();
    this.store?.close();
    this.store = null;
    this.reviews = null;
  }
}
