// The status bar: version, mode and compute backend, the active space, the last notice, the store path.
import { useLensState } from '../../store/react';
import { spaceLabel } from '../spaces/names';

export function StatusBar() {
  const info = useLensState((s) => s.info);
  const session = useLensState((s) => s.session);
  const notice = useLensState((s) => s.notice);
  const activeSpace = session?.spaces.find((sp) => sp.id === session.spaceId) ?? null;
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span>{info ? `v${info.version} · ${info.mode} · backend: ` : 'connecting…'}{info && <strong data-testid="status-backend">{info.backend}</strong>}</span>
      {activeSpace && (
        <span data-testid="status-space" data-space-id={activeSpace.id}>
          · space: <strong>{spaceLabel(activeSpace)}</strong> ({activeSpace.dims}-d{activeSpace.probabilistic ? ', probabilistic' : ''})
        </span>
      )}
      <span className="spacer" />
      {notice && <span data-testid="notice">{notice}</span>}
      <span className="muted" title="project store">{session?.storePath ?? ''}</span>
    </footer>
  );
}
