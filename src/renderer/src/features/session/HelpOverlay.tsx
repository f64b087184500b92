// `?` opens the keyboard shortcuts; the map's help corner opens them too.
import { useCallback } from 'react';
import { ShortcutsOverlay, useShortcutsKey } from '../../help/ShortcutsOverlay';
import { useLens, useLensState } from '../../store/react';

export function HelpOverlay() {
  const store = useLens();
  const open = useLensState((s) => s.helpOpen);
  const setOpen = useCallback((f: (o: boolean) => boolean) => store.set((s) => ({ helpOpen: f(s.helpOpen) })), [store]);
  useShortcutsKey(setOpen);
  return open ? <ShortcutsOverlay onClose={() => store.set({ helpOpen: false })} /> : null;
}
