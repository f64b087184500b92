// The top bar's dataset controls: the folder path box with Open, Choose… (Electron's native picker)
// or Browse… (the server's folders), and the sample dataset.
import { useLens, useLensState } from '../../store/react';
import { openFolder, openSample } from './open_dataset';
import { FolderPicker } from './FolderPicker';

export function OpenDatasetForm() {
  const store = useLens();
  const folder = useLensState((s) => s.folder);
  const info = useLensState((s) => s.info);
  return (
    <>
      <form
        className="open-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (folder.trim()) void openFolder(store, folder.trim());
        }}
      >
        <input data-testid="folder-input" aria-label="dataset folder" placeholder="/path/to/dataset folder" value={folder} onChange={(e) => store.set({ folder: e.target.value })} />
        <button type="submit" data-testid="open-folder">Open</button>
        {info?.canPickFolder && (
          <button type="button" onClick={() => void store.api.app.pickFolder().then((p) => { if (p) void openFolder(store, p); }, store.fail)}>Choose…</button>
        )}
        {info && !info.canPickFolder && (
          <button type="button" data-testid="browse-folders" onClick={() => store.set({ pickerOpen: true })} title="Browse the server's folders">Browse…</button>
        )}
      </form>
      <button type="button" data-testid="open-sample" onClick={() => void openSample(store)}>Open sample dataset</button>
    </>
  );
}

/** Browser mode's folder picker, while open. */
export function FolderPickerModal() {
  const store = useLens();
  const open = useLensState((s) => s.pickerOpen);
  const folder = useLensState((s) => s.folder);
  if (!open) return null;
  return (
    <FolderPicker
      api={store.api}
      start={folder}
      onClose={() => store.set({ pickerOpen: false })}
      onOpen={(p) => {
        store.set({ pickerOpen: false, folder: p });
        void openFolder(store, p);
      }}
    />
  );
}
