// The Review tab: mining, the review queue (ECCV Caption style grid, keyboard first) and the list
// of units. Every decision is sent to main as it is made (recordReview per key press, durable on
// return), so a reload or a crash loses nothing that was acknowledged.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ItemTable, LensApi, Session } from '../../../shared/api';
import type { ClusterSummary, MineSummary, PairPushView, ReviewLabel, ReviewUnitView } from '../../../shared/analysis';
import { REVIEW_LABEL_TEXT } from '../../../shared/analysis';
import { newJobId } from '../jobs';
import { buildGrid, candidateAt, firstCell, LABEL_SHORT, lineCandidates, move, nextUndecided, pairKey, type Cell, type Direction } from '../review/grid';
import { PushPanel, type PushParams } from './PushPanel';
import { CalibrationCard, useCalibration } from '../review/CalibrationCard';
import { spaceNamer } from '../spaces/names';

const QUEUE_PAGE = 100;

function stored(key: string, fallback: string): string {
  try {
    return localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}
function store(key: string, value: string | null): void {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage unavailable: the preference is not remembered
  }
}

export interface ReviewPanelProps {
  api: LensApi;
  imageUrl: (path: string) => string;
  items: ItemTable;
  session: Session;
  active: boolean;
  /** Bumped on every `reviews` event. */
  reviewsTick: number;
  /** Bumped on every `mining` event. */
  miningTick: number;
  mineSummary: MineSummary | null;
  decisions: number | null;
  onMined: (s: MineSummary) => void;
  /** A unit to open (from the map or elsewhere); the nonce makes a repeated request count. */
  openRequest: { id: number; nonce: number } | null;
  onUnitChange: (u: ReviewUnitView | null) => void;
  onFocusPair: (p: { image: number; caption: number } | null) => void;
  onHoverUnit: (id: number | null) => void;
  push: PairPushView | null;
  pushError: string | null;
  pushParams: PushParams;
  onPushParams: (p: PushParams) => void;
  onError: (msg: string) => void;
  onNotice: (msg: string) => void;
}

const LABEL_KEYS: Record<string, ReviewLabel> = { '1': 1, '2': 2, '3': 3, '4': 4, i: 'invalid_image', I: 'invalid_caption' };

