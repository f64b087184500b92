// The top pending review units outlined on the map (refetched as mining and reviews change the
// queue), and the candidates of the unit hovered in a list or on the map (cached per unit).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ClusterSummary, ReviewCandidate } from '../../../../shared/views/review';
import { useDebouncedSignal, useLens, useLensState } from '../../store/react';

/** How many pending units may be outlined on the map (the user picks). */
export const MAP_UNIT_CHOICES = [10, 30, 60];
/** Waits for a burst of reviews or a mining run to settle before asking for the queue again. */
const REFRESH_MS = 600;

export function useMapUnits() {
  const store = useLens();
  const dsHash = useLensState((s) => s.session?.dataset?.hash ?? null);
  const hasSpace = useLensState((s) => !!s.session?.spaces.length);
  const hoverUnit = useLensState((s) => s.hoverUnit);
  // Kept with the dataset they came from: another dataset's units never show on this map.
  const [fetched, setFetched] = useState<{ hash: string; units: ClusterSummary[] } | null>(null);
  const units = useMemo(() => (fetched && fetched.hash === dsHash ? fetched.units : []), [fetched, dsHash]);
  const [show, setShow] = useState(true);
  const [count, setCount] = useState(MAP_UNIT_CHOICES[0]);
  const [hovered, setHovered] = useState<{ id: number; candidates: ReviewCandidate[] } | null>(null);
  const hoverCands = hovered && hovered.id === hoverUnit ? hovered : null;
  const cache = useRef(new Map<number, ReviewCandidate[]>());

  const load = useCallback(() => {
    if (!dsHash || !hasSpace) return;
    cache.current.clear();
    store.api.review.queue({ pendingOnly: true, limit: count }).then(
      (u) => setFetched({ hash: dsHash, units: u }),
      () => setFetched(null),
    );
  }, [store, dsHash, hasSpace, count]);

  useEffect(() => {
    load();
  }, [load]);
  useDebouncedSignal(['reviews', 'mining', 'refit'], REFRESH_MS, load);

  // Hovering a unit (in a list or on the map) shows its candidate edges.
  useEffect(() => {
    if (hoverUnit == null) return;
    let cancelled = false;
    const cached = cache.current.get(hoverUnit);
    const candidates = cached
      ? Promise.resolve(cached)
      : store.api.review.unit({ clusterId: hoverUnit }).then((u) => {
          if (u) cache.current.set(u.cluster.id, u.candidates);
          return u?.candidates ?? null;
        });
    candidates.then(
      (c) => {
        if (c && !cancelled) setHovered({ id: hoverUnit, candidates: c });
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [store, hoverUnit]);

  return { units, show, setShow, count, setCount, hoverUnit, hoverCands };
}

export type MapUnits = ReturnType<typeof useMapUnits>;
