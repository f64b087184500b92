// The map's search box: captions by text, images by file name or id (searched in the main
// process over the whole dataset). Choosing a result flies the map to it and selects it.
import { useEffect, useRef, useState } from 'react';
import type { LensApi } from '../../../../shared/api';
import type { SearchHit, SearchResult } from '../../../../shared/map_tools';

const LIMIT = 30;
const DEBOUNCE_MS = 180;

export function SearchBox({ api, datasetHash, onPick }: { api: LensApi; datasetHash: string | null; onPick: (hit: SearchHit) => void }) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);

  // Another dataset: its items, not the last one's.
  const [shownHash, setShownHash] = useState(datasetHash);
  if (datasetHash !== shownHash) {
    setShownHash(datasetHash);
    setQuery('');
    setResult(null);
  }

  useEffect(() => {
    const q = query.trim();
    if (!q || !datasetHash) {
      // eslint-disable-next-line react-hooks/set-state-in-effect -- an emptied query closes the list at once; only a real query waits for the debounced search
      setResult(null);
      return;
    }
    let cancelled = false;
    const t = setTimeout(() => {
      api.datasets.search({ query: q, limit: LIMIT }).then(
        (r) => {
          if (cancelled) return;
          setResult(r);
          setError(null);
          setActive(0);
        },
        (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
      );
    }, DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [api, query, datasetHash]);

  // "/" focuses the search from anywhere (not while typing elsewhere).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      e.preventDefault();
      inputRef.current?.focus();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const hits = result?.hits ?? [];
  const pick = (h: SearchHit) => {
    onPick(h);
    setOpen(false);
    inputRef.current?.blur();
  };

  return (
    <div className="search-box" data-testid="map-search">
      <input
        ref={inputRef}
        type="search"
        data-testid="map-search-input"
        aria-label="search captions and images"
        placeholder="Search captions, images, ids  (/)"
        value={query}
        disabled={!datasetHash}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(hits.length - 1, a + 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter' && hits[active]) {
            e.preventDefault();
            pick(hits[active]);
          } else if (e.key === 'Escape') {
            e.stopPropagation();
            setOpen(false);
            inputRef.current?.blur();
          }
        }}
      />
      {open && query.trim() && (error || result) && (
        <div className="search-results" role="listbox" data-testid="map-search-results">
          {error && <div className="error-text">{error}</div>}
          {result && hits.length === 0 && <div className="muted">Nothing matches “{result.query}”.</div>}
          {hits.map((h, k) => (
            <button
              type="button"
              role="option"
              aria-selected={k === active}
              key={`${h.kind}${h.index}`}
              className={k === active ? 'search-hit active' : 'search-hit'}
              data-testid="map-search-hit"
              data-kind={h.kind}
              data-index={h.index}
              onMouseEnter={() => setActive(k)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(h)}
            >
              <span className={`dot ${h.kind}`} />
              <span className="search-hit-text">{h.text}</span>
              <span className="muted small"> {h.kind} #{h.index}</span>
            </button>
          ))}
          {result && result.total > hits.length && (
            <div className="muted small">{hits.length} of {result.total.toLocaleString()} matches shown; type more to narrow them.</div>
          )}
        </div>
      )}
    </div>
  );
}
