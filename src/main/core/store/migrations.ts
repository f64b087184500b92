// The one migration ladder of project.sqlite: every table of the file (flags and their undo log,
// mining results, review decisions, imported positives, merge bookkeeping) is created or changed
// here, in order, keyed by PRAGMA user_version. A store from any earlier version opens and climbs
// the remaining steps in one IMMEDIATE transaction, so two processes opening one old store cannot
// both migrate it, and a crash mid-way leaves the old version intact.
import type { Db } from './sqlite.js';

export interface Migration {
  version: number;
  /** What the step gives the user, for the log and the docs. */
  what: string;
  up(db: Db): void;
}

/** True when `table` has a column named `column` (ALTER TABLE ADD COLUMN is not idempotent). */
function hasColumn(db: Db, table: string, column: string): boolean {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some((c) => c.name === column);
}

function addColumn(db: Db, table: string, column: string, type: string): void {
  if (!hasColumn(db, table, column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'flags, their undo log and key/value meta',
    up(db) {
      db.exec(`
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
        CREATE TABLE IF NOT EXISTS actions (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL CHECK (kind IN ('add', 'remove')),
          flag_id INTEGER NOT NULL REFERENCES flags(id),
          undone INTEGER NOT NULL DEFAULT 0,
          at TEXT NOT NULL
        );
      `);
    },
  },
  {
    // Version 1 stores may already hold these tables: the review store used to create them
    // unversioned with CREATE TABLE IF NOT EXISTS, so this step adopts them as they are.
    version: 2,
    what: 'mining runs, candidates, clusters, review decisions and imported positives',
    up(db) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS mining_runs (
          id INTEGER PRIMARY KEY,
          created_at TEXT NOT NULL,
          spaces TEXT NOT NULL,
          params TEXT NOT NULL,
          platt TEXT NOT NULL,
          classifier TEXT,
          n_candidates INTEGER NOT NULL,
          n_clusters INTEGER NOT NULL,
          seconds REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS mining_candidates (
          image_index INTEGER NOT NULL,
          caption_index INTEGER NOT NULL,
          run_id INTEGER NOT NULL,
          sources INTEGER NOT NULL,
          agreement INTEGER NOT NULL,
          rrf REAL NOT NULL,
          z_mean REAL NOT NULL,
          margin REAL NOT NULL,
          lev INTEGER NOT NULL,
          tau_img REAL NOT NULL,
          tau_txt REAL NOT NULL,
          prior REAL NOT NULL,
          p REAL NOT NULL,
          cluster_id INTEGER,
          scores BLOB NOT NULL,
          ranks BLOB NOT NULL,
          PRIMARY KEY (caption_index, image_index)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS mining_candidates_image ON mining_candidates(image_index);
        CREATE INDEX IF NOT EXISTS mining_candidates_cluster ON mining_candidates(cluster_id);
        CREATE TABLE IF NOT EXISTS mining_clusters (
          id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('block', 'caption_card', 'image_card')),
          position INTEGER NOT NULL,
          served_by TEXT NOT NULL CHECK (served_by IN ('priority', 'uncertainty')),
          priority REAL NOT NULL,
          expected_valid REAL NOT NULL,
          uncertainty REAL NOT NULL,
          cost_seconds REAL NOT NULL,
          captions TEXT NOT NULL,
          images TEXT NOT NULL,
          reference_images TEXT NOT NULL,
          n_pairs INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS mining_clusters_position ON mining_clusters(position);
        CREATE TABLE IF NOT EXISTS review_decisions (
          id INTEGER PRIMARY KEY,
          batch INTEGER NOT NULL,
          image_index INTEGER NOT NULL,
          caption_index INTEGER NOT NULL,
          label TEXT NOT NULL CHECK (label IN ('1', '2', '3', '4', 'invalid_image', 'invalid_caption')),
          reviewer TEXT NOT NULL,
          seconds REAL,
          cluster_id INTEGER,
          at TEXT NOT NULL,
          undone INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS review_decisions_pair ON review_decisions(caption_index, image_index);
        CREATE INDEX IF NOT EXISTS review_decisions_batch ON review_decisions(batch);
        CREATE TABLE IF NOT EXISTS review_extra_positives (
          source TEXT NOT NULL,
          image_index INTEGER NOT NULL,
          caption_index INTEGER NOT NULL,
          label INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (source, caption_index, image_index)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    // Undo is per session: two processes on one store must not take back each other's work.
    // Rows written before this step have no session; no later session undoes them.
    version: 3,
    what: 'undo scoped to the session that acted',
    up(db) {
      addColumn(db, 'actions', 'session', 'TEXT');
      addColumn(db, 'review_decisions', 'session', 'TEXT');
      db.exec(`
        CREATE INDEX IF NOT EXISTS actions_session ON actions(session, undone);
        CREATE INDEX IF NOT EXISTS review_decisions_session ON review_decisions(session, undone, batch);
      `);
    },
  },
  {
    // A store gets a permanent id, and copied rows remember where they came from, so merging a
    // fallback store twice adds nothing the second time.
    version: 4,
    what: 'merging a fallback store made while the folder was read-only',
    up(db) {
      addColumn(db, 'flags', 'origin', 'TEXT');
      addColumn(db, 'review_decisions', 'origin', 'TEXT');
      db.exec(`
        CREATE UNIQUE INDEX IF NOT EXISTS flags_origin ON flags(origin) WHERE origin IS NOT NULL;
        CREATE UNIQUE INDEX IF NOT EXISTS review_decisions_origin ON review_decisions(origin) WHERE origin IS NOT NULL;
        CREATE TABLE IF NOT EXISTS merged_stores (
          store_uid TEXT PRIMARY KEY,
          path TEXT NOT NULL,
          merged_at TEXT NOT NULL,
          flags INTEGER NOT NULL,
          decisions INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO meta(key, value) VALUES ('store_uid', lower(hex(randomblob(16))));
      `);
    },
  },
  {
    // The one label model: a flag says where it came from (a click, a lasso selection) and who made
    // it; flags made together (a selection) share an action batch, so one undo takes them back whole.
    version: 5,
    what: 'flag provenance and batch undo (the label model)',
    up(db) {
      addColumn(db, 'flags', 'source', "TEXT NOT NULL DEFAULT 'click'");
      addColumn(db, 'flags', 'provenance', 'TEXT');
      addColumn(db, 'flags', 'who', 'TEXT');
      addColumn(db, 'actions', 'batch', 'INTEGER');
      db.exec('DROP VIEW IF EXISTS pair_labels');
    },
  },
  {
    // Calibration checks (mining/checks.ts): review units of random candidate pairs, served
    // between the queue's units. SQLite cannot widen a CHECK constraint in place, so the table is
    // rebuilt with every row kept.
    version: 6,
    what: "review units of kind 'check' (calibration checks)",
    up(db) {
      db.exec(`
        CREATE TABLE mining_clusters_v6 (
          id INTEGER PRIMARY KEY,
          run_id INTEGER NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('block', 'caption_card', 'image_card', 'check')),
          position INTEGER NOT NULL,
          served_by TEXT NOT NULL CHECK (served_by IN ('priority', 'uncertainty', 'check')),
          priority REAL NOT NULL,
          expected_valid REAL NOT NULL,
          uncertainty REAL NOT NULL,
          cost_seconds REAL NOT NULL,
          captions TEXT NOT NULL,
          images TEXT NOT NULL,
          reference_images TEXT NOT NULL,
          n_pairs INTEGER NOT NULL
        );
        INSERT INTO mining_clusters_v6 (id, run_id, kind, position, served_by, priority, expected_valid, uncertainty, cost_seconds, captions, images, reference_images, n_pairs)
          SELECT id, run_id, kind, position, served_by, priority, expected_valid, uncertainty, cost_seconds, captions, images, reference_images, n_pairs FROM mining_clusters;
        DROP TABLE mining_clusters;
        ALTER TABLE mining_clusters_v6 RENAME TO mining_clusters;
        CREATE INDEX IF NOT EXISTS mining_clusters_position ON mining_clusters(position);
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export class StoreVersionError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
  ) {
    super(`${file}: the project store is at schema version ${found}, newer than this app knows (${SCHEMA_VERSION}); update the app, nothing was changed`);
    this.name = 'StoreVersionError';
  }
}

/** Climbs the ladder from the file's user_version; returns the versions applied (empty when current). */
export function migrate(db: Db, file = db.name): number[] {
  const current = (): number => db.pragma('user_version', { simple: true }) as number;
  if (current() === SCHEMA_VERSION) return [];
  const run = db.transaction((): number[] => {
    // Read again inside the lock: another process may have migrated in between.
    const from = current();
    if (from > SCHEMA_VERSION) throw new StoreVersionError(file, from);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      m.up(db);
      applied.push(m.version);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return applied;
  });
  return run.immediate();
}
