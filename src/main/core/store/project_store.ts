// The project store: one SQLite file per dataset (DESIGN.md). Every flag is written the moment
// it is made, in WAL mode with synchronous=FULL, so it survives a crash or a SIGKILL.
// Undo and redo are an action log in the same file, scoped to the session (this ProjectStore
// instance) that acted: several processes may hold one store, and none takes back another's work.
import { mkdirSync, accessSync, constants } from 'node:fs';
import { join, dirname } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import type { Flag, FlagLabel, FlagSource, FlagTarget } from '../../../shared/flags.js';
import { openSqlite, type Db } from './sqlite.js';
import { migrate } from './migrations.js';
import { watchStoreChanges, type StoreChangeListener } from './change_watch.js';

interface FlagRow {
  id: number;
  target: 'pair' | 'item';
  image_index: number | null;
  caption_index: number | null;
  modality: 'image' | 'caption' | null;
  label: FlagLabel;
  note: string;
  created_at: string;
  annotated: number | null;
  source: FlagSource;
  provenance: string | null;
  who: string | null;
}

/** What addFlags records about where flags came from (a click in Inspect, a lasso selection, …). */
export interface FlagOrigin {
  source?: FlagSource;
  /** The lasso selection, import file, … the flag came from. */
  provenance?: string | null;
  who?: string | null;
}

export interface FlagInput {
  target: FlagTarget;
  label: FlagLabel;
  note?: string;
  annotated?: boolean | null;
}

function rowToFlag(r: FlagRow): Flag {
  const target: FlagTarget =
    r.target === 'pair'
      ? { kind: 'pair', image: r.image_index!, caption: r.caption_index! }
      : { kind: 'item', modality: r.modality!, index: (r.modality === 'image' ? r.image_index : r.caption_index)! };
  return {
    id: r.id,
    target,
    label: r.label,
    note: r.note,
    createdAt: r.created_at,
    annotated: r.annotated == null ? null : r.annotated === 1,
    source: r.source,
    provenance: r.provenance,
    who: r.who,
  };
}

/** Decides whether a folder can take the project store; tests may pass their own. */
export type WritableCheck = (dir: string) => boolean;

