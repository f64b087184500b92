// Σσ² per item of the active space while it is probabilistic (the Uncertainty tab, the map's
// colour-by and glyph controls read it from the store).
import { useEffect } from 'react';
import { useLens, useLensState } from '../../store/react';
import { useActiveSpace } from '../inspect/useInspect';

export function useUncertaintyLoader(): void {
  const store = useLens();
  const probabilistic = !!useActiveSpace()?.probabilistic;
  const spaceId = useLensState((s) => s.session?.spaceId ?? null);
  useEffect(() => {
    store.set({ uncertainty: null });
    if (!probabilistic || !spaceId) return;
    let cancelled = false;
    store.api.heads.uncertainty({ spaceId }).then((uncertainty) => !cancelled && store.set({ uncertainty }), () => undefined);
    return () => {
      cancelled = true;
    };
  }, [store, probabilistic, spaceId]);
}
