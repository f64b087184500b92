// Opening a dataset: a folder path (typed, chosen natively or browsed on the server) or the sample.
import type { LensStore } from '../../store/lens_store';
import { newJobId } from '../../jobs';

export async function openFolder(store: LensStore, path: string): Promise<void> {
  store.setError(null);
  try {
    const s = await store.api.datasets.open({ path });
    await store.loadSession(s);
    // `~/x` or a relative path: show the folder it resolved to (also when it was already open).
    if (s.dataset) store.set({ folder: s.dataset.root });
  } catch (e) {
    store.fail(e);
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
