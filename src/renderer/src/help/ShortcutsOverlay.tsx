// `?` opens the list of keyboard shortcuts (Esc or a click outside closes it); a small corner on
// the map shows the few that matter there and opens the full list.
import { useEffect, useRef } from 'react';
import { SHORTCUTS } from './shortcuts';
import { useModalClose } from './useModalClose';

function Keys({ keys }: { keys: string[] }) {
  return (
    <span className="keys">
      {keys.map((k, i) => (
        <kbd key={i}>{k}</kbd>
      ))}
    </span>
  );
}

/** Opens on `?` typed anywhere but in a text field; returns nothing while closed. */
export function useShortcutsKey(setOpen: (f: (o: boolean) => boolean) => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setOpen]);
}

export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useModalClose(onClose, closeRef);
  return (
    <div className="modal-backdrop" data-testid="shortcuts-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal shortcuts" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-testid="shortcuts-overlay">
        <div className="row">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <span className="spacer" />
          <button type="button" ref={closeRef} className="x" aria-label="close" onClick={onClose}>×</button>
        </div>
        {SHORTCUTS.map((g) => (
          <section key={g.title}>
            <h3 className="group-title">{g.title}</h3>
            <table>
              <tbody>
                {g.items.map((s) => (
                  <tr key={s.does} data-testid="shortcut-row">
                    <td><Keys keys={s.keys} /></td>
                    <td>{s.does}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
        <p className="muted small">Esc closes this list.</p>
      </div>
    </div>
  );
}

export function HelpCorner({ onOpen }: { onOpen: () => void }) {
  const items = SHORTCUTS.flatMap((g) => g.items).filter((s) => s.corner);
  return (
    <button type="button" className="help-corner" data-testid="help-corner" onClick={onOpen} title="All keyboard shortcuts (?)">
      {items.map((s) => (
        <span key={s.does} className="help-corner-item" title={s.does}>
          <Keys keys={s.keys} /> {s.corner}
        </span>
      ))}
    </button>
  );
}
