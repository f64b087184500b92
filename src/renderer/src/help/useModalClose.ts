// A modal dialog's keyboard: focus moves into it when it opens, and Esc closes it and does nothing
// else (caught in the capture phase, so the map does not also clear its selection).
import { useEffect, type RefObject } from 'react';

export function useModalClose(onClose: () => void, focusRef: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    focusRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose, focusRef]);
}
