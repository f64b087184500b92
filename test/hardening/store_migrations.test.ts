// One migration ladder for project.sqlite. A store written by the previous version (its exact DDL
// below: flags and undo log at user_version 1, and the review store's tables created unversioned
// by CREATE TABLE IF NOT EXISTS) must open, keep every row, and climb to the current version in
// one step; a store from a newer app is refused untouched.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { openSqlite } from '../../src/main/core/store/sqlite.js';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { ReviewStore } from '../../src/main/core/review/review_store.js';
import { MIGRATIONS, SCHEMA_VERSION, StoreVersionError } from '../../src/main/core/store/migrations.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-migrate-');
afterAll(() => tmp.cleanup());

// The previous version's project_store.ts migrate() (SCHEMA_VERSION = 1).
const OLD_STORE_DDL = `
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
  PRAGMA user_version = 1;
`;

// The previous version's review_store.ts SCHEMA (no version of its own).
const OLD_REVIEW_DDL = `
  CREATE TABLE IF NOT EXISTS mining_runs (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, spaces TEXT NOT NULL, params TEXT NOT NULL, platt TEXT NOT NULL, classifier TEXT, n_candidates INTEGER NOT NULL, n_clusters INTEGER NOT NULL, seconds REAL NOT NULL);
  CREATE TABLE IF NOT EXISTS mining_candidates (image_index INTEGER NOT NULL, caption_index INTEGER NOT NULL, run_id INTEGER NOT NULL, sources INTEGER NOT NULL, agreement INTEGER NOT NULL, rrf REAL NOT NULL, z_mean REAL NOT NULL, margin REAL NOT NULL, lev INTEGER NOT NULL, tau_img REAL NOT NULL, tau_txt REAL NOT NULL, prior REAL NOT NULL, p REAL NOT NULL, cluster_id INTEGER, scores BLOB NOT NULL, ranks BLOB NOT NULL, PRIMARY KEY (caption_index, image_index)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS mining_candidates_image ON mining_candidates(image_index);
  CREATE INDEX IF NOT EXISTS mining_candidates_cluster ON mining_candidates(cluster_id);
  CREATE TABLE IF NOT EXISTS mining_clusters (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('block', 'caption_card', 'image_card')), position INTEGER NOT NULL, served_by TEXT NOT NULL CHECK (served_by IN ('priority', 'uncertainty')), priority REAL NOT NULL, expected_valid REAL NOT NULL, uncertainty REAL NOT NULL, cost_seconds REAL NOT NULL, captions TEXT NOT NULL, images TEXT NOT NULL, reference_images TEXT NOT NULL, n_pairs INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS mining_clusters_position ON mining_clusters(position);
  CREATE TABLE IF NOT EXISTS review_decisions (id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, image_index INTEGER NOT NULL, caption_index INTEGER NOT NULL, label TEXT NOT NULL CHECK (label IN ('1', '2', '3', '4', 'invalid_image', 'invalid_caption')), reviewer TEXT NOT NULL, seconds REAL, cluster_id INTEGER, at TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0);
  CREATE INDEX IF NOT EXISTS review_decisions_pair ON review_decisions(caption_index, image_index);
  CREATE INDEX IF NOT EXISTS review_decisions_batch ON review_decisions(batch);
  CREATE TABLE IF NOT EXISTS review_extra_positives (source TEXT NOT NULL, image_index INTEGER NOT NULL, caption_index INTEGER NOT NULL, label INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (source, caption_index, image_index)) WITHOUT ROWID;
`;

function oldStore(name: string, withReviews: boolean): string {
  const file = join(tmp.dir, name, 'project.sqlite');
  // Made with the previous code's statements, in its order: store first, review tables later.
  mkdirSync(join(tmp.dir, name), { recursive: true });
  const db = openSqlite(file);
  db.pragma('journal_mode = WAL');
  db.exec(OLD_STORE_DDL);
  db.prepare("INSERT INTO meta(key, value) VALUES ('dataset_hash', 'abc123')").run();
  db.prepare("INSERT INTO flags(target, image_index, caption_index, modality, label, note, created_at, annotated) VALUES ('pair', 3, 7, NULL, 'false_negative', 'kept', '2026-01-01T00:00:00Z', 0)").run();
  db.prepare("INSERT INTO flags(target, image_index, caption_index, modality, label, note, created_at, annotated, active) VALUES ('item', 2, NULL, 'image', 'invalid_item', '', '2026-01-01T00:00:01Z', NULL, 0)").run();
  db.prepare("INSERT INTO actions(kind, flag_id, at) VALUES ('add', 1, '2026-01-01T00:00:00Z')").run();
  if (withReviews) {
    db.exec(OLD_REVIEW_DDL);
    db.prepare("INSERT INTO review_decisions(batch, image_index, caption_index, label, reviewer, seconds, cluster_id, at) VALUES (1, 4, 5, '2', 'ann', 3.5, NULL, '2026-01-02T00:00:00Z')").run();
    db.prepare("INSERT INTO review_extra_positives(source, image_index, caption_index, label) VALUES ('eccv.json', 1, 2, 1)").run();
    db.prepare("INSERT INTO mining_clusters(id, run_id, kind, position, served_by, priority, expected_valid, uncertainty, cost_seconds, captions, images, reference_images, n_pairs) VALUES (7, 1, 'block', 0, 'priority', 0.5, 2, 0.25, 11, '[5]', '[4]', '[]', 1)").run();
  }
  db.close();
  return file;
}

