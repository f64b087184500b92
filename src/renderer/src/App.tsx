import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ExportPreview } from '../../shared/labels';
import { ExportConfirm } from './components/ExportConfirm';
import type { AppInfo, ExportResult, ItemDetail, ItemTable, JobEvent, LensEvent, Projection, Session } from '../../shared/api';
import type { ClusterSummary, GlyphsView, MineSummary, PairCsdView, PairPushView, ReviewCandidate, ReviewUnitView, UncertaintyView } from '../../shared/analysis';
import type { Flag, FlagLabel, FlagTarget } from '../../shared/flags';
import type { Transport } from './transport';
import { MapView, type MapEdge, type MapGlyphs, type MapPoints } from './map/MapView';
import { ProgressBar } from './components/ProgressBar';
import { SummaryPanel } from './components/SummaryPanel';
import { DetailPanel } from './components/DetailPanel';
import { FlagsList } from './components/FlagsList';
import { newJobId } from './jobs';
import { Tabs, TabPanel } from './components/Tabs';
import { ReviewPanel } from './components/ReviewPanel';
import { MetricsPanel } from './components/MetricsPanel';
import { MultiplicityPanel } from './components/MultiplicityPanel';
import { PushPanel, type PushParams } from './components/PushPanel';
import { convexHull, hullEdges, unitColor } from './review/hull';
import { isPositive } from './review/grid';
import { SpacesPanel, spaceLabel } from './components/SpacesPanel';
import { TrainPanel } from './components/TrainPanel';
import { UncertaintyPanel } from './components/UncertaintyPanel';
import { PairCsdPanel } from './components/PairCsdPanel';
import { GlyphLodNote, useGlyphLodStore } from './components/GlyphLodNote';
import { useColourBy } from './colour/useColourBy';
import { ColourByControl } from './colour/ColourKey';
import { LineKey, type LineKind } from './colour/LineKey';
import { SearchBox } from './search/SearchBox';
import { HelpCorner, ShortcutsOverlay, useShortcutsKey } from './help/ShortcutsOverlay';
import { FolderPicker } from './folders/FolderPicker';
import { EncodePrompt } from './spaces/EncodePrompt';
import { SelectionBar } from './selection/SelectionBar';
import { useMapSelection } from './selection/useMapSelection';

const EXAG_STEPS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20];
const EXAG_ONE = EXAG_STEPS.indexOf(1);
/** Auto exaggeration keeps the 99th-percentile glyph radius within this share of the map's extent. */
const GLYPH_TARGET_SHARE = 0.05;

/**
 * The exaggeration step a new glyph set starts at: ×1 when the largest glyphs (99th percentile) are
 * already small next to the map, else the largest smaller step that brings them within
 * GLYPH_TARGET_SHARE of the extent. Radii are heavy-tailed where the map magnifies tight clusters of
 * near-duplicates (on the sample the 90th percentile is 30× the median, the 99th 200×), and a few disks as large as
 * the map would hide it.
 */
function autoExaggerationStep(radius: Float32Array, xy: Float32Array): number {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i + 1 < xy.length; i += 2) {
    if (!Number.isFinite(xy[i]) || !Number.isFinite(xy[i + 1])) continue;
    for (const a of [0, 1]) {
      lo[a] = Math.min(lo[a], xy[i + a]);
      hi[a] = Math.max(hi[a], xy[i + a]);
    }
  }
  const extent = Math.max(hi[0] - lo[0], hi[1] - lo[1]);
  const r = Array.from(radius).filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (!(extent > 0) || r.length === 0) return EXAG_ONE;
  const large = r[Math.floor(0.99 * (r.length - 1))];
  for (let k = EXAG_ONE; k >= 0; k--) if (large * EXAG_STEPS[k] <= GLYPH_TARGET_SHARE * extent) return k;
  return 0;
}

type Sel = { kind: 'image' | 'caption'; index: number };

const PARTNER_EDGE: [number, number, number, number] = [0.15, 0.6, 0.25, 0.9];
const NEIGHBOR_EDGE: [number, number, number, number] = [0.95, 0.55, 0.1, 0.75];
const OPEN_UNIT_EDGE: [number, number, number, number] = [0.07, 0.09, 0.15, 0.95];
const CAND_EDGE = {
  open: [0.55, 0.35, 0.85, 0.55] as [number, number, number, number],
  yes: [0.1, 0.62, 0.3, 0.9] as [number, number, number, number],
  no: [0.85, 0.15, 0.15, 0.5] as [number, number, number, number],
  focus: [1, 0.75, 0, 1] as [number, number, number, number],
};
/** How many pending units may be outlined on the map (the user picks). */
const MAP_UNIT_CHOICES = [10, 30, 60];

type TabId = 'inspect' | 'review' | 'metrics' | 'multiplicity' | 'spaces' | 'train' | 'uncertainty';
const TAB_IDS: TabId[] = ['inspect', 'review', 'metrics', 'multiplicity', 'spaces', 'train', 'uncertainty'];
type Pair = { image: number; caption: number };

function initialTab(): TabId {
  try {
    const t = localStorage.getItem('mlens-tab') as TabId | null;
    return t && TAB_IDS.includes(t) ? t : 'inspect';
  } catch {
    return 'inspect';
  }
}

