// A Project: one dataset opened once with everything that belongs to it: the project store (one
// SQLite connection, one migration ladder), the review store on that connection, the spaces, the
// heads, the projection cache, the active space and the in-memory caches. Every service, the CLI
// and every job take a Project; nothing else in src/ opens a dataset or its store.
import { join } from 'node:path';
import type { Dataset } from '../datasets/dataset.js';
import type { Problem } from '../../../shared/dataset.js';
import { openDataset, type OpenOptions } from '../datasets/open.js';
import type { GlyphsView, PartnersView, VarianceDiagnostics } from '../../../shared/views/heads.js';
import type { SpaceInfo } from '../../../shared/views/spaces.js';
import type { ItemValueColumn } from '../../../shared/map_tools.js';
import type { Projection } from '../../../shared/api.js';
import type { ProjectStore, WritableCheck } from '../store/project_store.js';
import { openProjectStore } from '../store/fallback_merge.js';
import { ReviewStore } from '../review/review_store.js';
import { SpaceStore } from '../spaces/space_store.js';
import { datasetSpaces } from '../spaces/space_list.js';
import { HeadStore } from '../heads/save.js';
import { resolveSpaces } from '../mining/project.js';
import type { MiningSpaceInput } from '../mining/space_engine.js';
import { removeStaleTemporaries } from '../io/atomic_file.js';
import { ProjectionStore } from './projection_store.js';

export interface ProjectOpenOptions extends Pick<OpenOptions, 'strict' | 'columns' | 'onProgress' | 'memoryMb' | 'readTruth'> {
  /** The app data folder (project stores of read-only datasets live there). */
  dataDir: string;
  /** Resume this app's undo session (store/session_claim.ts). */
  claimSessionIn?: string;
  isWritable?: WritableCheck;
  /**
   * The app's open: warn when the dataset changed since the last open, record its hash and root,
   * clear stale export temporaries and pick the saved (or best) active space.
   */
  track?: boolean;
  /** Runs after the dataset is read and before its store is opened (a throw leaves the store untouched). */
  beforeStore?: (ds: Dataset) => void;
}

/** What a project keeps in memory between calls; cleared with the project. */
export interface ProjectCaches {
  spaces: Map<string, MiningSpaceInput>;
  glyphs: Map<string, GlyphsView>;
  diagnostics: Map<string, VarianceDiagnostics>;
  /** Effective partners per space id (heads service). */
  partners: Map<string, PartnersView>;
  itemValues: ItemValueColumn[] | null;
  projectionInFlight: { key: string; promise: Promise<Projection> } | null;
}

export class Project {
  /** How many projects were opened in this process (tests prove one open serves every job). */
  static opened = 0;

  readonly reviews: ReviewStore;
  readonly spaces: SpaceStore;
  readonly heads: HeadStore;
  readonly projections: ProjectionStore;
  readonly caches: ProjectCaches = { spaces: new Map(), glyphs: new Map(), diagnostics: new Map(), partners: new Map(), itemValues: null, projectionInFlight: null };
  /** The space the map, neighbours and push use (null when the dataset has none). */
  activeSpaceId: string | null = null;
  private closed = false;
  private holds = 0;
  private closeWanted = false;

  private constructor(
    readonly ds: Dataset,
    readonly store: ProjectStore,
    /** The project folder (`<dataset>/.mlens`, or the fallback under the data folder). */
    readonly dir: string,
    readonly dataDir: string,
    /** What opening the store said (a merged fallback store, a schema upgrade); also in ds.problems. */
    readonly notices: Problem[],
  ) {
    this.reviews = new ReviewStore(store.db, store.session);
    this.spaces = new SpaceStore(dir);
    this.heads = new HeadStore(dir);
    this.projections = new ProjectionStore(dir);
  }

  /** Opens a dataset folder and its project store: the one place in src/ that does. */
  static async open(path: string, opts: ProjectOpenOptions): Promise<Project> {
    const ds = await openDataset(path, { strict: opts.strict, columns: opts.columns, onProgress: opts.onProgress, memoryMb: opts.memoryMb, readTruth: opts.readTruth });
    opts.beforeStore?.(ds);
    const { store, dir, notices } = openProjectStore(ds.root, opts.dataDir, { claimSessionIn: opts.claimSessionIn, isWritable: opts.isWritable });
    Project.opened++;
    ds.problems.push(...notices);
    const p = new Project(ds, store, dir, opts.dataDir, notices);
    if (opts.track) p.track();
    return p;
  }

