// The top pending review units outlined on the map (refetched as mining and reviews change the
// queue), and the candidates of the unit hovered in a list or on the map (cached per unit).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ClusterSummary, ReviewCandidate } from '../../../../shared/analysis';
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
  const [units, setUnits] = useState<ClusterSummary[]>([]);
  const [show, setShow] = useState(true);
  const [count, setCount] = useState(MAP_UNIT_CHOICES[0]);
  const [hoverCands, setHoverCands] = useState<{ id: number; candidates: ReviewCandidate[] } | null>(null);
  const cache = useRef(new Map<number, ReviewCandidate[]>());

  const load = useCallback(() => {
    if (!dsHash || !hasSpace) return;
    cache.current.clear();
    store.api.review.queue({ pendingOnly: true, limit: count }).then(setUnits, () => setUnits([]));
  }, [store, dsHash, hasSpace, count]);

  // Another dataset's units do not belong on this map.
  useEffect(() => {
    setUnits([]);
    cache.current.clear();
  }, [dsHash]);
  useEffect(() => {
    load();
  }, [load]);
  useDebouncedSignal(['reviews', 'mining'], REFRESH_MS, load);

  // Hovering a unit (in a list or on the map) shows its candidate edges.
  useEffect(() => {
    if (hoverUnit == null) {
      setHoverCands(null);
      return;
    }
    const cached = cache.current.get(hoverUnit);
    if (cached) {
      setHoverCands({ id: hoverUnit, candidates: cached });
      return;
    }
    let cancelled = false;
    store.api.review.unit({ clusterId: hoverUnit }).then(
      (u) => {
        if (!u) return;
        cache.current.set(u.cluster.id, u.candidates);
        if (!cancelled) setHoverCands({ id: u.cluster.id, candidates: u.candidates });
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
