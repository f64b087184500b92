import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AppInfo, ExportResult, ItemDetail, ItemTable, JobEvent, LensEvent, Projection, Session } from '../../shared/api';
import type { Flag, FlagLabel, FlagTarget } from '../../shared/flags';
import type { Transport } from './transport';
import { MapView, type MapEdge, type MapPoints } from './map/MapView';
import { ProgressBar } from './components/ProgressBar';
import { SummaryPanel } from './components/SummaryPanel';
import { DetailPanel } from './components/DetailPanel';
import { FlagsList } from './components/FlagsList';
import { newJobId } from './jobs';

type Sel = { kind: 'image' | 'caption'; index: number };

const PARTNER_EDGE: [number, number, number, number] = [0.15, 0.6, 0.25, 0.9];
const NEIGHBOR_EDGE: [number, number, number, number] = [0.95, 0.55, 0.1, 0.75];

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
  const loadedKey = useRef<string | null>(null);
  const projJob = useRef<string | null>(null);

  const fail = useCallback((e: unknown) => setError(e instanceof Error ? e.message : String(e)), []);

  const computeProjection = useCallback(
    async (recompute = false) => {
      const jobId = newJobId('projection');
      projJob.current = jobId;
      setProjError(null);
      try {
        const p = await api.getProjection({ jobId, recompute });
        if (projJob.current === jobId) setProjection(p);
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
      if (key === loadedKey.current) return;
      loadedKey.current = key;
      setItems(null);
      setProjection(null);
      setSelected(null);
      setDetail(null);
      setExported(null);
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
      api.getItemDetail({ kind, index, k: 10 }).then(setDetail, fail);
    },
    [api, fail],
  );

  const nImages = projection?.nImages ?? 0;
  const pointOf = (kind: 'image' | 'caption', index: number) => (kind === 'image' ? index : nImages + index);
  const itemOf = (p: number): Sel => (p < nImages ? { kind: 'image', index: p } : { kind: 'caption', index: p - nImages });

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
    return { xy: projection.xy, kind, flagged };
  }, [projection, flags]);

  const edges: MapEdge[] = useMemo(() => {
    if (!detail || !projection) return [];
    const from = pointOf(detail.kind, detail.index);
    const other = detail.kind === 'image' ? 'caption' : 'image';
    return [
      ...detail.partners.map((p) => ({ a: from, b: pointOf(other, p), color: PARTNER_EDGE })),
      ...detail.neighbors.filter((n) => !n.annotated).map((n) => ({ a: from, b: pointOf(n.kind, n.index), color: NEIGHBOR_EDGE })),
    ];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [detail, projection]);

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
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undo, redo]);

  const openFolder = async (path: string) => {
    setError(null);
    try {
      await loadSession(await api.openDataset({ path }));
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

  const doExport = async () => {
    try {
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
        </form>
        <button type="button" data-testid="open-sample" onClick={() => void openSample()}>Open sample dataset</button>
        <span className="spacer" />
        <button type="button" data-testid="undo" disabled={!undoRedo.canUndo} onClick={undo} title="Undo (Ctrl+Z)">Undo</button>
        <button type="button" data-testid="redo" disabled={!undoRedo.canRedo} onClick={redo} title="Redo (Ctrl+Shift+Z)">Redo</button>
        <button type="button" data-testid="export" disabled={!ds} onClick={() => void doExport()} title="Export flags to SQLite">Export flags</button>
      </header>
      {error && (
        <div className="banner error" role="alert" data-testid="error">
          {error} <button type="button" className="x" aria-label="dismiss" onClick={() => setError(null)}>×</button>
        </div>
      )}
      {exported && (
        <div className="banner ok" data-testid="export-result">
          Exported {exported.flags} flags ({exported.images} images, {exported.captions} captions) to <code>{exported.path}</code>
          {exported.downloadUrl && (
            <> · <a href={exported.downloadUrl} download>download</a></>
          )}
          <button type="button" className="x" aria-label="dismiss" onClick={() => setExported(null)}>×</button>
        </div>
      )}
      <main className="body">
        <aside className="left">
          {ds ? <SummaryPanel summary={ds} /> : <section className="panel"><p>{runningJobs.length ? 'Opening…' : 'No dataset open. Open a folder or the sample dataset.'}</p></section>}
          {ds && <FlagsList flags={flags} items={items} onSelect={select} onRemove={(id) => void api.removeFlag({ id }).catch(fail)} />}
        </aside>
        <section className="center">
          {runningJobs.map((j) => (
            <ProgressBar key={j.jobId} job={j} onCancel={() => void api.cancelJob({ jobId: j.jobId })} />
          ))}
          {projError && (
            <div className="banner warn" data-testid="projection-error">
              {projError} {ds?.embeddings && <button type="button" onClick={() => void computeProjection(true)}>Compute map</button>}
            </div>
          )}
          <MapView
            points={points}
            selected={selected && projection ? pointOf(selected.kind, selected.index) : null}
            highlighted={detail ? detail.neighbors.map((n) => pointOf(n.kind, n.index)) : undefined}
            edges={edges}
            onHover={(index, x, y) => setHover(index == null ? null : { index, x, y })}
            onClick={(index) => {
              if (index == null) return;
              const it = itemOf(index);
              select(it.kind, it.index);
            }}
            onEdgeClick={(edge) => {
              const a = itemOf(edge.a);
              const b = itemOf(edge.b);
              const image = a.kind === 'image' ? a.index : b.index;
              const caption = a.kind === 'caption' ? a.index : b.index;
              setFocusPair({ image, caption });
              setNotice(`Pair image #${image} × caption #${caption}: flag it in the panel`);
            }}
          />
          {projection && (
            <div className="legend">
              <span className="dot image" /> images ({projection.nImages.toLocaleString()}) <span className="dot caption" /> captions ({projection.nCaptions.toLocaleString()}) <span className="dot flagged" /> flagged ·{' '}
              <span className="muted">UMAP {projection.cached ? '(cached)' : `${projection.seconds.toFixed(1)} s`}</span>
            </div>
          )}
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
        <aside className="right">
          {detail && items ? (
            <DetailPanel detail={detail} items={items} flags={flags} imageUrl={transport.imageUrl} focusPair={focusPair} onSelect={select} onFlag={(t, l, n) => void addFlag(t, l, n)} />
          ) : (
            <section className="panel muted">Click a point on the map to inspect it: its annotated partners and its nearest neighbours in the embedding space.</section>
          )}
        </aside>
      </main>
      <footer className="statusbar" data-testid="statusbar">
        <span>{info ? `v${info.version} · ${info.mode} · backend: ${info.backend}` : 'connecting…'}</span>
        <span className="spacer" />
        {notice && <span data-testid="notice">{notice}</span>}
        <span className="muted" title="project store">{session?.storePath ?? ''}</span>
      </footer>
    </div>
  );
}