/** mkdir + access(W_OK): what the OS says for this user (root passes it on any folder). */
export const accessWritable: WritableCheck = (dir) => {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** The fallback store's folder under the app data dir, keyed by the dataset path. */
export function fallbackProjectDir(datasetRoot: string, dataDir: string): string {
  const key = createHash('sha256').update(datasetRoot).digest('hex').slice(0, 16);
  return join(dataDir, 'projects', key);
}

/** Where a dataset's project store lives: inside the dataset when writable, else in the app data dir. */
export function projectDir(datasetRoot: string, dataDir: string, isWritable: WritableCheck = accessWritable): string {
  const inside = join(datasetRoot, '.mlens');
  if (isWritable(inside)) return inside;
  const dir = fallbackProjectDir(datasetRoot, dataDir);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface ProjectStoreOptions {
  /** Resume a session's undo history (default: a new session). */
  session?: string;
}

export class ProjectStore {
  readonly db: Db;
  /** This instance's session: undo and redo touch only the actions made under it. */
  readonly session: string;
  /** Schema versions this open applied (empty when the file was current). */
  readonly migrated: number[];
  private stopWatch: (() => void) | null = null;

  constructor(
    readonly file: string,
    opts: ProjectStoreOptions = {},
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.session = opts.session ?? randomUUID();
    this.db = openSqlite(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    try {
      this.migrated = migrate(this.db, file);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /** The store's permanent id (set by the ladder; survives copies of the file's rows elsewhere). */
  get uid(): string {
    return this.getMeta('store_uid')!;
  }

  /**
   * Calls `fn` whenever another connection (another process, or another store object) commits to
   * this file, by polling PRAGMA data_version, which changes only for other connections' commits.
   * Returns a function that stops watching; close() stops it too.
   */
  watchChanges(fn: StoreChangeListener, intervalMs = 250): () => void {
    this.stopWatch?.();
    const stop = watchStoreChanges(this.db, fn, intervalMs);
    this.stopWatch = () => {
      stop();
      this.stopWatch = null;
    };
    return this.stopWatch;
  }

  getMeta(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  listFlags(): Flag[] {
    const rows = this.db.prepare('SELECT * FROM flags WHERE active = 1 ORDER BY id').all() as FlagRow[];
    return rows.map(rowToFlag);
  }

  addFlag(target: FlagTarget, label: FlagLabel, note = '', annotated: boolean | null = null, origin: FlagOrigin = {}): Flag {
    return this.addFlags([{ target, label, note, annotated }], origin)[0];
  }

  /** Several flags in one transaction and one undo step (a lasso selection); durable on return. */
  addFlags(list: readonly FlagInput[], origin: FlagOrigin = {}): Flag[] {
    if (!list.length) return [];
    const now = new Date().toISOString();
    const insert = this.db.prepare(
      'INSERT INTO flags(target, image_index, caption_index, modality, label, note, created_at, annotated, source, provenance, who) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const action = this.db.prepare("INSERT INTO actions(kind, flag_id, at, batch, session) VALUES ('add', ?, ?, ?, ?)");
    const tx = this.db.transaction(() => {
      this.db.prepare('DELETE FROM actions WHERE undone = 1 AND session = ?').run(this.session);
      const batch = ((this.db.prepare('SELECT MAX(batch) AS b FROM actions').get() as { b: number | null }).b ?? 0) + 1;
      // In a batch (a selection), a target already flagged (active) with the same label is skipped, so a
      // selection flagged twice is not doubled. A single flag (a click) is always added, without the read.
      const key = (t: string, i: number | null, c: number | null, m: string | null, l: string): string => `${t}|${i ?? ''}|${c ?? ''}|${m ?? ''}|${l}`;
      const have = new Set(
        list.length > 1
          ? (this.db.prepare('SELECT target, image_index, caption_index, modality, label FROM flags WHERE active = 1').all() as Array<{ target: string; image_index: number | null; caption_index: number | null; modality: string | null; label: string }>).map((r) =>
              key(r.target, r.image_index, r.caption_index, r.modality, r.label),
            )
          : [],
      );
      const ids: number[] = [];
      for (const { target, label, note, annotated } of list) {
        const image = target.kind === 'pair' ? target.image : target.modality === 'image' ? target.index : null;
        const caption = target.kind === 'pair' ? target.caption : target.modality === 'caption' ? target.index : null;
        const modality = target.kind === 'item' ? target.modality : null;
        const k = key(target.kind, image, caption, modality, label);
        if (have.has(k)) continue;
        have.add(k);
        const info = insert.run(target.kind, image, caption, modality, label, note ?? '', now, annotated == null ? null : annotated ? 1 : 0, origin.source ?? 'click', origin.provenance ?? null, origin.who ?? null);
        const id = Number(info.lastInsertRowid);
        action.run(id, now, batch, this.session);
        ids.push(id);
      }
      return ids;
    });
    const ids = tx();
    const get = this.db.prepare('SELECT * FROM flags WHERE id = ?');
    return ids.map((id) => rowToFlag(get.get(id) as FlagRow));
  }

  removeFlag(id: number): boolean {
    const tx = this.db.transaction(() => {
      const r = this.db.prepare('UPDATE flags SET active = 0 WHERE id = ? AND active = 1').run(id);
      if (r.changes === 0) return false;
      this.db.prepare('DELETE FROM actions WHERE undone = 1 AND session = ?').run(this.session);
      this.db.prepare("INSERT INTO actions(kind, flag_id, at, session) VALUES ('remove', ?, ?, ?)").run(id, new Date().toISOString(), this.session);
      return true;
    });
    return tx();
  }

  canUndo(): boolean {
    return this.db.prepare('SELECT 1 FROM actions WHERE undone = 0 AND session = ? LIMIT 1').get(this.session) !== undefined;
  }

  canRedo(): boolean {
    return this.db.prepare('SELECT 1 FROM actions WHERE undone = 1 AND session = ? LIMIT 1').get(this.session) !== undefined;
  }

  undo(): boolean {
    const tx = this.db.transaction(() => {
      const last = this.db.prepare('SELECT id, batch FROM actions WHERE undone = 0 AND session = ? ORDER BY id DESC LIMIT 1').get(this.session) as { id: number; batch: number | null } | undefined;
      if (!last) return false;
      for (const a of this.batchActions(last, 0)) {
        this.db.prepare('UPDATE flags SET active = ? WHERE id = ?').run(a.kind === 'add' ? 0 : 1, a.flag_id);
        this.db.prepare('UPDATE actions SET undone = 1 WHERE id = ?').run(a.id);
      }
      return true;
    });
    return tx();
  }

  redo(): boolean {
    const tx = this.db.transaction(() => {
      const first = this.db.prepare('SELECT id, batch FROM actions WHERE undone = 1 AND session = ? ORDER BY id ASC LIMIT 1').get(this.session) as { id: number; batch: number | null } | undefined;
      if (!first) return false;
      for (const a of this.batchActions(first, 1)) {
        this.db.prepare('UPDATE flags SET active = ? WHERE id = ?').run(a.kind === 'add' ? 1 : 0, a.flag_id);
        this.db.prepare('UPDATE actions SET undone = 0 WHERE id = ?').run(a.id);
      }
      return true;
    });
    return tx();
  }

  /**
   * When this session's last flag action still in effect was made (ISO), if it added flags of
   * `source` (a same-text acceptance: 'rule'); null otherwise. `undo()` then takes that batch back.
   */
  lastBatchOfSourceAt(source: FlagSource): string | null {
    const r = this.db
      .prepare('SELECT a.at AS at, f.source AS source, a.kind AS kind FROM actions a JOIN flags f ON f.id = a.flag_id WHERE a.undone = 0 AND a.session = ? ORDER BY a.id DESC LIMIT 1')
      .get(this.session) as { at: string; source: string; kind: string } | undefined;
    return r && r.kind === 'add' && r.source === source ? r.at : null;
  }

  /** The actions undone or redone together with `a`: its whole batch (one action when it has none). */
  private batchActions(a: { id: number; batch: number | null }, undone: 0 | 1): { id: number; kind: 'add' | 'remove'; flag_id: number }[] {
    if (a.batch == null) return this.db.prepare('SELECT id, kind, flag_id FROM actions WHERE id = ?').all(a.id) as { id: number; kind: 'add' | 'remove'; flag_id: number }[];
    return this.db.prepare('SELECT id, kind, flag_id FROM actions WHERE batch = ? AND undone = ? AND session = ? ORDER BY id').all(a.batch, undone, this.session) as { id: number; kind: 'add' | 'remove'; flag_id: number }[];
  }

  close(): void {
    this.stopWatch?.();
    if (this.db.open) this.db.close();
  }
}
