// An ARIA tab list: Tab reaches the selected tab, Left/Right/Home/End move between tabs and select
// them (automatic activation), Enter/Space also select.
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabDef<T extends string> {
  id: T;
  label: string;
  /** A small count or marker after the label. */
  badge?: string | number | null;
}

export function Tabs<T extends string>({ tabs, active, onChange, idPrefix }: { tabs: TabDef<T>[]; active: T; onChange: (id: T) => void; idPrefix: string }) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onChange(tabs[next].id);
    refs.current[next]?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label="panels">
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`${idPrefix}-tab-${t.id}`}
          aria-controls={`${idPrefix}-panel-${t.id}`}
          aria-selected={t.id === active}
          tabIndex={t.id === active ? 0 : -1}
          className={t.id === active ? 'tab active' : 'tab'}
          data-testid={`tab-${t.id}`}
          onClick={() => onChange(t.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t.label}
          {t.badge != null && t.badge !== '' && <span className="tab-badge">{t.badge}</span>}
        </button>
      ))}
    </div>
  );
}

export function TabPanel({ id, active, idPrefix, children }: { id: string; active: boolean; idPrefix: string; children: ReactNode }) {
  // Kept mounted when hidden, so a panel keeps its state (the open unit, the focused cell).
  return (
    <div role="tabpanel" id={`${idPrefix}-panel-${id}`} aria-labelledby={`${idPrefix}-tab-${id}`} hidden={!active} data-testid={`panel-${id}`} className="tabpanel">
      {children}
    </div>
  );
}
