// The review flow's state and actions: the queue, the open unit (in the store, so the map draws
// it), the focused cell, decisions sent per key press (optimistic, marked `saving` until main
// acknowledges them), undo, submit-and-next, the previous unit. The grid and lists only render it.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ClusterSummary, ReviewLabel, ReviewUnitView } from '../../../../shared/views/review';
import { REVIEW_LABEL_TEXT } from '../../../../shared/views/review';
import { useDebouncedSignal, useLens, useLensState, useSignal } from '../../store/react';
import { buildGrid, candidateAt, firstCell, lineCandidates, nextUndecided, pairKey, type Cell } from './grid';
import { remember, stored } from './review_storage';

export const QUEUE_PAGE = 100;

export interface ReviewOptions {
  reviewer: string;
  advance: boolean;
  fillWrong: boolean;
}

export function useReviewOptions() {
  const [reviewer, setReviewer] = useState(() => stored('mlens-reviewer', ''));
  const [advance, setAdvance] = useState(() => stored('mlens-review-advance', '0') === '1');
  const [fillWrong, setFillWrong] = useState(() => stored('mlens-review-fill4', '0') === '1');
  return {
    reviewer,
    advance,
    fillWrong,
    setReviewer: (v: string) => {
      setReviewer(v);
      remember('mlens-reviewer', v);
    },
    setAdvance: (v: boolean) => {
      setAdvance(v);
      remember('mlens-review-advance', v ? '1' : '0');
    },
    setFillWrong: (v: boolean) => {
      setFillWrong(v);
      remember('mlens-review-fill4', v ? '1' : '0');
    },
  };
}

