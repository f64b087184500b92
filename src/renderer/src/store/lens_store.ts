// The renderer's one store: the typed state (state.ts), the API, and the actions more than one
// feature needs (open a session, compute the map, select an item, switch the space, open a unit in
// Review). Transport events update the state here, then go to the features that listen for them
// (`onSignal`), e.g. the Metrics tab recomputing after a `reviews` event.
import type { JobEvent, LensApi, LensEvent, Session } from '../../../shared/api';
import type { Transport } from '../transport/transport';
import { newJobId } from '../jobs';
import { createStore, type Store } from './store';
import { initialState, TAB_IDS, type ItemKind, type ItemRef, type LensState, type Memory, type TabId } from './state';
import { unpackFlags } from '../../../shared/flag_table';

/** What features may listen for: the transport's events, and requests one feature makes of another. */
export type LensSignal = LensEvent | { type: 'open-unit'; id: number };
export type SignalType = LensSignal['type'];
export type SignalOf<K extends SignalType> = Extract<LensSignal, { type: K }>;

/** The tab last shown is remembered across reloads. */
const TAB_KEY = 'mlens-tab';

export class LensStore {
  readonly api: LensApi;
  readonly state: Store<LensState>;
  private readonly signalListeners = new Set<(s: LensSignal) => void>();
  /** The dataset (`root#hash`) and space whose items and map are loaded. */
  private loadedKey: string | null = null;
  private loadedSpace: string | null = null;
  private projectionJob: string | null = null;
  private flySeq = 0;

  constructor(
    readonly transport: Transport,
    private readonly memory: Memory,
  ) {
    this.api = transport.api;
    const tab = memory.get(TAB_KEY) as TabId | null;
    this.state = createStore(initialState(tab && TAB_IDS.includes(tab) ? tab : 'inspect'));
  }

  get = (): LensState => this.state.get();
  set = (patch: Partial<LensState> | ((s: LensState) => Partial<LensState>)): void => this.state.set(patch);
  imageUrl = (path: string, size?: number): string => this.transport.imageUrl(path, size);

  /** Listens to transport events and asks for the app info and the session; returns the stop. */
  start(): () => void {
    const off = this.transport.onEvent((e) => {
      this.apply(e);
      this.signal(e);
    });
    void this.api.app.info().then((info) => this.set({ info }), this.fail);
    void this.api.app.session().then(this.loadSession, this.fail);
    return off;
  }

  onSignal(fn: (s: LensSignal) => void): () => void {
    this.signalListeners.add(fn);
    return () => {
      this.signalListeners.delete(fn);
    };
  }

  signal(s: LensSignal): void {
    for (const fn of [...this.signalListeners]) fn(s);
  }

  private apply(e: LensEvent): void {
    if (e.type === 'job') {
      this.set((s) => {
        const jobs = { ...s.jobs };
        if (e.state === 'running') jobs[e.jobId] = e;
        else delete jobs[e.jobId];
        return { jobs, ...(e.state === 'error' && e.kind !== 'projection' ? { error: e.message ?? 'job failed' } : {}) };
      });
      if (e.kind === 'projection') this.applyPartialMap(e);
    } else if (e.type === 'flags') {
      this.set({ flags: unpackFlags(e.table), undoRedo: { canUndo: e.canUndo, canRedo: e.canRedo } });
    } else if (e.type === 'reviews') {
      this.set({ decisions: e.decisions });
    } else if (e.type === 'mining') {
      this.set({ mineSummary: e.summary });
    } else if (e.type === 'session') {
      if (e.session.dataset) void this.loadSession(e.session);
      else void this.api.app.session().then(this.loadSession, () => undefined);
    }
  }

  /** A partial layout is drawn while no map is shown yet (a new dataset); the final map replaces it. */
  private applyPartialMap(e: JobEvent): void {
    const s = this.get();
    if (e.state !== 'running') {
      if (s.partialMap) this.set({ partialMap: null });
      return;
    }
    const n = s.items ? s.items.images.length + s.items.captions.length : -1;
    if (!e.xy || s.projection || e.xy.length !== 2 * n) return;
    this.set({ partialMap: { xy: e.xy, step: e.message ?? '' }, layoutFrames: s.layoutFrames + 1 });
  }

