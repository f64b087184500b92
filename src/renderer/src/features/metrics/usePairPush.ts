// The push of the selected pair (a neighbour row, a pair edge, or the focused review cell): fetched
// when the pair or the parameters change, and again after reviews (the verified set changed).
import { useCallback, useEffect, useRef } from 'react';
import { useLens, useLensState, useSignal } from '../../store/react';

const DEBOUNCE_MS = 120;

export function usePairPushLoader(): void {
  const store = useLens();
  const pair = useLensState((s) => s.pushPair);
  const params = useLensState((s) => s.pushParams);
  const hasSpace = useLensState((s) => !!s.session?.spaces.length);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const seq = useRef(0);

  const load = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    const my = ++seq.current;
    const { pushPair, pushParams, session } = store.get();
    if (!pushPair || !session?.spaces.length) {
      store.set({ push: null });
      return;
    }
    store.set({ pushError: null });
    timer.current = setTimeout(() => {
      store.api.metrics.pairPush({ ...pushPair, temperature: pushParams.temperature, batchSize: pushParams.batchSize }).then(
        (push) => my === seq.current && store.set({ push }),
        (e: unknown) => my === seq.current && store.set({ pushError: e instanceof Error ? e.message : String(e) }),
      );
    }, DEBOUNCE_MS);
  }, [store]);

  useEffect(() => {
    load();
  }, [load, pair, params, hasSpace]);
  useEffect(
    () => () => {
      seq.current++;
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useSignal('reviews', load);
}
