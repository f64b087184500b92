// Opening a dataset: a folder path (typed, chosen natively or browsed on the server) or the sample.
import type { ColumnMap, ColumnMappingDetail } from '../../../../shared/dataset';
import type { LensStore } from '../../store/lens_store';
import { newJobId } from '../../jobs';

/** The column list of a failed open of a table whose columns could not be told by name, else null. */
export function columnMappingDetail(e: unknown): ColumnMappingDetail | null {
  const d = (e as { name?: unknown; detail?: { kind?: unknown } } | null)?.detail;
  return (e as { name?: unknown } | null)?.name === 'ColumnMappingError' && d?.kind === 'column-mapping' ? (d as ColumnMappingDetail) : null;
}

/**
 * Opens a folder; `columns` maps a table's columns (the column dialog). A table whose columns cannot
 * be told by name opens the column dialog instead of an error banner.
 */
export async function openFolder(store: LensStore, path: string, columns?: ColumnMap): Promise<void> {
  store.setError(null);
  try {
    const s = await store.api.datasets.open(columns ? { path, columns } : { path });
    store.set({ columnDialog: null });
    await store.loadSession(s);
    // `~/x` or a relative path: show the folder it resolved to (also when it was already open).
    if (s.dataset) store.set({ folder: s.dataset.root });
  } catch (e) {
    const detail = columnMappingDetail(e);
    if (detail) store.set({ columnDialog: { path, detail, error: columns ? (e as Error).message : null } });
    else {
      store.set({ columnDialog: null });
      store.fail(e);
    }
  }
}

export async function openSample(store: LensStore): Promise<void> {
  store.setError(null);
  try {
    await store.loadSession(await store.api.datasets.openSample({ jobId: newJobId('sample') }));
  } catch (e) {
    store.fail(e);
  }
}