describe('the project store migration ladder', () => {
  it('is one ordered list, each step one version up', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  for (const withReviews of [true, false]) {
    it(`opens a previous-version store ${withReviews ? 'with' : 'without'} the unversioned review tables and keeps every row`, () => {
      const file = oldStore(withReviews ? 'old-reviews' : 'old-flags', withReviews);
      const store = new ProjectStore(file);
      expect(store.migrated).toEqual([2, 3, 4, 5, 6]);
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(store.getMeta('dataset_hash')).toBe('abc123');
      expect(store.uid).toMatch(/^[0-9a-f]{32}$/);
      expect(store.listFlags()).toEqual([
        { id: 1, target: { kind: 'pair', image: 3, caption: 7 }, label: 'false_negative', note: 'kept', createdAt: '2026-01-01T00:00:00Z', annotated: false, source: 'click', provenance: null, who: null },
      ]);
      // The old undo log has no session: no new session can take it back.
      expect(store.canUndo()).toBe(false);
      const reviews = new ReviewStore(store.db, store.session);
      if (withReviews) {
        expect(reviews.effectiveDecisions().map((d) => [d.image, d.caption, d.label, d.reviewer, d.seconds])).toEqual([[4, 5, 2, 'ann', 3.5]]);
        expect(reviews.extraPositives()).toEqual([{ source: 'eccv.json', image: 1, caption: 2, label: 1 }]);
        // The review queue outlives the rebuild that lets it hold calibration checks (version 6).
        expect(store.db.prepare('SELECT id, kind, position, served_by, captions FROM mining_clusters').all()).toEqual([{ id: 7, kind: 'block', position: 0, served_by: 'priority', captions: '[5]' }]);
        store.db.prepare("INSERT INTO mining_clusters(run_id, kind, position, served_by, priority, expected_valid, uncertainty, cost_seconds, captions, images, reference_images, n_pairs) VALUES (1, 'check', 1, 'check', 0, 0, 0, 8, '[1]', '[2]', '[]', 1)").run();
        expect(() => store.db.prepare("INSERT INTO mining_clusters(run_id, kind, position, served_by, priority, expected_valid, uncertainty, cost_seconds, captions, images, reference_images, n_pairs) VALUES (1, 'nonsense', 2, 'check', 0, 0, 0, 8, '[1]', '[2]', '[]', 1)").run()).toThrow(/CHECK constraint/);
        const indexes = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'mining_clusters'").all() as { name: string }[]).map((r) => r.name);
        expect(indexes).toContain('mining_clusters_position');
      } else {
        expect(reviews.effectiveDecisions()).toEqual([]);
      }
      // The migrated store takes new work in every table.
      const f = store.addFlag({ kind: 'pair', image: 0, caption: 1 }, 'ambiguous');
      reviews.record({ image: 0, caption: 1, label: 4, reviewer: 'bob' });
      expect(store.canUndo()).toBe(true);
      expect(reviews.canUndo()).toBe(true);
      store.close();

      const again = new ProjectStore(file);
      expect(again.migrated).toEqual([]);
      expect(again.listFlags().map((x) => x.id)).toEqual([1, f.id]);
      expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
      again.close();
    });
  }

  it('creates a new store at the current version in one go', () => {
    const store = new ProjectStore(join(tmp.dir, 'new', 'project.sqlite'));
    expect(store.migrated).toEqual([1, 2, 3, 4, 5, 6]);
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['actions', 'flags', 'merged_stores', 'meta', 'mining_candidates', 'mining_clusters', 'mining_runs', 'review_decisions', 'review_extra_positives']);
    store.close();
  });

  it('refuses a store from a newer app without touching it', () => {
    const file = join(tmp.dir, 'newer', 'project.sqlite');
    new ProjectStore(file).close();
    const db = openSqlite(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const before = readFileSync(file);
    expect(() => new ProjectStore(file)).toThrow(StoreVersionError);
    expect(() => new ProjectStore(file)).toThrow(`schema version ${SCHEMA_VERSION + 1}, newer than this app knows (${SCHEMA_VERSION}); update the app, nothing was changed`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
