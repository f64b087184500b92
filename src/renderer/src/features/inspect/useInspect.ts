// Inspect's data: the selection's neighbours follow the active space, and in probabilistic spaces the
// exact CSD of each neighbour pair and of the selected pair.
import { useEffect, useState } from 'react';
import type { ItemDetail } from '../../../../shared/api';
import type { PairCsdView } from '../../../../shared/views/heads';
import type { Pair } from '../../store/state';
import { useLens, useLensState } from '../../store/react';

export function useActiveSpace() {
  const session = useLensState((s) => s.session);
  return session?.spaces.find((sp) => sp.id === session.spaceId) ?? null;
}

/** Re-asks for the selection's partners and neighbours when the active space changes. */
export function useDetailFollowsSpace(): void {
  const store = useLens();
  const spaceId = useLensState((s) => s.session?.spaceId ?? null);
  useEffect(() => {
    const sel = store.get().selected;
    if (sel && spaceId) store.api.spaces.itemDetail({ kind: sel.kind, index: sel.index, k: 10 }).then((detail) => store.set({ detail }), () => undefined);
  }, [store, spaceId]);
}

/** Exact CSD and match probability of the selection's neighbour pairs (`image:caption`). */
export function useNeighbourCsd(probabilistic: boolean): Map<string, PairCsdView> | null {
  const store = useLens();
  const detail = useLensState((s) => s.detail);
  // Kept with the detail it was asked for, so another selection never shows the previous one's.
  const [csd, setCsd] = useState<{ detail: ItemDetail; map: Map<string, PairCsdView> } | null>(null);
  useEffect(() => {
    if (!probabilistic || !detail) return;
    let cancelled = false;
    const pairs = detail.neighbors.map((n) => (detail.kind === 'image' ? { image: detail.index, caption: n.index } : { image: n.index, caption: detail.index }));
    Promise.all(pairs.map((p) => store.api.heads.pairCsd(p))).then(
      (rs) => {
        if (cancelled) return;
        const m = new Map<string, PairCsdView>();
        rs.forEach((r, i) => r && m.set(`${pairs[i].image}:${pairs[i].caption}`, r));
        setCsd({ detail, map: m });
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [store, probabilistic, detail]);
  return probabilistic && csd && csd.detail === detail ? csd.map : null;
}

/** Exact CSD of the selected pair. */
export function usePairCsd(probabilistic: boolean): PairCsdView | null {
  const store = useLens();
  const pair = useLensState((s) => s.pushPair);
  const spaceId = useLensState((s) => s.session?.spaceId ?? null);
  const [csd, setCsd] = useState<{ pair: Pair; spaceId: string | null; view: PairCsdView | null } | null>(null);
  useEffect(() => {
    if (!pair || !probabilistic) return;
    let cancelled = false;
    store.api.heads.pairCsd(pair).then((view) => !cancelled && setCsd({ pair, spaceId, view }), () => undefined);
    return () => {
      cancelled = true;
    };
  }, [store, pair, probabilistic, spaceId]);
  return probabilistic && csd && csd.pair === pair && csd.spaceId === spaceId ? csd.view : null;
}