export function useReview(opts: ReviewOptions, focusGrid: () => void) {
  const store = useLens();
  const api = store.api;
  const session = useLensState((s) => s.session)!;
  const unit = useLensState((s) => s.reviewUnit);
  const hash = session.dataset?.hash ?? 'none';
  const unitKey = `mlens-review-unit:${hash}`;
  const [focus, setFocus] = useState<Cell | null>(null);
  const [saving, setSaving] = useState<Record<string, number>>({});
  const [queue, setQueue] = useState<ClusterSummary[]>([]);
  const [queueLimit, setQueueLimit] = useState(QUEUE_PAGE);
  const [pendingOnly, setPendingOnly] = useState(false);
  const [queueLoaded, setQueueLoaded] = useState(false);
  const [lastLabel, setLastLabel] = useState<ReviewLabel | null>(null);
  const [history, setHistory] = useState<number[]>([]);
  const submitted = useRef(new Set<number>());
  /** When the open unit was shown or the last decision made (a decision's `seconds`). */
  const lastAt = useRef(0);
  const savingCount = useRef(0);
  // Decisions started so far: a refresh of the open unit asked for before a decision started would
  // show the unit without it, so its answer is dropped.
  const savesStarted = useRef(0);
  const unitId = unit?.cluster.id ?? null;
  const grid = useMemo(() => (unit ? buildGrid(unit) : null), [unit]);

  const setUnit = useCallback((f: (u: ReviewUnitView | null) => ReviewUnitView | null) => store.set((s) => ({ reviewUnit: f(s.reviewUnit) })), [store]);
  /** Replaces the open unit only while that unit is still the one open. */
  const refreshUnit = useCallback((u: ReviewUnitView | null) => setUnit((cur) => (cur && u && cur.cluster.id === u.cluster.id ? u : cur)), [setUnit]);

  const loadQueue = useCallback(async () => {
    try {
      setQueue(await api.review.queue({ limit: queueLimit, pendingOnly }));
      setQueueLoaded(true);
    } catch (e) {
      store.fail(e);
    }
  }, [api, store, queueLimit, pendingOnly]);

  const showUnit = useCallback(
    (u: ReviewUnitView | null, keepFocus = false) => {
      store.set({ reviewUnit: u });
      if (!u) {
        remember(unitKey, null);
        setFocus(null);
        return;
      }
      remember(unitKey, String(u.cluster.id));
      const g = buildGrid(u);
      setFocus((f) => (keepFocus && f && candidateAt(g, f) >= 0 ? f : firstCell(g)));
      if (!keepFocus) lastAt.current = performance.now();
    },
    [store, unitKey],
  );

  const openUnit = useCallback(
    async (clusterId?: number, o: { pushHistory?: boolean } = {}) => {
      try {
        const u = await api.review.unit(clusterId != null ? { clusterId } : {});
        if (o.pushHistory !== false && unit && u && u.cluster.id !== unit.cluster.id) setHistory((h) => [...h.slice(-50), unit.cluster.id]);
        showUnit(u);
        if (!u && clusterId == null) store.notify('The review queue is empty: mine candidates first, or every unit is reviewed.');
        // Focus the grid for keyboard review, unless the user is typing somewhere.
        requestAnimationFrame(() => {
          const a = document.activeElement as HTMLElement | null;
          if (a && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA' || a.tagName === 'SELECT')) return;
          focusGrid();
        });
      } catch (e) {
        store.fail(e);
      }
    },
    [api, store, unit, showUnit, focusGrid],
  );

  // First load (and a different dataset): the queue, then the unit last open here (or the next).
  useEffect(() => {
    if (!session.dataset) return;
    let cancelled = false;
    void (async () => {
      try {
        const q = await api.review.queue({ limit: QUEUE_PAGE, pendingOnly: false });
        if (cancelled) return;
        setQueue(q);
        setQueueLoaded(true);
        if (!q.length) return showUnit(null);
        const saved = Number(stored(unitKey, ''));
        const u = saved > 0 ? await api.review.unit({ clusterId: saved }).catch(() => null) : null;
        if (!cancelled) showUnit(u ?? (await api.review.unit({})));
      } catch (e) {
        if (!cancelled) store.fail(e);
      }
    })();
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs once per dataset; `session`, `store`, `showUnit` and `unitKey` are left out because a new object or callback for the same dataset must not reload the queue and reopen the unit
  }, [api, hash]);

  // A new mining run replaces the queue.
  useSignal('mining', () => {
    submitted.current.clear();
    setHistory([]);
    void loadQueue();
    void openUnit(undefined, { pushHistory: false });
  });

  // Reviews arrive (ours, an undo, another window), or the refit after them re-ranked the queue and
  // moved p̂: refresh the list and the open unit, debounced.
  useDebouncedSignal(['reviews', 'refit'], 350, () => {
    void loadQueue();
    if (unitId != null && savingCount.current === 0) {
      const asked = savesStarted.current;
      api.review.unit({ clusterId: unitId }).then((u) => {
        if (savingCount.current === 0 && savesStarted.current === asked) refreshUnit(u);
      }, () => undefined);
    }
  });

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loadQueue sets state only after awaiting the queue; the rule does not see through the async call
    void loadQueue();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reloads when the page size or filter changes; `loadQueue` is left out because it also changes with `api` and `store`, whose reloads the dataset effect above does
  }, [queueLimit, pendingOnly]);

  // A unit asked for from outside (the map, a unit outline): open it.
  useSignal('open-unit', (s) => void openUnit(s.id));

  const focusCand = grid && focus ? candidateAt(grid, focus) : -1;
  const focused = grid && focusCand >= 0 ? grid.candidates[focusCand] : null;
  // The focused cell is the pair the map highlights and the push follows.
  useEffect(() => {
    const p = focused ? { image: focused.image, caption: focused.caption } : null;
    store.set(p ? { reviewFocus: p, pushPair: p } : { reviewFocus: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the focused pair's image and caption, not the candidate object, so a refreshed unit with the same focus does not push the pair again
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
    savesStarted.current++;
    setSaving((s) => {
      const n = { ...s };
      for (const k of keys) n[k] = (n[k] ?? 0) + 1;
      return n;
    });
    try {
      await api.review.record({ decisions: cands.map((c) => ({ image: c.image, caption: c.caption, label })), reviewer: opts.reviewer.trim() || 'anonymous', seconds, clusterId: cid });
      store.notify(`Saved: ${what} → ${REVIEW_LABEL_TEXT[String(label)]}`);
    } catch (e) {
      store.fail(e);
      api.review.unit({ clusterId: cid }).then((u) => setUnit((cur) => (cur && u && cur.cluster.id === cid ? u : cur)), () => undefined);
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
    if (opts.advance) {
      const g = { ...grid, candidates: grid.candidates.map((x, k) => (k === focusCand ? { ...x, decision: label } : x)) };
      setFocus(nextUndecided(g, focus));
    }
  };

  const labelLine = (line: 'row' | 'col', label?: ReviewLabel) => {
    if (!grid || !focus || focusCand < 0) return;
    const l = label ?? grid.candidates[focusCand].decision ?? lastLabel;
    if (l == null) return store.notify('Type a label (1–4) first: r and c copy it to the whole row or column');
    setLastLabel(l);
    const idxs = lineCandidates(grid, line, line === 'row' ? focus.row : focus.col);
    void decide(idxs, l, line === 'row' ? `row of caption #${grid.captions[focus.row]} (${idxs.length} pairs)` : `column of image #${grid.images[focus.col]} (${idxs.length} pairs)`);
  };

  const undo = async () => {
    try {
      const ok = await api.review.undo();
      store.notify(ok ? 'Undone: the last review step' : 'Nothing to undo');
      if (unitId != null) refreshUnit(await api.review.unit({ clusterId: unitId }));
    } catch (e) {
      store.fail(e);
    }
  };

  const submit = async () => {
    if (!unit) return;
    const cid = unit.cluster.id;
    if (opts.fillWrong) {
      const open = unit.candidates.flatMap((c, k) => (c.decision == null ? [k] : []));
      if (open.length) await decide(open, 4, `${open.length} undecided pairs`);
    }
    submitted.current.add(cid);
    try {
      const pending = await api.review.queue({ pendingOnly: true, limit: submitted.current.size + 2 });
      const next = pending.find((c) => c.id !== cid && !submitted.current.has(c.id)) ?? pending.find((c) => c.id !== cid);
      if (!next) {
        store.notify('No other pending unit: the queue is done');
        return;
      }
      await openUnit(next.id);
    } catch (e) {
      store.fail(e);
    }
  };

  const previous = () => {
    const prev = history[history.length - 1];
    if (prev == null) return store.notify('No previous unit');
    setHistory((h) => h.slice(0, -1));
    void openUnit(prev, { pushHistory: false });
  };

  return {
    unit,
    grid,
    focus,
    setFocus,
    focused,
    saving,
    queue,
    queueLimit,
    showMore: () => setQueueLimit((l) => l + QUEUE_PAGE),
    pendingOnly,
    setPendingOnly,
    queueLoaded,
    openUnit,
    labelCell,
    labelLine,
    undo,
    submit,
    previous,
  };
}

export type ReviewController = ReturnType<typeof useReview>;
