// Browser mode's folder picker: browses the server's folders (only those `mlens serve --allow`
// permits, the home folder by default), marks the ones that look like datasets, and opens one.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { LensApi } from '../../../../shared/api';
import type { DirectoryListing } from '../../../../shared/map_tools';
import { useModalClose } from '../../help/useModalClose';

export function FolderPicker({ api, start, onOpen, onClose }: { api: LensApi; start: string; onOpen: (path: string) => void; onClose: () => void }) {
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const boxRef = useRef<HTMLDivElement>(null);

  const go = useCallback(
    (path?: string) => {
      api.app.listDirectory(path ? { path } : {}).then(
        (l) => {
          setListing(l);
          setTyped(l.path);
          setError(null);
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      );
    },
    [api],
  );

  // Start where the path box points when that is allowed, else at the first allowed root.
  useEffect(() => {
    const first = start.trim();
    if (!first) return void go();
    api.app.listDirectory({ path: first }).then(
      (l) => {
        setListing(l);
        setTyped(l.path);
      },
      () => go(),
    );
  }, [api, go, start]);

  useModalClose(onClose, boxRef);

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal folder-picker" role="dialog" aria-modal="true" aria-label="choose a dataset folder" data-testid="folder-picker" tabIndex={-1} ref={boxRef}>
        <div className="row">
          <h2>Choose a dataset folder</h2>
          <span className="spacer" />
          <button type="button" className="x" aria-label="close" onClick={onClose}>×</button>
        </div>
        <form
          className="row tight"
          onSubmit={(e) => {
            e.preventDefault();
            go(typed);
          }}
        >
          <input data-testid="folder-picker-path" aria-label="folder on the server" value={typed} onChange={(e) => setTyped(e.target.value)} style={{ flex: 1 }} />
          <button type="submit">Go</button>
        </form>
        {error && <div className="error-text" role="alert" data-testid="folder-picker-error">{error}</div>}
        {listing && (
          <>
            <div className="muted small">Allowed: {listing.roots.join(', ')}</div>
            <ul className="folder-list" data-testid="folder-list">
              {listing.parent && (
                <li>
                  <button type="button" className="link" data-testid="folder-up" onClick={() => go(listing.parent!)}>↑ ..</button>
                </li>
              )}
              {listing.folders.map((f) => (
                <li key={f.path} data-testid="folder-entry" data-dataset={f.dataset}>
                  <button type="button" className="link" onClick={() => go(f.path)} onDoubleClick={() => f.dataset && onOpen(f.path)}>
                    <span className="folder-icon" aria-hidden="true" />
                    {f.name}
                  </button>
                  {f.dataset && <span className="tag">dataset</span>}
                </li>
              ))}
              {listing.folders.length === 0 && <li className="muted">no sub-folders</li>}
            </ul>
            {listing.truncated && <div className="muted small">Only the first {listing.folders.length.toLocaleString()} folders are listed.</div>}
            <div className="row">
              <span className="muted small">{listing.dataset ? 'This folder looks like a dataset.' : 'No captions.jsonl, Karpathy or COCO file here.'}</span>
              <span className="spacer" />
              <button type="button" data-testid="folder-picker-open" disabled={!listing.dataset} onClick={() => onOpen(listing.path)}>Open this folder</button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
