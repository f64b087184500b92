// Learning that another process changed the store. SQLite bumps PRAGMA data_version on a
// connection whenever *another* connection commits to the file (never for its own commits), so a
// cheap poll tells a server that a second app or CLI on the same dataset flagged, undid or reviewed.
import type { Db } from './sqlite.js';

export interface StoreChange {
  /** The data_version seen now (opaque; only its change matters). */
  version: number;
}

export type StoreChangeListener = (change: StoreChange) => void;

export function watchStoreChanges(db: Db, fn: StoreChangeListener, intervalMs: number): () => void {
  let last = db.pragma('data_version', { simple: true }) as number;
  const timer = setInterval(() => {
    if (!db.open) return;
    let now: number;
    try {
      now = db.pragma('data_version', { simple: true }) as number;
    } catch {
      // Busy or closing: the next tick asks again.
      return;
    }
    if (now === last) return;
    last = now;
    fn({ version: now });
  }, intervalMs);
  // A watch must not keep a CLI process alive.
  timer.unref();
  return () => clearInterval(timer);
}
