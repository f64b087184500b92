// Flags and reviews made while a dataset folder was read-only live in the fallback store under the
// app data dir. Once the folder is writable again the in-folder store is used, so without a merge
// that work would silently vanish from the project (and from every export). This copies it in.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../../../shared/dataset.js';
import { claimSession } from './session_claim.js';
import { ProjectStore, accessWritable, fallbackProjectDir, type WritableCheck } from './project_store.js';

export interface MergeResult {
  /** Flags in effect and decisions not undone that were added now (0 when already merged). */
  flags: number;
  decisions: number;
  /** Every row added, withdrawn flags and undone decisions included (kept for the record). */
  rows: number;
  extraPositives: number;
  fallbackFile: string;
}

/**
 * Copies the fallback store's flags, review decisions and imported positives into `target`.
 * Idempotent: each copied row carries `origin` = "<fallback store uid>:<row id>" under a unique
 * index, so a second merge adds nothing. Undo history is not carried over: those sessions ended.
 * Mining results are not copied either; they are recomputed from the reviews by the next `mine`.
 */
export function mergeFallbackStore(target: ProjectStore, fallbackFile: string): MergeResult {
  const out: MergeResult = { flags: 0, decisions: 0, rows: 0, extraPositives: 0, fallbackFile };
  if (!existsSync(fallbackFile)) return out;
  const source = new ProjectStore(fallbackFile);
  try {
    const uid = source.uid;
    if (uid === target.uid) return out;
    const db = target.db;
    db.exec(`ATTACH DATABASE ${quote(fallbackFile)} AS fb`);
    try {
      const tx = db.transaction(() => {
        const fresh = (table: string, kind: string, live: string): number =>
          (
            db
              .prepare(`SELECT COUNT(*) AS n FROM fb.${table} f WHERE ${live} AND NOT EXISTS (SELECT 1 FROM main.${table} m WHERE m.origin = COALESCE(f.origin, ? || ':${kind}:' || f.id))`)
              .get(uid) as { n: number }
          ).n;
        out.flags = fresh('flags', 'flag', 'f.active = 1');
        out.decisions = fresh('review_decisions', 'decision', 'f.undone = 0');
        out.rows += db
          .prepare(
            `INSERT OR IGNORE INTO flags(target, image_index, caption_index, modality, label, note, created_at, annotated, active, origin)
             SELECT target, image_index, caption_index, modality, label, note, created_at, annotated, active, COALESCE(origin, ? || ':flag:' || id)
             FROM fb.flags ORDER BY id`,
          )
          .run(uid).changes;
        // Each fallback batch becomes one new batch here, after every existing one.
        const base = (db.prepare('SELECT COALESCE(MAX(batch), 0) AS b FROM main.review_decisions').get() as { b: number }).b;
        out.rows += db
          .prepare(
            `INSERT OR IGNORE INTO review_decisions(batch, image_index, caption_index, label, reviewer, seconds, cluster_id, at, undone, session, origin)
             SELECT ? + batch, image_index, caption_index, label, reviewer, seconds, NULL, at, undone, NULL, COALESCE(origin, ? || ':decision:' || id)
             FROM fb.review_decisions ORDER BY id`,
          )
          .run(base, uid).changes;
        out.extraPositives = db
          .prepare('INSERT OR IGNORE INTO review_extra_positives(source, image_index, caption_index, label) SELECT source, image_index, caption_index, label FROM fb.review_extra_positives')
          .run().changes;
        const now = new Date().toISOString();
        db.prepare(
          `INSERT INTO merged_stores(store_uid, path, merged_at, flags, decisions) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(store_uid) DO UPDATE SET path = excluded.path, merged_at = excluded.merged_at,
             flags = merged_stores.flags + excluded.flags, decisions = merged_stores.decisions + excluded.decisions`,
        ).run(uid, fallbackFile, now, out.flags, out.decisions);
      });
      tx.immediate();
    } finally {
      db.exec('DETACH DATABASE fb');
    }
    source.setMeta('merged_into', target.file);
    source.setMeta('merged_at', new Date().toISOString());
    return out;
  } finally {
    source.close();
  }
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export interface OpenedStore {
  store: ProjectStore;
  dir: string;
  /** Notes for the user (merged fallback work, a schema upgrade), shown with the open result. */
  notices: Problem[];
}

/**
 * Opens the project store of a dataset where it belongs, and merges the fallback store into the
 * in-folder one when the folder is writable (again). `isWritable` decides what "writable" means
 * (default: the OS's access check).
 */
export function openProjectStore(
  datasetRoot: string,
  dataDir: string,
  opts: { isWritable?: WritableCheck; session?: string; /** resume this app's undo session (session_claim.ts) */ claimSessionIn?: string } = {},
): OpenedStore {
  const isWritable = opts.isWritable ?? accessWritable;
  const inside = join(datasetRoot, '.mlens');
  const fallback = fallbackProjectDir(datasetRoot, dataDir);
  const writable = isWritable(inside);
  const dir = writable ? inside : fallback;
  const file = join(dir, 'project.sqlite');
  const session = opts.session ?? (opts.claimSessionIn ? claimSession(opts.claimSessionIn, file) : undefined);
  const store = new ProjectStore(file, { session });
  const notices: Problem[] = [];
  const storeName = '.mlens/project.sqlite';
  if (store.migrated.length && store.migrated[0] > 1) {
    notices.push({ severity: 'warning', file: writable ? storeName : store.file, message: `project store upgraded to schema version ${store.migrated[store.migrated.length - 1]} (from ${store.migrated[0] - 1})` });
  }
  if (!writable) {
    notices.push({ severity: 'warning', file: datasetRoot, message: `the dataset folder is read-only; flags and reviews are kept in ${store.file} and will be merged into the folder once it is writable` });
    return { store, dir, notices };
  }
  try {
    const r = mergeFallbackStore(store, join(fallback, 'project.sqlite'));
    if (r.rows || r.extraPositives) {
      notices.push({
        severity: 'warning',
        file: storeName,
        message: `merged ${r.flags} flag${r.flags === 1 ? '' : 's'}, ${r.decisions} review decision${r.decisions === 1 ? '' : 's'} and ${r.extraPositives} imported positive pair${r.extraPositives === 1 ? '' : 's'} made while the folder was read-only (from ${r.fallbackFile}; that store is now marked merged)`,
      });
    }
  } catch (err) {
    // The in-folder store is fine; the user keeps working and learns the fallback is still apart.
    notices.push({ severity: 'error', file: join(fallback, 'project.sqlite'), message: `could not merge the read-only period's flags and reviews: ${(err as Error).message}; they are still in that file` });
  }
  return { store, dir, notices };
}
