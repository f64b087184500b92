// React's view of the store: a provider, `useLensState(selector)` over `useSyncExternalStore`, and
// `useSignal` / `useDebouncedSignal` for features that refetch when an event arrives.
import { createContext, useContext, useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { LensStore, SignalOf, SignalType } from './lens_store';
import type { LensState } from './state';

const LensContext = createContext<LensStore | null>(null);

export function LensProvider({ store, children }: { store: LensStore; children: ReactNode }) {
  return <LensContext.Provider value={store}>{children}</LensContext.Provider>;
}

export function useLens(): LensStore {
  const store = useContext(LensContext);
  if (!store) throw new Error('useLens outside LensProvider');
  return store;
}

/** A slice of the state; the component re-renders when the selected value changes (Object.is). */
export function useLensState<T>(select: (s: LensState) => T): T {
  const store = useLens();
  return useSyncExternalStore(store.state.subscribe, () => select(store.state.get()));
}

/** Calls `handler` (the latest one) for every signal of the given types. */
export function useSignal<K extends SignalType>(types: K | readonly K[], handler: (s: SignalOf<K>) => void): void {
  const store = useLens();
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  const key = (Array.isArray(types) ? types : [types]).join(',');
  useEffect(() => {
    const wanted = key.split(',');
    return store.onSignal((s) => {
      if (wanted.includes(s.type)) ref.current(s as SignalOf<K>);
    });
  }, [store, key]);
}

/** Calls `handler` once signals of the given types have stopped arriving for `ms` (a burst of reviews refetches once). */
export function useDebouncedSignal(types: SignalType | readonly SignalType[], ms: number, handler: () => void): void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useSignal(types, () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      ref.current();
    }, ms);
  });
}