export function App({ transport }: { transport: Transport }) {
  const api = transport.api;
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [items, setItems] = useState<ItemTable | null>(null);
  const [projection, setProjection] = useState<Projection | null>(null);
  const [projError, setProjError] = useState<string | null>(null);
  const [jobs, setJobs] = useState<Record<string, JobEvent>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [flags, setFlags] = useState<Flag[]>([]);
  const [undoRedo, setUndoRedo] = useState({ canUndo: false, canRedo: false });
  const [selected, setSelected] = useState<Sel | null>(null);
  const [detail, setDetail] = useState<ItemDetail | null>(null);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const [focusPair, setFocusPair] = useState<{ image: number; caption: number } | null>(null);
  const [exported, setExported] = useState<ExportResult | null>(null);
  const [folder, setFolder] = useState('');
  const [tab, setTabState] = useState<TabId>(initialTab);
  const [reviewsTick, setReviewsTick] = useState(0);
  const [miningTick, setMiningTick] = useState(0);
  const [decisions, setDecisions] = useState<number | null>(null);
  const [mineSummary, setMineSummary] = useState<MineSummary | null>(null);
  const [openRequest, setOpenRequest] = useState<{ id: number; nonce: number } | null>(null);
  const [reviewUnit, setReviewUnit] = useState<ReviewUnitView | null>(null);
  const [reviewFocus, setReviewFocus] = useState<Pair | null>(null);
  const [pushPair, setPushPair] = useState<Pair | null>(null);
  const [push, setPush] = useState<PairPushView | null>(null);
  const [pushError, setPushError] = useState<string | null>(null);
  const [pushParams, setPushParams] = useState<PushParams>({ temperature: 0.07, batchSize: 128 });
  const [mapUnits, setMapUnits] = useState<ClusterSummary[]>([]);
  const [showUnits, setShowUnits] = useState(true);
  const [mapUnitCount, setMapUnitCount] = useState(10);
  const [hoverUnit, setHoverUnit] = useState<number | null>(null);
  const [hoverCands, setHoverCands] = useState<{ id: number; candidates: ReviewCandidate[] } | null>(null);
  const [projSpace, setProjSpace] = useState<string | null>(null);
  const [glyphView, setGlyphView] = useState<GlyphsView | null>(null);
  const [showGlyphs, setShowGlyphs] = useState(true);
  const glyphLod = useGlyphLodStore();
  const [exagStep, setExagStep] = useState(EXAG_ONE);
  /** The exaggeration was chosen for the glyph set, not by the user (cleared when the slider moves). */
  const [exagAuto, setExagAuto] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [uncertainty, setUncertainty] = useState<UncertaintyView | null>(null);
  const [csdMap, setCsdMap] = useState<Map<string, PairCsdView> | null>(null);
  const [pairCsd, setPairCsd] = useState<PairCsdView | null>(null);
  const [keepView, setKeepView] = useState<{ center: number | null } | null>(null);
  const mapSel = useMapSelection(projection?.xy ?? null);
  const [flyTo, setFlyTo] = useState<{ index: number; key: number } | null>(null);
  const unitCache = useRef(new Map<number, ReviewCandidate[]>());
  const loadedKey = useRef<string | null>(null);
  const loadedSpace = useRef<string | null>(null);
  const projJob = useRef<string | null>(null);

  const fail = useCallback((e: unknown) => setError(e instanceof Error ? e.message : String(e)), []);
  const setTab = useCallback((t: TabId) => {
    setTabState(t);
    try {
      localStorage.setItem('mlens-tab', t);
    } catch {
      // not remembered
    }
  }, []);

  const computeProjection = useCallback(
    async (recompute = false) => {
      const jobId = newJobId('projection');
      projJob.current = jobId;
      const space = loadedSpace.current;
      setProjError(null);
      try {
        const p = await api.getProjection({ jobId, recompute });
        if (projJob.current === jobId) {
          setProjSpace(space);
          setProjection(p);
        }
      } catch (e) {
        if (projJob.current === jobId) setProjError(e instanceof Error ? e.message : String(e));
      }
    },
    [api],
  );

  const loadSession = useCallback(
    async (s: Session) => {
      setSession(s);
      setUndoRedo({ canUndo: s.canUndo, canRedo: s.canRedo });
      const key = s.dataset ? `${s.dataset.root}#${s.dataset.hash}` : null;
      if (key === loadedKey.current) {
        // Same dataset, another space: the map and the neighbours follow the active space.
        if (s.dataset && s.spaceId !== loadedSpace.current) {
          loadedSpace.current = s.spaceId;
          void computeProjection();
        }
        return;
      }
      loadedKey.current = key;
      loadedSpace.current = s.spaceId;
      setMineSummary(s.lastMining ?? null);
      setMapUnits([]);
      setReviewUnit(null);
      setPushPair(null);
      setDecisions(null);
      unitCache.current.clear();
      setItems(null);
      setProjection(null);
      setSelected(null);
      setDetail(null);
      setExported(null);
      // Messages and cards belong to the dataset they were about.
      setNotice(null);
      setError(null);
      setProjError(null);
      setFocusPair(null);
      setHover(null);
      setFolder(s.dataset?.root ?? '');
      if (!s.dataset) return;
      try {
        const [table, fl] = await Promise.all([api.getItems(), api.listFlags()]);
        setItems(table);
        setFlags(fl);
        await computeProjection();
      } catch (e) {
        fail(e);
      }
    },
    [api, computeProjection, fail],
  );

  useEffect(() => {
    const off = transport.onEvent((e: LensEvent) => {
      if (e.type === 'job') {
        setJobs((j) => {
          const next = { ...j };
          if (e.state === 'running') next[e.jobId] = e;
          else delete next[e.jobId];
          return next;
        });
        if (e.state === 'error' && e.kind !== 'projection') setError(e.message ?? 'job failed');
      } else if (e.type === 'flags') {
        setFlags(e.flags);
        setUndoRedo({ canUndo: e.canUndo, canRedo: e.canRedo });
      } else if (e.type === 'reviews') {
        setDecisions(e.decisions);
        setReviewsTick((t) => t + 1);
      } else if (e.type === 'mining') {
        setMineSummary(e.summary);
        setMiningTick((t) => t + 1);
      } else if (e.type === 'train') {
        // handled by the Train tab (it subscribes itself)
      } else if (e.type === 'session') {
        if (e.session.dataset) void loadSession(e.session);
        else void api.getSession().then(loadSession, () => undefined);
      }
    });
    void api.appInfo().then(setInfo, fail);
    void api.getSession().then(loadSession, fail);
    return off;
  }, [api, transport, loadSession, fail]);

  const select = useCallback(
    (kind: 'image' | 'caption', index: number) => {
      setSelected({ kind, index });
      setFocusPair(null);
      setTab('inspect');
      api.getItemDetail({ kind, index, k: 10 }).then(setDetail, fail);
    },
    [api, fail, setTab],
  );

  const openInReview = useCallback(
    (id: number) => {
      setTab('review');
      setOpenRequest((r) => ({ id, nonce: (r?.nonce ?? 0) + 1 }));
    },
    [setTab],
  );

  const hasSpace = !!session?.spaces.length;
  const subscribe = useCallback((fn: (e: LensEvent) => void) => transport.onEvent(fn), [transport]);
  const activeSpace = session?.spaces.find((sp) => sp.id === session.spaceId) ?? null;
  const probabilistic = !!activeSpace?.probabilistic;
  const spaceId = session?.spaceId ?? null;

  const switchSpace = useCallback(
    (id: string, keep = false) => {
      if (keep) setKeepView({ center: selected ? (selected.kind === 'image' ? selected.index : (projection?.nImages ?? 0) + selected.index) : null });
      else setKeepView(null);
      api.setSpace({ spaceId: id }).then(loadSession, fail);
    },
    [api, loadSession, fail, selected, projection],
  );

  // keepCamera applies to the projection that follows a condition switch only.
  useEffect(() => {
    setKeepView(null);
  }, [projection]);

  // The selection's neighbours follow the active space.
  const selRef = useRef<Sel | null>(null);
  selRef.current = selected;
  useEffect(() => {
    const sel = selRef.current;
    if (sel && spaceId) api.getItemDetail({ kind: sel.kind, index: sel.index, k: 10 }).then(setDetail, () => undefined);
  }, [api, spaceId]);

  // Uncertainty (Σσ² per item) of a probabilistic active space.
  useEffect(() => {
    setUncertainty(null);
    if (!probabilistic || !spaceId) return;
    let cancelled = false;
    api.getUncertainty({ spaceId }).then((u) => !cancelled && setUncertainty(u), () => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, probabilistic, spaceId]);

  // Glyphs of the active space on its current map.
  useEffect(() => {
    setGlyphView(null);
    if (!probabilistic || !projection || projSpace !== spaceId) return;
    let cancelled = false;
    api.getGlyphs({ jobId: newJobId('glyphs') }).then(
      (g) => {
        if (cancelled) return;
        setGlyphView(g);
        if (g) {
          const step = autoExaggerationStep(g.radius, projection.xy);
          setExagStep(step);
          setExagAuto(step !== EXAG_ONE);
        }
      },
      (e: unknown) => !cancelled && setNotice(`Glyphs unavailable: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      cancelled = true;
    };
  }, [api, probabilistic, projection, projSpace, spaceId]);

  // Exact CSD and match probability of the selection's neighbour pairs.
  useEffect(() => {
    setCsdMap(null);
    if (!probabilistic || !detail) return;
    let cancelled = false;
    const pairs = detail.neighbors.map((n) => (detail.kind === 'image' ? { image: detail.index, caption: n.index } : { image: n.index, caption: detail.index }));
    Promise.all(pairs.map((p) => api.getPairCsd(p))).then(
      (rs) => {
        if (cancelled) return;
        const m = new Map<string, PairCsdView>();
        rs.forEach((r, i) => r && m.set(`${pairs[i].image}:${pairs[i].caption}`, r));
        setCsdMap(m);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [api, probabilistic, detail]);

  // Exact CSD of the selected pair.
  useEffect(() => {
    setPairCsd(null);
    if (!pushPair || !probabilistic) return;
    let cancelled = false;
    api.getPairCsd(pushPair).then((c) => !cancelled && setPairCsd(c), () => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, pushPair, probabilistic, spaceId]);

  // The push of the selected pair (a neighbour row, a pair edge, or the focused review cell).
  useEffect(() => {
    if (!pushPair || !hasSpace) {
      setPush(null);
      return;
    }
    let cancelled = false;
    setPushError(null);
    const t = setTimeout(() => {
      api.getPairPush({ ...pushPair, temperature: pushParams.temperature, batchSize: pushParams.batchSize }).then(
        (p) => !cancelled && setPush(p),
        (e: unknown) => !cancelled && setPushError(e instanceof Error ? e.message : String(e)),
      );
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [api, pushPair, pushParams, hasSpace, reviewsTick]);

  const onReviewFocus = useCallback((p: Pair | null) => {
    setReviewFocus(p);
    if (p) setPushPair(p);
  }, []);

  // The top pending units, outlined on the map (refreshed as mining and reviews change the queue).
  const dsHash = session?.dataset?.hash ?? null;
  useEffect(() => {
    if (!dsHash || !hasSpace) return;
    unitCache.current.clear();
    const t = setTimeout(() => {
      api.reviewQueue({ pendingOnly: true, limit: mapUnitCount }).then(setMapUnits, () => setMapUnits([]));
    }, reviewsTick || miningTick ? 600 : 0);
    return () => clearTimeout(t);
  }, [api, dsHash, hasSpace, reviewsTick, miningTick, mapUnitCount]);

  // Hovering a unit (in a list or on the map) shows its candidate edges.
  useEffect(() => {
    if (hoverUnit == null) {
      setHoverCands(null);
      return;
    }
    const cached = unitCache.current.get(hoverUnit);
    if (cached) {
      setHoverCands({ id: hoverUnit, candidates: cached });
      return;
    }
    let cancelled = false;
    api.getReviewUnit({ clusterId: hoverUnit }).then(
      (u) => {
        if (!u) return;
        unitCache.current.set(u.cluster.id, u.candidates);
        if (!cancelled) setHoverCands({ id: u.cluster.id, candidates: u.candidates });
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [api, hoverUnit]);

  const nImages = projection?.nImages ?? 0;
  const pointOf = (kind: 'image' | 'caption', index: number) => (kind === 'image' ? index : nImages + index);
  const itemOf = (p: number): Sel => (p < nImages ? { kind: 'image', index: p } : { kind: 'caption', index: p - nImages });
  /** Picked in a list (flags, neighbours, uncertainty): select it and fly the map to it. */
  const selectFromList = (kind: 'image' | 'caption', index: number) => {
    select(kind, index);
    if (projection) setFlyTo((f) => ({ index: pointOf(kind, index), key: (f?.key ?? 0) + 1 }));
  };

  const colour = useColourBy({ api, datasetHash: session?.dataset?.hash ?? null, items, flags, uncertainty: uncertainty && uncertainty.spaceId === projSpace ? uncertainty : null, miningTick });
  const colorByUnc = colour.mode === 'value:sigma2';

  const points: MapPoints | null = useMemo(() => {
    if (!projection) return null;
    const n = projection.nImages + projection.nCaptions;
    const kind = new Uint8Array(n);
    kind.fill(1, projection.nImages);
    const flagged = new Uint8Array(n);
    for (const f of flags) {
      if (f.target.kind === 'pair') {
        flagged[f.target.image] = 1;
        flagged[projection.nImages + f.target.caption] = 1;
      } else flagged[f.target.modality === 'image' ? f.target.index : projection.nImages + f.target.index] = 1;
    }
    const color = colour.colouring && colour.colouring.rgba.length === 4 * n ? colour.colouring.rgba : null;
    return { xy: projection.xy, kind, flagged, color };
  }, [projection, flags, colour.colouring]);

  const exaggeration = EXAG_STEPS[exagStep];
  const glyphArrays = useMemo(() => {
    if (!glyphView || !projection || glyphView.spaceId !== projSpace) return null;
    const n = projection.nImages + projection.nCaptions;
    if (glyphView.radius.length !== n) return null;
    const lowFit = new Uint8Array(n);
    for (let i = 0; i < n; i++) lowFit[i] = glyphView.r2[i] < 0.5 ? 1 : 0;
    return { radius: glyphView.radius, ellipse: glyphView.ellipse, shown: glyphView.ellipseShown, lowFit };
  }, [glyphView, projection, projSpace]);
  const mapGlyphs: MapGlyphs | null = useMemo(() => (glyphArrays && showGlyphs ? { ...glyphArrays, exaggeration } : null), [glyphArrays, showGlyphs, exaggeration]);

  const unitPoints = (u: { captions: number[]; images: number[]; referenceImages: number[] }) => [
    ...u.images.map((i) => pointOf('image', i)),
    ...u.referenceImages.map((i) => pointOf('image', i)),
    ...u.captions.map((c) => pointOf('caption', c)),
  ];

  const reviewOpen = tab === 'review' && reviewUnit != null;

  // Map edges: the selection's partners and neighbours, the outlines of the top pending units, the
  // candidate edges of a hovered unit, and the unit open in Review. `edgeOwner` maps an edge to the
  // unit it belongs to (a click on it opens the unit).
  const { edges, edgeOwner, unitColors } = useMemo(() => {
    const out: MapEdge[] = [];
    const owner = new Map<string, number>();
    const colors = new Map<number, string>();
    if (!projection) return { edges: out, edgeOwner: owner, unitColors: colors };
    const xy = projection.xy;
    if (detail && tab === 'inspect') {
      const from = pointOf(detail.kind, detail.index);
      const other = detail.kind === 'image' ? 'caption' : 'image';
      out.push(...detail.partners.map((p) => ({ a: from, b: pointOf(other, p), color: PARTNER_EDGE })));
      out.push(...detail.neighbors.filter((n) => !n.annotated).map((n) => ({ a: from, b: pointOf(n.kind, n.index), color: NEIGHBOR_EDGE })));
    }
    mapUnits.forEach((u, rank) => {
      const c = unitColor(rank);
      colors.set(u.id, c.css);
      if (!showUnits || (reviewOpen && reviewUnit!.cluster.id === u.id)) return;
      // The hovered unit stands out; the others step back while one is hovered.
      const alpha = hoverUnit == null ? 0.55 : hoverUnit === u.id ? 1 : 0.15;
      for (const [a, b] of hullEdges(convexHull(xy, unitPoints(u)))) {
        out.push({ a, b, color: [c.rgba[0], c.rgba[1], c.rgba[2], alpha] });
        owner.set(`${a},${b}`, u.id);
      }
    });
    if (hoverCands && !(reviewOpen && reviewUnit!.cluster.id === hoverCands.id)) {
      const c = colors.get(hoverCands.id);
      const rgba = c ? unitColor(mapUnits.findIndex((u) => u.id === hoverCands.id)).rgba : CAND_EDGE.open;
      for (const k of hoverCands.candidates) {
        const a = pointOf('caption', k.caption);
        const b = pointOf('image', k.image);
        out.push({ a, b, color: rgba });
        owner.set(`${a},${b}`, hoverCands.id);
      }
    }
    if (reviewOpen) {
      const u = reviewUnit!;
      for (const [a, b] of hullEdges(convexHull(xy, unitPoints(u.cluster)))) out.push({ a, b, color: OPEN_UNIT_EDGE });
      for (const k of u.candidates) {
        const focused = reviewFocus && reviewFocus.image === k.image && reviewFocus.caption === k.caption;
        const color = focused ? CAND_EDGE.focus : k.decision == null ? CAND_EDGE.open : isPositive(k.decision) ? CAND_EDGE.yes : CAND_EDGE.no;
        out.push({ a: pointOf('caption', k.caption), b: pointOf('image', k.image), color });
      }
    }
    return { edges: out, edgeOwner: owner, unitColors: colors };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [detail, projection, tab, mapUnits, showUnits, hoverUnit, hoverCands, reviewOpen, reviewUnit, reviewFocus]);

  const lineKinds = useMemo(() => {
    const k: LineKind[] = [];
    if (detail && tab === 'inspect') {
      if (detail.partners.length) k.push({ label: 'annotated partner', rgba: PARTNER_EDGE });
      if (detail.neighbors.some((n) => !n.annotated)) k.push({ label: 'nearest neighbour (not annotated)', rgba: NEIGHBOR_EDGE });
    }
    if (showUnits && mapUnits.length) k.push({ label: 'pending unit outline', rgba: null });
    if (reviewOpen) {
      k.push({ label: 'unit in Review', rgba: OPEN_UNIT_EDGE });
      k.push({ label: 'candidate: open', rgba: CAND_EDGE.open }, { label: 'valid', rgba: CAND_EDGE.yes }, { label: 'not valid', rgba: CAND_EDGE.no }, { label: 'focused', rgba: CAND_EDGE.focus });
    }
    return k;
  }, [detail, tab, showUnits, mapUnits, reviewOpen]);

  const highlighted = useMemo(() => {
    if (!projection) return undefined;
    if (reviewOpen) return unitPoints(reviewUnit!.cluster);
    return detail ? detail.neighbors.map((n) => pointOf(n.kind, n.index)) : undefined;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [projection, reviewOpen, reviewUnit, detail]);

  const addFlag = useCallback(
    async (target: FlagTarget, label: FlagLabel, note: string) => {
      try {
        await api.addFlag({ target, label, note });
        setNotice(`Flag saved: ${label.replace('_', ' ')}`);
      } catch (e) {
        fail(e);
      }
    },
    [api, fail],
  );

  const clearLasso = mapSel.clear;
  const undo = useCallback(() => void api.undo().then((ok) => setNotice(ok ? 'Undone' : 'Nothing to undo'), fail), [api, fail]);
  const redo = useCallback(() => void api.redo().then((ok) => setNotice(ok ? 'Redone' : 'Nothing to redo'), fail), [api, fail]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) {
        e.preventDefault();
        undo();
      } else if (mod && ((e.key.toLowerCase() === 'z' && e.shiftKey) || e.key.toLowerCase() === 'y')) {
        e.preventDefault();
        redo();
      } else if (e.key === 'Escape') {
        setSelected(null);
        setDetail(null);
        clearLasso();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo, clearLasso]);

  useShortcutsKey(setHelpOpen);

  const openFolder = async (path: string) => {
    setError(null);
    try {
      const s = await api.openDataset({ path });
      await loadSession(s);
      // `~/x` or a relative path: show the folder it resolved to (also when it was already open).
      if (s.dataset) setFolder(s.dataset.root);
    } catch (e) {
      fail(e);
    }
  };

  const openSample = async () => {
    setError(null);
    try {
      await loadSession(await api.openSample({ jobId: newJobId('sample') }));
    } catch (e) {
      fail(e);
    }
  };

  const [exportPreview, setExportPreview] = useState<ExportPreview | null>(null);
  const previewExport = async () => {
    try {
      setExported(null);
      setExportPreview(await api.exportPreview());
    } catch (e) {
      fail(e);
    }
  };
  const doExport = async () => {
    try {
      setExportPreview(null);
      setExported(await api.exportFlags({}));
    } catch (e) {
      fail(e);
    }
  };

  const hoverItem = hover ? itemOf(hover.index) : null;
  const runningJobs = Object.values(jobs);
  const ds = session?.dataset ?? null;

  return (
    <div className="app">
      <header className="topbar">
        <strong className="brand">Multiplicity Lens</strong>
        <form
          className="open-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (folder.trim()) void openFolder(folder.trim());
          }}
        >
          <input data-testid="folder-input" aria-label="dataset folder" placeholder="/path/to/dataset folder" value={folder} onChange={(e) => setFolder(e.target.value)} />
          <button type="submit" data-testid="open-folder">Open</button>
          {info?.canPickFolder && (
            <button type="button" onClick={() => void api.pickFolder().then((p) => { if (p) void openFolder(p); }, fail)}>Choose…</button>
          )}
          {info && !info.canPickFolder && (
            <button type="button" data-testid="browse-folders" onClick={() => setPickerOpen(true)} title="Browse the server's folders">Browse…</button>
          )}
        </form>
        <button type="button" data-testid="open-sample" onClick={() => void openSample()}>Open sample dataset</button>
        {session && session.spaces.length > 1 && (
          <label className="space-select">
            space{' '}
            <select
              data-testid="space-select"
              value={session.spaceId ?? ''}
              onChange={(e) => switchSpace(e.target.value)}
              title="The space the map, the neighbours and the push use"
            >
              {session.spaces.map((sp) => (
                <option key={sp.id} value={sp.id}>{spaceLabel(sp)} ({sp.dims}-d{sp.probabilistic ? ', probabilistic' : ''})</option>
              ))}
            </select>
          </label>
        )}
        <span className="spacer" />
        <button type="button" data-testid="undo" disabled={!undoRedo.canUndo} onClick={undo} title="Undo (Ctrl+Z)">Undo</button>
        <button type="button" data-testid="redo" disabled={!undoRedo.canRedo} onClick={redo} title="Redo (Ctrl+Shift+Z)">Redo</button>
        <button type="button" data-testid="export" disabled={!ds} onClick={() => void previewExport()} title="Export every label (flags, review decisions, imports) to SQLite">Export labels</button>
      </header>
      {error && (
        <div className="banner error" role="alert" data-testid="error">
          {error} <button type="button" className="x" aria-label="dismiss" onClick={() => setError(null)}>×</button>
        </div>
      )}
      {exportPreview && <ExportConfirm preview={exportPreview} onConfirm={() => void doExport()} onCancel={() => setExportPreview(null)} />}
      {exported && (
        <div className="banner ok" data-testid="export-result">
          Exported {exported.labels} labels ({exported.flags} flags, {exported.reviews} review decisions, {exported.imports} imports; {exported.images} images, {exported.captions} captions) to <code>{exported.path}</code>
          {exported.downloadUrl && (
            <> · <a href={exported.downloadUrl} download>download</a></>
          )}
          <button type="button" className="x" aria-label="dismiss" onClick={() => setExported(null)}>×</button>
        </div>
      )}
      <main className="body">
        <aside className="left">
          {ds ? <SummaryPanel summary={ds} space={activeSpace} /> : <section className="panel"><p>{runningJobs.length ? 'Opening…' : 'No dataset open. Open a folder or the sample dataset.'}</p></section>}
          {ds && <FlagsList flags={flags} items={items} onSelect={selectFromList} onRemove={(id) => void api.removeFlag({ id }).catch(fail)} />}
        </aside>
        <section className="center">
          {runningJobs.map((j) => (
            <ProgressBar key={j.jobId} job={j} onCancel={() => void api.cancelJob({ jobId: j.jobId })} />
          ))}
          {ds && session && !hasSpace && <EncodePrompt api={api} dataset={ds} onNotice={setNotice} onError={setError} />}
          {projError && hasSpace && (
            <div className="banner warn" data-testid="projection-error">
              {projError} {ds?.embeddings && <button type="button" onClick={() => void computeProjection(true)}>Compute map</button>}
            </div>
          )}
          <div className="map-area">
            <MapView
              points={points}
              selected={selected && projection ? pointOf(selected.kind, selected.index) : null}
              highlighted={highlighted}
              edges={edges}
              glyphs={mapGlyphs}
              onGlyphLod={glyphLod.set}
              keepCamera={keepView != null}
              centerOn={keepView?.center ?? null}
              selection={mapSel.mask}
              selectTool={mapSel.tool}
              selectOp={mapSel.op}
              onLasso={mapSel.onLasso}
              flyTo={flyTo}
              onHover={(index, x, y) => setHover(index == null ? null : { index, x, y })}
              onClick={(index) => {
                if (index == null) return;
                const it = itemOf(index);
                select(it.kind, it.index);
              }}
              onEdgeClick={(edge) => {
                const unit = edgeOwner.get(`${edge.a},${edge.b}`) ?? edgeOwner.get(`${edge.b},${edge.a}`);
                if (unit != null) {
                  openInReview(unit);
                  setNotice(`Unit #${unit} opened in Review`);
                  return;
                }
                const a = itemOf(edge.a);
                const b = itemOf(edge.b);
                const image = a.kind === 'image' ? a.index : b.index;
                const caption = a.kind === 'caption' ? a.index : b.index;
                setFocusPair({ image, caption });
                setPushPair({ image, caption });
                if (tab !== 'review') setTab('inspect');
                setNotice(`Pair image #${image} × caption #${caption}: flag it in the panel`);
              }}
            />
            <div className="overlay-stack overlay-left" data-testid="overlay-left">
              {ds && <SearchBox api={api} datasetHash={ds.hash} onPick={(h) => {
                  select(h.kind, h.index);
                  setFlyTo((f) => ({ index: pointOf(h.kind, h.index), key: (f?.key ?? 0) + 1 }));
                }} />}
              {projection && items && (
                <div className="overlay-card" data-testid="colour-controls">
                  <ColourByControl mode={colour.mode} options={colour.options} onMode={colour.setMode} keyView={colour.colouring?.key ?? null} />
                </div>
              )}
              {projection && (probabilistic || colorByUnc) && (
                <div className="overlay-card glyph-overlay" data-testid="glyph-controls">
                  {glyphArrays ? (
                    <>
                      <label>
                        <input type="checkbox" data-testid="show-glyphs" checked={showGlyphs} onChange={(e) => setShowGlyphs(e.target.checked)} /> variance glyphs
                      </label>
                      <div className="row tight">
                        <span>exaggeration</span>
                        <input type="range" data-testid="glyph-exaggeration" aria-label="glyph exaggeration" min={0} max={EXAG_STEPS.length - 1} step={1} value={exagStep} onChange={(e) => {
                            setExagStep(Number(e.target.value));
                            setExagAuto(false);
                          }} disabled={!showGlyphs} />
                        <strong data-testid="glyph-exaggeration-value">×{exaggeration}</strong>
                        {exagAuto && <span className="muted small" data-testid="glyph-exaggeration-auto" title="The variances are large next to the map's spread, so the glyphs start scaled down; move the slider to change it.">auto</span>}
                      </div>
                      {showGlyphs && (
                        <div className="glyph-legend" data-testid="glyph-legend">
                          <svg width="92" height="22" aria-hidden="true">
                            <circle cx="11" cy="11" r="8" fill="rgba(59,130,246,0.1)" stroke="#3b82f6" />
                            <ellipse cx="38" cy="11" rx="10" ry="5" transform="rotate(-25 38 11)" fill="none" stroke="#111827" />
                            <circle cx="70" cy="11" r="8" fill="none" stroke="#f59e0b" strokeDasharray="3 3" />
                          </svg>
                          <div>disk: radius = √(Σσ²) in local map units{exaggeration !== 1 ? ` × ${exaggeration} (${exaggeration < 1 ? 'scaled down' : 'exaggerated'})` : ''}</div>
                          <div>ellipse: in-map shape of the variance (shown where the local fit R² ≥ 0.5 and anisotropic)</div>
                          <div>dashed / hatched: local fit poor (R² &lt; 0.5)</div>
                          <GlyphLodNote store={glyphLod} />
                        </div>
                      )}
                    </>
                  ) : probabilistic ? (
                    <span className="muted">computing glyphs…</span>
                  ) : null}
                  {uncertainty && (
                    <label className="row tight">
                      <input type="checkbox" data-testid="color-uncertainty" checked={colorByUnc} onChange={(e) => colour.setMode(e.target.checked ? 'value:sigma2' : 'default')} /> colour points by Σσ²
                    </label>
                  )}
                </div>
              )}
              {projection && (
                <div className="overlay-card legend" data-testid="map-legend">
                  {colour.colouring ? null : (
                    <>
                      <span className="dot image" /> images <span className="dot caption" /> captions <span className="dot flagged" /> flagged ·{' '}
                    </>
                  )}
                  {projection.nImages.toLocaleString()} images + {projection.nCaptions.toLocaleString()} captions ·{' '}
                  <span className="muted">UMAP {projection.cached ? '(cached)' : `${projection.seconds.toFixed(1)} s`}</span>
                  <LineKey kinds={lineKinds} />
                </div>
              )}
            </div>
            <div className="overlay-stack overlay-right" data-testid="overlay-right">
              {projection && mapUnits.length > 0 && (
                <div className="overlay-card unit-overlay" data-testid="map-units">
                  <div className="row tight">
                    <label>
                      <input type="checkbox" data-testid="show-units" checked={showUnits} onChange={(e) => setShowUnits(e.target.checked)} /> outline the top
                    </label>
                    <select aria-label="units outlined" value={mapUnitCount} onChange={(e) => setMapUnitCount(Number(e.target.value))}>
                      {MAP_UNIT_CHOICES.map((n) => (
                        <option key={n} value={n}>{n}</option>
                      ))}
                    </select>
                    <span>pending units</span>
                  </div>
                  {showUnits && (
                    <ol>
                      {mapUnits.map((u) => (
                        <li
                          key={u.id}
                          data-testid="map-unit"
                          data-cluster-id={u.id}
                          className={reviewOpen && reviewUnit!.cluster.id === u.id ? 'current' : ''}
                          onMouseEnter={() => setHoverUnit(u.id)}
                          onMouseLeave={() => setHoverUnit(null)}
                          onClick={() => openInReview(u.id)}
                          title={`${u.kind.replace('_', ' ')} · ${u.captions.length} captions × ${u.images.length} images · expected valid ${u.expectedValid.toFixed(1)} · click to review`}
                        >
                          <span className="swatch" style={{ background: unitColors.get(u.id) }} />
                          <span className="unit-name">{u.label}</span>
                          <span className="muted"> {u.reviewed}/{u.pairs}</span>
                        </li>
                      ))}
                    </ol>
                  )}
                </div>
              )}
              {/* The selection toolbar stacks above the help corner: overlays never cover each other. */}
              {projection && <SelectionBar api={api} selection={mapSel} nImages={projection.nImages} items={items} xy={projection.xy} onNotice={setNotice} onError={fail} />}
              {projection && <HelpCorner onOpen={() => setHelpOpen(true)} />}
            </div>
          </div>
          {hover && hoverItem && items && (
            <div className="tooltip" data-testid="tooltip" style={{ left: hover.x + 14, top: hover.y + 14 }}>
              {hoverItem.kind === 'image' ? (
                <>
                  <img className="thumb" src={transport.imageUrl(items.images[hoverItem.index].path)} alt="" />
                  <div className="muted">image #{hoverItem.index}</div>
                </>
              ) : (
                <>
                  <div>“{items.captions[hoverItem.index].text}”</div>
                  <div className="muted">caption #{hoverItem.index}</div>
                </>
              )}
            </div>
          )}
        </section>
        <aside className={tab === 'inspect' ? 'right' : 'right wide'}>
          <Tabs<TabId>
            idPrefix="side"
            active={tab}
            onChange={setTab}
            tabs={[
              { id: 'inspect', label: 'Inspect' },
              { id: 'review', label: 'Review', badge: decisions ?? null },
              { id: 'metrics', label: 'Metrics' },
              { id: 'multiplicity', label: 'Multiplicity' },
              { id: 'spaces', label: 'Spaces', badge: session?.spaces.length || null },
              { id: 'train', label: 'Train' },
              { id: 'uncertainty', label: 'Uncertainty' },
            ]}
          />
          <TabPanel id="inspect" idPrefix="side" active={tab === 'inspect'}>
            {pushPair && probabilistic && <PairCsdPanel pair={pushPair} csd={pairCsd} onClose={() => setPushPair(null)} />}
            {pushPair && hasSpace && (
              <PushPanel pair={pushPair} push={push} error={pushError} params={pushParams} onParams={setPushParams} onClose={() => setPushPair(null)} />
            )}
            {detail && items ? (
              <DetailPanel
                detail={detail}
                items={items}
                flags={flags}
                imageUrl={transport.imageUrl}
                focusPair={focusPair}
                onSelect={selectFromList}
                onFlag={(t, l, n) => void addFlag(t, l, n)}
                onPushPair={(p) => {
                  setFocusPair(p);
                  setPushPair(p);
                }}
                csd={probabilistic ? csdMap : null}
              />
            ) : (
              <section className="panel muted">Click a point on the map to inspect it: its annotated partners and its nearest neighbours in the embedding space.</section>
            )}
          </TabPanel>
          {ds && session && items ? (
            <>
              <TabPanel id="review" idPrefix="side" active={tab === 'review'}>
                <ReviewPanel
                  key={ds.hash}
                  api={api}
                  imageUrl={transport.imageUrl}
                  items={items}
                  session={session}
                  active={tab === 'review'}
                  reviewsTick={reviewsTick}
                  miningTick={miningTick}
                  mineSummary={mineSummary}
                  decisions={decisions}
                  onMined={setMineSummary}
                  openRequest={openRequest}
                  onUnitChange={setReviewUnit}
                  onFocusPair={onReviewFocus}
                  onHoverUnit={setHoverUnit}
                  push={push}
                  pushError={pushError}
                  pushParams={pushParams}
                  onPushParams={setPushParams}
                  onError={setError}
                  onNotice={setNotice}
                />
              </TabPanel>
              <TabPanel id="metrics" idPrefix="side" active={tab === 'metrics'}>
                <MetricsPanel key={ds.hash} api={api} session={session} active={tab === 'metrics'} reviewsTick={reviewsTick} onError={setError} onNotice={setNotice} onImported={() => setReviewsTick((t) => t + 1)} />
              </TabPanel>
              <TabPanel id="multiplicity" idPrefix="side" active={tab === 'multiplicity'}>
                <MultiplicityPanel key={ds.hash} api={api} session={session} active={tab === 'multiplicity'} reviewsTick={reviewsTick} miningTick={miningTick} />
              </TabPanel>
              <TabPanel id="spaces" idPrefix="side" active={tab === 'spaces'}>
                <SpacesPanel api={api} session={session} jobs={jobs} onSetSpace={switchSpace} onNotice={setNotice} />
              </TabPanel>
              <TabPanel id="train" idPrefix="side" active={tab === 'train'}>
                <TrainPanel key={ds.hash} api={api} session={session} jobs={jobs} active={tab === 'train'} onEvent={subscribe} onNotice={setNotice} onTrained={() => void api.getSession().then(loadSession, fail)} />
              </TabPanel>
              <TabPanel id="uncertainty" idPrefix="side" active={tab === 'uncertainty'}>
                <UncertaintyPanel uncertainty={uncertainty} probabilistic={probabilistic} items={items} onSelect={selectFromList} />
              </TabPanel>
            </>
          ) : (
            tab !== 'inspect' && <section className="panel muted">Open a dataset first.</section>
          )}
        </aside>
      </main>
      {helpOpen && <ShortcutsOverlay onClose={() => setHelpOpen(false)} />}
      {pickerOpen && (
        <FolderPicker
          api={api}
          start={folder}
          onClose={() => setPickerOpen(false)}
          onOpen={(p) => {
            setPickerOpen(false);
            setFolder(p);
            void openFolder(p);
          }}
        />
      )}
      <footer className="statusbar" data-testid="statusbar">
        <span>{info ? `v${info.version} · ${info.mode} · backend: ` : 'connecting…'}{info && <strong data-testid="status-backend">{info.backend}</strong>}</span>
        {activeSpace && (
          <span data-testid="status-space" data-space-id={activeSpace.id}>
            · space: <strong>{spaceLabel(activeSpace)}</strong> ({activeSpace.dims}-d{activeSpace.probabilistic ? ', probabilistic' : ''})
          </span>
        )}
        <span className="spacer" />
        {notice && <span data-testid="notice">{notice}</span>}
        <span className="muted" title="project store">{session?.storePath ?? ''}</span>
      </footer>
    </div>
  );
}