export function ReviewPanel(props: ReviewPanelProps) {
  const { api, imageUrl, items, session, active, reviewsTick, miningTick, mineSummary, onUnitChange, onFocusPair, onHoverUnit, onError, onNotice } = props;
  const hash = session.dataset?.hash ?? 'none';
  const unitKey = `mlens-review-unit:${hash}`;
  const [reviewer, setReviewer] = useState(() => stored('mlens-reviewer', ''));
  const [revealTruth, setRevealTruth] = useState(false);
  const [advance, setAdvance] = useState(() => stored('mlens-review-advance', '0') === '1');
  const [fillWrong, setFillWrong] = useState(() => stored('mlens-review-fill4', '0') === '1');
  const [spaces, setSpaces] = useState<string[] | null>(null);
  const [mining, setMining] = useState(false);
  const [unit, setUnit] = useState<ReviewUnitView | null>(null);
  const calibration = useCalibration(api, `${reviewsTick}:${miningTick}:${unit?.cluster.id ?? ''}`);
  const calibrated = calibration?.calibrated === true;
  // Until p̂ is calibrated the grid shows each pair's rank by p̂ within the unit, not a probability.
  const rankInUnit = useMemo(() => {
    const m = new Map<string, number>();
    [...(unit?.candidates ?? [])].sort((a, b) => b.p - a.p).forEach((c, i) => m.set(pairKey(c.image, c.caption), i + 1));
    return m;
  }, [unit]);
  const pText = (c: { p: number; image: number; caption: number }): string => (calibrated ? c.p.toFixed(2).replace(/^0/, '') : `#${rankInUnit.get(pairKey(c.image, c.caption)) ?? '?'}`);
  const pTitle = (c: { p: number }): string => (calibrated ? `p̂ ${c.p.toFixed(3)} (calibrated)` : `rank by p̂ (${c.p.toFixed(3)}); ${calibration?.reason ?? 'not calibrated yet'}`);
  const [focus, setFocus] = useState<Cell | null>(null);
  const [saving, setSaving] = useState<Record<string, number>>({});
  const [queue, setQueue] = useState<ClusterSummary[]>([]);
  const [queueLimit, setQueueLimit] = useState(QUEUE_PAGE);
  const [pendingOnly, setPendingOnly] = useState(false);
  const [queueLoaded, setQueueLoaded] = useState(false);
  const [lastLabel, setLastLabel] = useState<ReviewLabel | null>(null);
  const [history, setHistory] = useState<number[]>([]);
  const submitted = useRef(new Set<number>());
  const lastAt = useRef(performance.now());
  const gridRef = useRef<HTMLDivElement>(null);
  const savingCount = useRef(0);
  const unitId = unit?.cluster.id ?? null;

  const grid = useMemo(() => (unit ? buildGrid(unit) : null), [unit]);

  const fail = useCallback((e: unknown) => onError(e instanceof Error ? e.message : String(e)), [onError]);

  const loadQueue = useCallback(async () => {
    try {
      setQueue(await api.reviewQueue({ limit: queueLimit, pendingOnly }));
      setQueueLoaded(true);
    } catch (e) {
      fail(e);
    }
  }, [api, queueLimit, pendingOnly, fail]);

  const showUnit = useCallback(
    (u: ReviewUnitView | null, keepFocus = false) => {
      setUnit(u);
      if (!u) {
        store(unitKey, null);
        setFocus(null);
        return;
      }
      store(unitKey, String(u.cluster.id));
      const g = buildGrid(u);
      setFocus((f) => (keepFocus && f && candidateAt(g, f) >= 0 ? f : firstCell(g)));
      if (!keepFocus) lastAt.current = performance.now();
    },
    [unitKey],
  );

  const openUnit = useCallback(
    async (clusterId?: number, opts: { pushHistory?: boolean } = {}) => {
      try {
        const u = await api.getReviewUnit(clusterId != null ? { clusterId } : {});
        if (opts.pushHistory !== false && unit && u && u.cluster.id !== unit.cluster.id) setHistory((h) => [...h.slice(-50), unit.cluster.id]);
        showUnit(u);
        if (!u && clusterId == null) onNotice('The review queue is empty: mine candidates first, or every unit is reviewed.');
        // Focus the grid for keyboard review, unless the user is typing somewhere.
        requestAnimationFrame(() => {
          const a = document.activeElement as HTMLElement | null;
          if (a && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA' || a.tagName === 'SELECT')) return;
          if (gridRef.current && gridRef.current.offsetParent !== null) gridRef.current.focus();
        });
      } catch (e) {
        fail(e);
      }
    },
    [api, unit, showUnit, onNotice, fail],
  );

  // First load (and a different dataset): the queue, then the unit last open here (or the next).
  useEffect(() => {
    if (!session.dataset) return;
    let cancelled = false;
    void (async () => {
      try {
        const q = await api.reviewQueue({ limit: QUEUE_PAGE, pendingOnly: false });
        if (cancelled) return;
        setQueue(q);
        setQueueLoaded(true);
        if (!q.length) return showUnit(null);
        const saved = Number(stored(unitKey, ''));
        const u = saved > 0 ? await api.getReviewUnit({ clusterId: saved }).catch(() => null) : null;
        if (!cancelled) showUnit(u ?? (await api.getReviewUnit({})));
      } catch (e) {
        if (!cancelled) fail(e);
      }
    })();
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, hash]);

  // A new mining run replaces the queue.
  const firstMining = useRef(true);
  useEffect(() => {
    if (firstMining.current) {
      firstMining.current = false;
      return;
    }
    submitted.current.clear();
    setHistory([]);
    void loadQueue();
    void openUnit(undefined, { pushHistory: false });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [miningTick]);

  // Reviews arrive (ours, an undo, another window): refresh the list and the open unit, debounced.
  useEffect(() => {
    if (reviewsTick === 0) return;
    const t = setTimeout(() => {
      void loadQueue();
      if (unitId != null && savingCount.current === 0) {
        api.getReviewUnit({ clusterId: unitId }).then((u) => {
          if (savingCount.current === 0) setUnit((cur) => (cur && u && cur.cluster.id === u.cluster.id ? u : cur));
        }, () => undefined);
      }
    }, 350);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reviewsTick]);

  useEffect(() => {
    void loadQueue();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queueLimit, pendingOnly]);

  // A unit asked for from outside (the map, a unit outline): open it.
  useEffect(() => {
    if (props.openRequest) void openUnit(props.openRequest.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.openRequest?.nonce]);

  useEffect(() => onUnitChange(unit), [unit, onUnitChange]);

  const focusCand = grid && focus ? candidateAt(grid, focus) : -1;
  const focused = grid && focusCand >= 0 ? grid.candidates[focusCand] : null;
  useEffect(() => {
    onFocusPair(focused ? { image: focused.image, caption: focused.caption } : null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focused?.image, focused?.caption]);

  const decide = async (idxs: number[], label: ReviewLabel, what: string) => {
    if (!unit || !idxs.length) return;
    const cid = unit.cluster.id;
    const cands = idxs.map((k) => unit.candidates[k]);
    const now = performance.now();
    const seconds = Math.min(86_400, Math.max(0, (now - lastAt.current) / 1000));
    lastAt.current = now;
    const set = new Set(idxs);
    setUnit((u) => (u && u.cluster.id === cid ? { ...u, candidates: u.candidates.map((c, k) => (set.has(k) ? { ...c, decision: label } : c)) } : u));
    const keys = cands.map((c) => pairKey(c.image, c.caption));
    savingCount.current++;
    setSaving((s) => {
      const n = { ...s };
      for (const k of keys) n[k] = (n[k] ?? 0) + 1;
      return n;
    });
    try {
      await api.recordReview({ decisions: cands.map((c) => ({ image: c.image, caption: c.caption, label })), reviewer: reviewer.trim() || 'anonymous', seconds, clusterId: cid });
      onNotice(`Saved: ${what} → ${REVIEW_LABEL_TEXT[String(label)]}`);
    } catch (e) {
      fail(e);
      api.getReviewUnit({ clusterId: cid }).then((u) => setUnit((cur) => (cur && u && cur.cluster.id === cid ? u : cur)), () => undefined);
    } finally {
      savingCount.current--;
      setSaving((s) => {
        const n = { ...s };
        for (const k of keys) if (--n[k] <= 0) delete n[k];
        return n;
      });
    }
  };

  const labelCell = (label: ReviewLabel) => {
    if (!grid || !focus || focusCand < 0) return;
    setLastLabel(label);
    const c = grid.candidates[focusCand];
    void decide([focusCand], label, `image #${c.image} × caption #${c.caption}`);
    if (advance) {
      const g = { ...grid, candidates: grid.candidates.map((x, k) => (k === focusCand ? { ...x, decision: label } : x)) };
      setFocus(nextUndecided(g, focus));
    }
  };

  const labelLine = (line: 'row' | 'col', label?: ReviewLabel) => {
    if (!grid || !focus || focusCand < 0) return;
    const l = label ?? grid.candidates[focusCand].decision ?? lastLabel;
    if (l == null) return onNotice('Type a label (1–4) first: r and c copy it to the whole row or column');
    setLastLabel(l);
    const idxs = lineCandidates(grid, line, line === 'row' ? focus.row : focus.col);
    void decide(idxs, l, line === 'row' ? `row of caption #${grid.captions[focus.row]} (${idxs.length} pairs)` : `column of image #${grid.images[focus.col]} (${idxs.length} pairs)`);
  };

  const undo = async () => {
    try {
      const ok = await api.undoReview();
      onNotice(ok ? 'Undone: the last decision batch' : 'Nothing to undo');
      if (unitId != null) {
        const u = await api.getReviewUnit({ clusterId: unitId });
        setUnit((cur) => (cur && u && cur.cluster.id === u.cluster.id ? u : cur));
      }
    } catch (e) {
      fail(e);
    }
  };

  const submit = async () => {
    if (!unit) return;
    const cid = unit.cluster.id;
    if (fillWrong) {
      const open = unit.candidates.flatMap((c, k) => (c.decision == null ? [k] : []));
      if (open.length) await decide(open, 4, `${open.length} undecided pairs`);
    }
    submitted.current.add(cid);
    try {
      const pending = await api.reviewQueue({ pendingOnly: true, limit: submitted.current.size + 2 });
      const next = pending.find((c) => c.id !== cid && !submitted.current.has(c.id)) ?? pending.find((c) => c.id !== cid);
      if (!next) {
        onNotice('No other pending unit: the queue is done');
        return;
      }
      await openUnit(next.id);
    } catch (e) {
      fail(e);
    }
  };

  const previous = () => {
    const prev = history[history.length - 1];
    if (prev == null) return onNotice('No previous unit');
    setHistory((h) => h.slice(0, -1));
    void openUnit(prev, { pushHistory: false });
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z' && !e.shiftKey) {
        e.preventDefault();
        e.stopPropagation();
        void undo();
      }
      return;
    }
    const dirs: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
    let handled = true;
    if (dirs[e.key]) {
      if (grid) setFocus((f) => (f ? move(grid, f, dirs[e.key]) : firstCell(grid)));
    } else if (LABEL_KEYS[e.key] !== undefined) labelCell(LABEL_KEYS[e.key]);
    else if (e.key === 'r') labelLine('row');
    else if (e.key === 'c') labelLine('col');
    else if (e.key === 'Enter' || e.key === 'n') void submit();
    else if (e.key === 'u') void undo();
    else if (e.key === 'p') previous();
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const mine = async () => {
    setMining(true);
    try {
      const ids = spaces ?? undefined;
      const s = await api.mine({ jobId: newJobId('mining'), ...(ids && ids.length ? { spaceIds: ids } : {}) });
      props.onMined(s);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/cancel/i.test(msg)) onNotice('Mining cancelled');
      else onError(msg);
    } finally {
      setMining(false);
    }
  };

  const reviewedInUnit = unit ? unit.candidates.filter((c) => c.decision != null).length : 0;
  const sessionSpaces = session.spaces;
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

  return (
    <div className="review" data-testid="review-panel">
      <section className="panel">
        <h2>Mine false-negative candidates</h2>
        {sessionSpaces.length > 1 && (
          <div className="row" data-testid="mine-spaces">
            spaces:
            {sessionSpaces.map((s) => (
              <label key={s.id} title={`${s.encoder}, ${s.dims}-d`}>
                <input
                  type="checkbox"
                  checked={spaces ? spaces.includes(s.id) : true}
                  onChange={(e) => {
                    const cur = spaces ?? sessionSpaces.map((x) => x.id);
                    setSpaces(e.target.checked ? [...cur, s.id] : cur.filter((x) => x !== s.id));
                  }}
                />{' '}
                {s.name}
              </label>
            ))}
          </div>
        )}
        <div className="row">
          <button type="button" data-testid="mine-button" disabled={mining || !sessionSpaces.length} onClick={() => void mine()} title="Candidates from every selected space: ranks both ways, z-scores, agreement, RRF, margin, transitivity, prior p̂; clustered into review units">
            {mining ? 'Mining…' : queue.length ? 'Mine again' : 'Mine candidates'}
          </button>
          {!sessionSpaces.length && <span className="muted">needs embeddings (a space)</span>}
          {props.decisions != null && <span className="muted" data-testid="decision-count">{props.decisions.toLocaleString()} decisions recorded</span>}
        </div>
        {mineSummary && (
          <div data-testid="mine-summary" className="mine-summary">
            <div>
              <strong data-testid="mine-candidates">{mineSummary.candidates.toLocaleString()}</strong> candidates in <strong data-testid="mine-units">{mineSummary.clusters.toLocaleString()}</strong> units from {mineSummary.spaces.map(spaceNamer(sessionSpaces)).join(', ')} · {mineSummary.seconds.toFixed(1)} s
            </div>
            {mineSummary.precisionRecall && (
              <table className="grid-table" data-testid="mine-pr">
                <thead>
                  <tr><th>review budget (pairs)</th>{Object.keys(mineSummary.precisionRecall).map((b) => <th key={b}>{Number(b).toLocaleString()}</th>)}</tr>
                </thead>
                <tbody>
                  <tr><th>precision vs truth</th>{Object.values(mineSummary.precisionRecall).map((v, i) => <td key={i}>{pct(v.precision)}</td>)}</tr>
                  <tr><th>recall of {mineSummary.trueUnannotated?.toLocaleString() ?? '?'} true unannotated</th>{Object.values(mineSummary.precisionRecall).map((v, i) => <td key={i}>{pct(v.recall)}</td>)}</tr>
                  <tr><th>pairs taken</th>{Object.values(mineSummary.precisionRecall).map((v, i) => <td key={i}>{v.taken.toLocaleString()}</td>)}</tr>
                </tbody>
              </table>
            )}
          </div>
        )}
        {!mineSummary && queueLoaded && queue.length > 0 && <p className="muted">A mined queue is stored in this project ({queue.length}{queue.length >= queueLimit ? '+' : ''} units).</p>}
      </section>

      <section className="panel">
        <div className="row review-options">
          <label>reviewer <input data-testid="reviewer-input" aria-label="reviewer name" placeholder="anonymous" value={reviewer} onChange={(e) => { setReviewer(e.target.value); store('mlens-reviewer', e.target.value); }} style={{ width: 110 }} /></label>
          <label title="After a label, move to the next undecided cell"><input type="checkbox" checked={advance} onChange={(e) => { setAdvance(e.target.checked); store('mlens-review-advance', e.target.checked ? '1' : '0'); }} /> advance</label>
          <label title="On Enter, undecided cells of the unit are recorded as 4 (wrong)"><input type="checkbox" data-testid="fill-wrong" checked={fillWrong} onChange={(e) => { setFillWrong(e.target.checked); store('mlens-review-fill4', e.target.checked ? '1' : '0'); }} /> Enter marks the rest 4</label>
          {session.dataset?.hasTruth && (
            <label title="Synthetic datasets ship the complete truth: show it on the cells"><input type="checkbox" data-testid="reveal-truth" checked={revealTruth} onChange={(e) => setRevealTruth(e.target.checked)} /> reveal truth</label>
          )}
        </div>
        {!unit && <p className="muted" data-testid="review-empty-queue">{queue.length ? 'Pick a unit below.' : 'No review unit yet: mine candidates first.'}</p>}
        {unit && grid && (
          <div data-testid="review-unit" data-cluster-id={unit.cluster.id}>
            <div className="unit-head">
              <strong>Unit #{unit.cluster.id}</strong> <span className="badge">{unit.cluster.kind.replace('_', ' ')}</span>{' '}
              {grid.captions.length} caption{grid.captions.length === 1 ? '' : 's'} × {grid.images.length} image{grid.images.length === 1 ? '' : 's'} · expected valid {unit.cluster.expectedValid.toFixed(1)} · served by {unit.cluster.servedBy} ·{' '}
              <span data-testid="unit-progress">{reviewedInUnit}/{unit.candidates.length} decided</span> · {unit.pending} pending units
            </div>
            <div className="toolbar" role="toolbar" aria-label="label actions">
              <span className="muted">cell</span>
              {[1, 2, 3, 4].map((l) => (
                <button key={l} type="button" className={`lab lab-${l}`} title={REVIEW_LABEL_TEXT[String(l)]} onClick={() => labelCell(l as ReviewLabel)} tabIndex={-1}>{l}</button>
              ))}
              <button type="button" onClick={() => labelCell('invalid_image')} tabIndex={-1} title="invalid image (i)">inv img</button>
              <button type="button" onClick={() => labelCell('invalid_caption')} tabIndex={-1} title="invalid caption (Shift+I)">inv cap</button>
              <span className="muted">row</span>
              {[1, 4].map((l) => (
                <button key={l} type="button" className={`lab lab-${l}`} data-testid={`row-${l}`} onClick={() => labelLine('row', l as ReviewLabel)} tabIndex={-1} title={`whole row: ${REVIEW_LABEL_TEXT[String(l)]}`}>{l}</button>
              ))}
              <span className="muted">col</span>
              {[1, 4].map((l) => (
                <button key={l} type="button" className={`lab lab-${l}`} data-testid={`col-${l}`} onClick={() => labelLine('col', l as ReviewLabel)} tabIndex={-1} title={`whole column: ${REVIEW_LABEL_TEXT[String(l)]}`}>{l}</button>
              ))}
              <span className="spacer" />
              <button type="button" onClick={() => void undo()} tabIndex={-1} data-testid="review-undo" title="undo the last decision batch (u)">undo</button>
              <button type="button" onClick={() => void submit()} tabIndex={-1} data-testid="review-submit" title="submit and go to the next unit (Enter or n)">next ⏎</button>
            </div>
            <div className="review-grid-wrap" ref={gridRef} tabIndex={0} data-testid="review-grid" onKeyDown={onKey} aria-label="Review grid. Arrows move, 1 to 4 label, i invalid image, Shift+I invalid caption, r and c label the whole row or column, Enter next unit, u undo, p previous unit.">
              <table className="review-grid">
                <thead>
                  <tr>
                    <th className="corner">caption \ candidate image</th>
                    {grid.images.map((im, c) => (
                      <th key={im} className={focus?.col === c ? 'col-focus' : ''} onClick={() => setFocus(move(grid, { row: -1, col: c }, 'down'))}>
                        <img className="cell-thumb" src={imageUrl(items.images[im].path)} alt={`image #${im}`} loading="lazy" />
                        <div className="muted">#{im}</div>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {grid.captions.map((cap, r) => {
                    const ref = items.captions[cap]?.imageIndex;
                    return (
                      <tr key={cap} className={focus?.row === r ? 'row-focus' : ''}>
                        <th className="cap-head" title={items.captions[cap]?.text}>
                          {ref != null && <img className="ref-thumb" src={imageUrl(items.images[ref].path)} alt={`annotated image #${ref}`} title={`annotated image #${ref} (reference)`} loading="lazy" />}
                          <span className="cap-text">{items.captions[cap]?.text}</span> <span className="muted">#{cap}</span>
                        </th>
                        {grid.images.map((im, c) => {
                          const k = grid.cell[r * grid.images.length + c];
                          if (k < 0) return <td key={im} className="cell none" data-testid="review-empty" />;
                          const cand = grid.candidates[k];
                          const isFocus = focus?.row === r && focus?.col === c;
                          const busy = saving[pairKey(cand.image, cand.caption)] != null;
                          return (
                            <td
                              key={im}
                              className={`cell${isFocus ? ' focus' : ''}${cand.decision != null ? ` lab-${cand.decision}` : ''}`}
                              data-testid="review-cell"
                              data-image={cand.image}
                              data-caption={cand.caption}
                              data-label={cand.decision ?? ''}
                              data-flag={cand.flag ?? undefined}
                              data-state={busy ? 'saving' : cand.decision != null ? 'saved' : 'open'}
                              data-focused={isFocus ? 'true' : undefined}
                              onClick={() => {
                                setFocus({ row: r, col: c });
                                gridRef.current?.focus();
                              }}
                              title={`${pTitle(cand)} · agreement ${cand.agreement}${cand.decision != null ? ` · ${REVIEW_LABEL_TEXT[String(cand.decision)]}` : ''}${cand.flag ? ` · flagged ${cand.flag.replace('_', ' ')}` : ''}`}
                            >
                              <span className="p" data-testid="review-p">{pText(cand)}</span>
                              {cand.decision != null && <span className="lab-badge">{LABEL_SHORT[String(cand.decision)]}</span>}
                              {cand.flag && <span className="flag-mark" data-testid="cell-flag" aria-label={`flagged ${cand.flag.replace('_', ' ')}`}>⚑</span>}
                              {busy && <span className="saving" aria-label="saving">•</span>}
                              {revealTruth && cand.truth != null && <span className={cand.truth ? 'truth yes' : 'truth no'} data-testid="truth-badge">{cand.truth ? 'T' : 'F'}</span>}
                            </td>
                          );
                        })}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <CalibrationCard cal={calibration} />
            <div className="keys muted">
              <kbd>←↑→↓</kbd> move · <kbd>1</kbd>–<kbd>4</kbd> label (1 clearly correct … 4 wrong) · <kbd>i</kbd> invalid image · <kbd>⇧I</kbd> invalid caption · <kbd>r</kbd>/<kbd>c</kbd> whole row/column · <kbd>⏎</kbd>/<kbd>n</kbd> next unit · <kbd>u</kbd> undo · <kbd>p</kbd> previous unit
            </div>
            {focused && (
              <div className="focus-pair" data-testid="focus-pair">
                <figure>
                  <img src={imageUrl(items.images[focused.image].path)} alt={`candidate image #${focused.image}`} />
                  <figcaption>candidate #{focused.image}</figcaption>
                </figure>
                <figure>
                  <img src={imageUrl(items.images[items.captions[focused.caption].imageIndex].path)} alt="annotated image" />
                  <figcaption>annotated #{items.captions[focused.caption].imageIndex}</figcaption>
                </figure>
                <div className="focus-text">
                  <blockquote>“{items.captions[focused.caption].text}”</blockquote>
                  <div className="muted">
                    caption #{focused.caption} · {calibrated ? `p̂ ${focused.p.toFixed(3)}` : `rank ${pText(focused)} by p̂ (not calibrated)`} · agreement {focused.agreement} · {focused.decision != null ? REVIEW_LABEL_TEXT[String(focused.decision)] : 'undecided'}
                    {revealTruth && focused.truth != null && <> · truth: {focused.truth ? 'valid' : 'not valid'}</>}
                  </div>
                  <PushPanel compact pair={focused} push={props.push} error={props.pushError} params={props.pushParams} onParams={props.onPushParams} />
                </div>
              </div>
            )}
          </div>
        )}
      </section>

      <section className="panel">
        <h2>
          Units{' '}
          <label className="muted small"><input type="checkbox" checked={pendingOnly} onChange={(e) => setPendingOnly(e.target.checked)} /> pending only</label>
        </h2>
        {queue.length === 0 && <p className="muted">No units.</p>}
        <div className="unit-list-wrap">
          <table className="grid-table unit-list" data-testid="unit-list">
            {queue.length > 0 && (
              <thead>
                <tr><th>#</th><th>unit</th><th title="expected valid pairs">exp.</th><th title="decided / pairs">done</th></tr>
              </thead>
            )}
            <tbody>
              {queue.map((u) => (
                <tr
                  key={u.id}
                  data-testid="unit-row"
                  data-cluster-id={u.id}
                  className={`${u.id === unitId ? 'current' : ''}${u.reviewed >= u.pairs ? ' done' : ''}`}
                  onMouseEnter={() => onHoverUnit(u.id)}
                  onMouseLeave={() => onHoverUnit(null)}
                  onClick={() => void openUnit(u.id)}
                  tabIndex={0}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') void openUnit(u.id);
                  }}
                >
                  <td className="num">{u.position + 1}</td>
                  <td className="unit-label" title={`${u.kind.replace('_', ' ')} · ${u.captions.length} captions × ${u.images.length} images · served by ${u.servedBy} · cost ${u.costSeconds.toFixed(0)} s`}>
                    <span className="kind">{u.kind === 'block' ? 'B' : u.kind === 'caption_card' ? 'C' : 'I'}</span> {u.label}
                    {u.servedBy === 'uncertainty' && <span className="badge" title="served for uncertainty (trains the classifier)">?</span>}
                  </td>
                  <td className="num">{u.expectedValid.toFixed(1)}</td>
                  <td className="num" data-testid="unit-reviewed">{u.reviewed}/{u.pairs}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {queue.length >= queueLimit && (
          <button type="button" onClick={() => setQueueLimit((l) => l + QUEUE_PAGE)}>show more</button>
        )}
      </section>
    </div>
  );
}