  fail = (e: unknown): void => this.set({ error: e instanceof Error ? e.message : String(e) });
  notify = (notice: string | null): void => this.set({ notice });
  setError = (error: string | null): void => this.set({ error });

  setTab = (tab: TabId): void => {
    this.set({ tab });
    this.memory.set(TAB_KEY, tab);
  };

  refreshSession = (): void => {
    void this.api.app.session().then(this.loadSession, this.fail);
  };

  /** Takes a session from main: a new dataset resets what belonged to the old one; a new space recomputes the map. */
  loadSession = async (s: Session): Promise<void> => {
    this.set({ session: s, undoRedo: { canUndo: s.canUndo, canRedo: s.canRedo } });
    const key = s.dataset ? `${s.dataset.root}#${s.dataset.hash}` : null;
    if (key === this.loadedKey) {
      // Same dataset, another space: the map and the neighbours follow the active space.
      if (s.dataset && s.spaceId !== this.loadedSpace) {
        this.loadedSpace = s.spaceId;
        void this.computeProjection();
      }
      return;
    }
    this.loadedKey = key;
    this.loadedSpace = s.spaceId;
    // Messages and cards belong to the dataset they were about.
    this.set({
      mineSummary: s.lastMining ?? null,
      reviewUnit: null,
      reviewFocus: null,
      pushPair: null,
      decisions: null,
      items: null,
      projection: null,
      partialMap: null,
      layoutFrames: 0,
      selected: null,
      detail: null,
      exported: null,
      notice: null,
      error: null,
      projectionError: null,
      focusPair: null,
      folder: s.dataset?.root ?? '',
    });
    if (!s.dataset) return;
    try {
      const [items, flags] = await Promise.all([this.api.datasets.items(), this.api.labels.flagTable()]);
      this.set({ items, flags: unpackFlags(flags) });
      await this.computeProjection();
    } catch (e) {
      this.fail(e);
    }
  };

  /** The map of the active space (cached in main unless `recompute`); a newer request wins. */
  computeProjection = async (recompute = false): Promise<void> => {
    const jobId = newJobId('projection');
    this.projectionJob = jobId;
    const space = this.loadedSpace;
    this.set({ projectionError: null, layoutFrames: 0 });
    try {
      const p = await this.api.projection.get({ jobId, recompute });
      if (this.projectionJob === jobId) this.set({ projection: p, projectionSpace: space, partialMap: null });
    } catch (e) {
      if (this.projectionJob === jobId) this.set({ projectionError: e instanceof Error ? e.message : String(e) });
    }
  };

  /** Makes a space active; `keep` keeps the camera on the selection (a condition switch). */
  switchSpace = (spaceId: string, keep = false): void => {
    const { selected } = this.get();
    this.set({ keepView: keep ? { center: selected ? this.pointOf(selected.kind, selected.index) : null } : null });
    this.api.spaces.setActive({ spaceId }).then(this.loadSession, this.fail);
  };

  /** The map's point index of an item (images first, then captions). */
  pointOf = (kind: ItemKind, index: number): number => (kind === 'image' ? index : (this.get().projection?.nImages ?? 0) + index);
  itemOf = (point: number): ItemRef => {
    const n = this.get().projection?.nImages ?? 0;
    return point < n ? { kind: 'image', index: point } : { kind: 'caption', index: point - n };
  };

  /** Selects an item: the Inspect tab shows its partners and neighbours. */
  select = (kind: ItemKind, index: number): void => {
    this.set({ selected: { kind, index }, focusPair: null });
    this.setTab('inspect');
    this.api.spaces.itemDetail({ kind, index, k: 10 }).then((detail) => this.set({ detail }), this.fail);
  };

  /** Picked in a list (flags, neighbours, uncertainty, search): select it and fly the map to it. */
  selectAndFly = (kind: ItemKind, index: number): void => {
    this.select(kind, index);
    if (this.get().projection) this.set({ flyTo: { index: this.pointOf(kind, index), key: ++this.flySeq } });
  };

  clearSelection = (): void => this.set({ selected: null, detail: null });

  /** Opens a review unit in the Review tab (from the map or a list). */
  openInReview = (id: number): void => {
    this.setTab('review');
    this.signal({ type: 'open-unit', id });
  };
}
