// The column dialog: a table dataset (Parquet, Arrow, save_to_disk) whose image or caption column
// could not be told by name. It lists the table's columns with their types and asks which column
// plays each role (image and caption required; split and the two vector columns optional),
// preselected with the reader's best guesses. Open retries the open with that mapping (main
// remembers it for the folder); Esc or Cancel leaves the current dataset open.
import { useCallback, useId, useRef, useState } from 'react';
import type { ColumnMap, ColumnMappingDetail, ColumnRole } from '../../../../shared/dataset';
import { useModalClose } from '../../help/useModalClose';
import { useLens, useLensState } from '../../store/react';
import { openFolder } from './open_dataset';

const ROLES: Array<{ role: ColumnRole; label: string; required: boolean }> = [
  { role: 'image', label: 'Image (path or bytes)', required: true },
  { role: 'caption', label: 'Caption', required: true },
  { role: 'split', label: 'Split', required: false },
  { role: 'image_embedding', label: 'Image vectors', required: false },
  { role: 'text_embedding', label: 'Text vectors', required: false },
];

/** What is wrong with a mapping before it is sent, or null. */
export function mappingProblem(map: ColumnMap): string | null {
  if (!map.image) return 'Choose the image column.';
  if (!map.caption) return 'Choose the caption column.';
  if (map.image === map.caption) return 'The image and caption columns must differ.';
  return null;
}

export function ColumnMappingDialog({ path, detail, error, onOpen, onClose }: { path: string; detail: ColumnMappingDetail; error: string | null; onOpen: (map: ColumnMap) => Promise<void>; onClose: () => void }) {
  const [map, setMap] = useState<ColumnMap>(() => ({ ...detail.guess }));
  const [busy, setBusy] = useState(false);
  const firstRef = useRef<HTMLSelectElement>(null);
  const id = useId();
  useModalClose(onClose, firstRef);

  const typeOf = new Map(detail.columns.map((c) => [c.name, c.type]));
  const shown = (name: string): string => (typeOf.get(name) && typeOf.get(name) !== 'unknown' ? `${name} (${typeOf.get(name)})` : name);
  const problem = mappingProblem(map);
  // Optional vector roles only when the table has a column that could be one (or one already chosen).
  const roles = ROLES.filter((r) => r.required || r.role === 'split' || detail.candidates[r.role].length > 0 || map[r.role]);

  const submit = (): void => {
    if (problem || busy) return;
    const chosen = Object.fromEntries(Object.entries(map).filter(([, v]) => !!v)) as ColumnMap;
    setBusy(true);
    void onOpen(chosen).finally(() => setBusy(false));
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal column-dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} data-testid="column-dialog">
        <div className="row">
          <h2 id={`${id}-title`}>Which columns are which?</h2>
          <span className="spacer" />
          <button type="button" className="x" aria-label="close" onClick={onClose}>×</button>
        </div>
        <p className="muted">
          <code>{detail.file}</code> in <code>{path}</code> has no column with a common image or caption name. Choose them; the choice is remembered for this folder.
        </p>
        <table className="column-list" data-testid="column-list">
          <thead>
            <tr>
              <th scope="col">column</th>
              <th scope="col">type</th>
            </tr>
          </thead>
          <tbody>
            {detail.columns.map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>{c.type}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form
          className="column-roles"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          {roles.map(({ role, label, required }, i) => {
            const candidates = detail.candidates[role];
            const others = detail.columns.map((c) => c.name).filter((n) => !candidates.includes(n));
            const selectId = `${id}-${role}`;
            return (
              <div className="row tight" key={role}>
                <label htmlFor={selectId} style={{ minWidth: '11em' }}>
                  {label}
                  {required ? '' : ' (optional)'}
                </label>
                <select
                  id={selectId}
                  ref={i === 0 ? firstRef : undefined}
                  data-testid={`column-select-${role}`}
                  value={map[role] ?? ''}
                  aria-invalid={detail.undecided.includes(role) && !map[role] ? true : undefined}
                  onChange={(e) => setMap((m) => ({ ...m, [role]: e.target.value || undefined }))}
                >
                  <option value="">{required ? '— choose —' : '(none)'}</option>
                  {candidates.map((n) => (
                    <option key={n} value={n}>
                      {shown(n)}
                    </option>
                  ))}
                  {others.length > 0 && (
                    <optgroup label="other columns">
                      {others.map((n) => (
                        <option key={n} value={n}>
                          {shown(n)}
                        </option>
                      ))}
                    </optgroup>
                  )}
                </select>
              </div>
            );
          })}
          {(problem || error) && (
            <p className="error-text" role="alert" data-testid="column-dialog-error">
              {problem ?? error}
            </p>
          )}
          <div className="row">
            <span className="spacer" />
            <button type="button" data-testid="column-dialog-cancel" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" data-testid="column-dialog-open" disabled={!!problem || busy}>
              {busy ? 'Opening…' : 'Open'}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

/** The column dialog while an open is waiting for a column mapping (state `columnDialog`). */
export function ColumnMappingModal() {
  const store = useLens();
  const dialog = useLensState((s) => s.columnDialog);
  const close = useCallback(() => store.set({ columnDialog: null }), [store]);
  const open = useCallback((map: ColumnMap) => (dialog ? openFolder(store, dialog.path, map) : Promise.resolve()), [store, dialog]);
  if (!dialog) return null;
  return <ColumnMappingDialog key={dialog.path} path={dialog.path} detail={dialog.detail} error={dialog.error} onOpen={open} onClose={close} />;
}
