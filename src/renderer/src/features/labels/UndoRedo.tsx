// Undo and Redo of flags: the top bar's buttons and Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y anywhere but in
// a text field (the review grid handles its own Ctrl+Z first).
import { useEffect } from 'react';
import { useLens, useLensState } from '../../store/react';
import { redoFlag, undoFlag } from './label_actions';

export function UndoRedoButtons() {
  const store = useLens();
  const undoRedo = useLensState((s) => s.undoRedo);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) {
        e.preventDefault();
        undoFlag(store);
      } else if (mod && ((e.key.toLowerCase() === 'z' && e.shiftKey) || e.key.toLowerCase() === 'y')) {
        e.preventDefault();
        redoFlag(store);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
  return (
    <>
      <button type="button" data-testid="undo" disabled={!undoRedo.canUndo} onClick={() => undoFlag(store)} title="Undo (Ctrl+Z)">Undo</button>
      <button type="button" data-testid="redo" disabled={!undoRedo.canRedo} onClick={() => redoFlag(store)} title="Redo (Ctrl+Shift+Z)">Redo</button>
    </>
  );
}
