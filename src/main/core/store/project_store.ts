// The project store: one SQLite file per dataset (DESIGN.md). Every flag is written the moment
// it is made, in WAL mode with synchronous=FULL, so it survives a crash or a SIGKILL.
// Undo and redo are an action log in the same file, so they survive a restart too.
import { mkdirSync, accessSync, constants } from 'node:fs';
import { join, dirname } from 'node:path';
import { createHash } from 'node:crypto';
import type { Flag, FlagLabel, FlagSource, FlagTarget } from '../../../shared/flags.js';
import { openSqlite, type Db } from './sqlite.js';

// 2: flags gain where they came from (source, provenance) and who made them; a batch of flags
// (a lasso selection) shares an action batch, so one undo takes it back whole.
const SCHEMA_VERSION = 2;

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

/** Where a dataset's project store lives: inside the dataset when writable, else in the app data dir. */
export function projectDir(datasetRoot: string, dataDir: string): string {
  const inside = join(datasetRoot, '.mlens');
  try {
    mkdirSync(inside, { recursive: true });
    accessSync(inside, constants.W_OK);
    return inside;
  } catch {
    const key = createHash('sha256').update(datasetRoot).digest('hex').slice(0, 16);
    const dir = join(dataDir, 'projects', key);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
}

export class ProjectStore {
  readonly db: Db;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = openSqlite(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    if (version < 1) this.createV1();
    this.db.exec(`
      ALTER TABLE flags ADD COLUMN source TEXT NOT NULL DEFAULT 'click';
      ALTER TABLE flags ADD COLUMN provenance TEXT;
      ALTER TABLE flags ADD COLUMN who TEXT;
      ALTER TABLE actions ADD COLUMN batch INTEGER;
      DROP VIEW IF EXISTS pair_labels;
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  private createV1(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS flags (
        id INTEGER PRIMARY KEY,
        target TEXT NOT NULL CHECK (target IN ('pair', 'item')),
        image_index INTEGER,
        caption_index INTEGER,
        modality TEXT CHECK (modality IN ('image', 'caption')),
        label TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        annotated INTEGER,
        active INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX IF NOT EXISTS flags_active ON flags(active);
      -- The undo log: 'add' and 'remove' actions on flags; undone=1 ones form the redo stack.
      CREATE TABLE IF NOT EXISTS actions (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('add', 'remove')),
        flag_id INTEGER NOT NULL REFERENCES flags(id),
        undone INTEGER NOT NULL DEFAULT 0,
        at TEXT NOT NULL
      );
      PRAGMA user_version = 1;
    `);
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
    const action = this.db.prepare("INSERT INTO actions(kind, flag_id, at, batch) VALUES ('add', ?, ?, ?)");
    const tx = this.db.transaction(() => {
      this.db.prepare('DELETE FROM actions WHERE undone = 1').run();
      const batch = ((this.db.prepare('SELECT MAX(batch) AS b FROM actions').get() as { b: number | null }).b ?? 0) + 1;
      return list.map(({ target, label, note, annotated }) => {
        const image = target.kind === 'pair' ? target.image : target.modality === 'image' ? target.index : null;
        const caption = target.kind === 'pair' ? target.caption : target.modality === 'caption' ? target.index : null;
        const info = insert.run(
          target.kind,
          image,
          caption,
          target.kind === 'item' ? target.modality : null,
          label,
          note ?? '',
          now,
          annotated == null ? null : annotated ? 1 : 0,
          origin.source ?? 'click',
          origin.provenance ?? null,
          origin.who ?? null,
        );
        const id = Number(info.lastInsertRowid);
        action.run(id, now, batch);
        return id;
      });
    });
    const ids = tx();
    const get = this.db.prepare('SELECT * FROM flags WHERE id = ?');
    return ids.map((id) => rowToFlag(get.get(id) as FlagRow));
  }

  removeFlag(id: number): boolean {
    const tx = this.db.transaction(() => {
      const r = this.db.prepare('UPDATE flags SET active = 0 WHERE id = ? AND active = 1').run(id);
      if (r.changes === 0) return false;
      this.db.prepare('DELETE FROM actions WHERE undone = 1').run();
      this.db.prepare("INSERT INTO actions(kind, flag_id, at) VALUES ('remove', ?, ?)").run(id, new Date().toISOString());
      return true;
    });
    return tx();
  }

  canUndo(): boolean {
    return this.db.prepare('SELECT 1 FROM actions WHERE undone = 0 LIMIT 1').get() !== undefined;
  }

  canRedo(): boolean {
    return this.db.prepare('SELECT 1 FROM actions WHERE undone = 1 LIMIT 1').get() !== undefined;
  }

  undo(): boolean {
    const tx = this.db.transaction(() => {
      const last = this.db.prepare('SELECT id, batch FROM actions WHERE undone = 0 ORDER BY id DESC LIMIT 1').get() as { id: number; batch: number | null } | undefined;
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
      const first = this.db.prepare('SELECT id, batch FROM actions WHERE undone = 1 ORDER BY id ASC LIMIT 1').get() as { id: number; batch: number | null } | undefined;
      if (!first) return false;
      for (const a of this.batchActions(first, 1)) {
        this.db.prepare('UPDATE flags SET active = ? WHERE id = ?').run(a.kind === 'add' ? 1 : 0, a.flag_id);
        this.db.prepare('UPDATE actions SET undone = 0 WHERE id = ?').run(a.id);
      }
      return true;
    });
    return tx();
  }

  /** The actions undone or redone together with `a`: its whole batch (one action when it has none). */
  private batchActions(a: { id: number; batch: number | null }, undone: 0 | 1): { id: number; kind: 'add' | 'remove'; flag_id: number }[] {
    if (a.batch == null) return this.db.prepare('SELECT id, kind, flag_id FROM actions WHERE id = ?').all(a.id) as { id: number; kind: 'add' | 'remove'; flag_id: number }[];
    return this.db.prepare('SELECT id, kind, flag_id FROM actions WHERE batch = ? AND undone = ? ORDER BY id').all(a.batch, undone) as { id: number; kind: 'add' | 'remove'; flag_id: number }[];
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
