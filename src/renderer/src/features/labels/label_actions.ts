// Label actions every panel shares: one flag (a click in Inspect), undo and redo of flags.
import type { FlagLabel, FlagTarget } from '../../../../shared/flags';
import type { LensStore } from '../../store/lens_store';

export async function addFlag(store: LensStore, target: FlagTarget, label: FlagLabel, note: string): Promise<void> {
  try {
    await store.api.labels.addFlag({ target, label, note });
    store.notify(`Flag saved: ${label.replace('_', ' ')}`);
  } catch (e) {
    store.fail(e);
  }
}

export function undoFlag(store: LensStore): void {
  void store.api.labels.undo().then((ok) => store.notify(ok ? 'Undone' : 'Nothing to undo'), store.fail);
}

export function redoFlag(store: LensStore): void {
  void store.api.labels.redo().then((ok) => store.notify(ok ? 'Redone' : 'Nothing to redo'), store.fail);
}
