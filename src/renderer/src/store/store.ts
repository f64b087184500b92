// A small typed store: one state object, replaced (never mutated) on every change, and listeners
// told after each change. React reads it with `useSyncExternalStore` (react.tsx), so a component
// re-renders only when the slice it selects changes.

export interface Store<T extends object> {
  get(): T;
  /** Merges a patch (or the patch a function returns from the current state) into the state. */
  set(patch: Partial<T> | ((state: T) => Partial<T>)): void;
  subscribe(fn: () => void): () => void;
}

export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(patch) {
      const p = typeof patch === 'function' ? patch(state) : patch;
      let changed = false;
      for (const k of Object.keys(p) as Array<keyof T>) {
        if (!Object.is(state[k], p[k])) {
          changed = true;
          break;
        }
      }
      if (!changed) return;
      state = { ...state, ...p };
      for (const fn of [...listeners]) fn();
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => {
        listeners.delete(fn);
      };
    },
  };
}