  /** Reads a dataset folder without its project store (`mlens open` only looks). */
  static readDataset(path: string, opts: Pick<OpenOptions, 'strict' | 'columns' | 'onProgress' | 'memoryMb'> = {}): Promise<Dataset> {
    return openDataset(path, opts);
  }

  private track(): void {
    const { ds, store } = this;
    const prevHash = store.getMeta('dataset_hash');
    if (prevHash && prevHash !== ds.hash) {
      ds.problems.push({
        severity: 'warning',
        file: 'captions.jsonl',
        message: `the dataset changed since flags were last made (hash ${prevHash} → ${ds.hash}); flags refer to item indices and may need checking`,
      });
    }
    for (const f of [join(ds.root, 'exports'), join(this.dir, 'exports')]) removeStaleTemporaries(f);
    store.setMeta('dataset_hash', ds.hash);
    store.setMeta('dataset_root', ds.root);
    const spaces = this.listSpaces();
    const saved = store.getMeta('active_space');
    // Without a saved choice, an encoder's space comes before the oracle built from the truth.
    this.activeSpaceId = spaces.find((sp) => sp.id === saved)?.id ?? spaces.find((sp) => !sp.fromTruth)?.id ?? spaces[0]?.id ?? null;
  }

  get root(): string {
    return this.ds.root;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The dataset's own embeddings (id 'dataset') and every stored space of the right size. */
  listSpaces(): SpaceInfo[] {
    return datasetSpaces(this.ds, this.dir);
  }

  /** A space's arrays by id (default: the active space), loaded once and kept. */
  space(id: string | null = this.activeSpaceId): MiningSpaceInput {
    if (!id && this.ds.streamed) resolveSpaces(this.ds, this.dir, ['dataset']); // refuses the rows on disk by name
    if (!id) throw new Error(`${this.ds.name} has no embeddings yet: add embeddings/image.npy and text.npy to the folder, or encode it (mlens encode)`);
    let s = this.caches.spaces.get(id);
    if (!s) {
      s = resolveSpaces(this.ds, this.dir, [id])[0];
      this.caches.spaces.set(id, s);
    }
    return s;
  }

  /** Several spaces by id (each listed once), through the same cache. */
  resolveSpaces(ids: readonly string[], opts: { onDisk?: boolean } = {}): MiningSpaceInput[] {
    if (!ids.length) throw new Error('give at least one space id (--spaces ID[,ID...])');
    if (new Set(ids).size !== ids.length) resolveSpaces(this.ds, this.dir, ids);
    // The folder's embeddings over the memory budget: rows on disk (not cached; nothing is loaded).
    const onDisk = (id: string): boolean => !!opts.onDisk && id === 'dataset' && !this.ds.embeddings && !!this.ds.streamed;
    return ids.map((id) => (onDisk(id) ? resolveSpaces(this.ds, this.dir, [id], opts)[0] : this.space(id)));
  }

  /** A space was (re)written: its arrays are read again next time. */
  forgetSpace(id: string): void {
    this.caches.spaces.delete(id);
  }

  /** Makes a space the active one and remembers the choice in the store. */
  setActiveSpace(id: string): void {
    // The folder's embeddings on disk are a listed space (a sampled map, mining, metrics) without rows in memory.
    if (!(id === 'dataset' && !this.ds.embeddings && this.ds.streamed)) this.space(id);
    this.activeSpaceId = id;
    this.store.setMeta('active_space', id);
  }

  /** The active space as a label for exports and cached maps ('none' without one). */
  activeSpaceLabel(): string {
    const sp = this.listSpaces().find((x) => x.id === this.activeSpaceId);
    return sp ? `${sp.id}: ${sp.name} (${sp.dims}-d)` : 'none';
  }

  /**
   * Keeps the store open while a job writes to it (mining's run): a close() meanwhile (another
   * dataset opened, the app quitting) waits for the last release.
   */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && this.closeWanted) this.close();
    };
  }

  close(): void {
    if (this.closed) return;
    if (this.holds > 0) {
      this.closeWanted = true;
      return;
    }
    this.closed = true;
    this.caches.spaces.clear();
    this.caches.projectionInFlight = null;
    this.store.close();
  }
}
