// The SQLite export (schema: docs/export-schema.md): items the labels touch, the labels with
// their provenance, the verified positive pairs, and a meta table with the dataset hash.
import type { Dataset } from '../../datasets/dataset.js';
import { openSqlite } from '../../store/sqlite.js';
import type { LabelRow } from './label_rows.js';

/** 2: one `labels` table with provenance, `flags` a view. 3: `labels.origin`, `verified_positives`. */
export const EXPORT_SCHEMA_VERSION = 3;

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE images (
    image_index INTEGER PRIMARY KEY,
    dataset_id TEXT NOT NULL,
    path TEXT NOT NULL,
    split TEXT
  );
  CREATE TABLE captions (
    caption_index INTEGER PRIMARY KEY,
    dataset_id TEXT NOT NULL,
    text TEXT NOT NULL,
    annotated_image_index INTEGER NOT NULL,
    split TEXT
  );
  CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    label_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('flag', 'review', 'import')),
    target TEXT NOT NULL CHECK (target IN ('pair', 'item')),
    image_index INTEGER REFERENCES images(image_index),
    caption_index INTEGER REFERENCES captions(caption_index),
    scale INTEGER CHECK (scale BETWEEN 1 AND 4),
    flag TEXT,
    note TEXT NOT NULL,
    who TEXT,
    created_at TEXT,
    source TEXT NOT NULL CHECK (source IN ('click', 'review', 'lasso', 'import', 'rule')),
    provenance TEXT,
    annotated INTEGER,
    origin TEXT
  );
  CREATE INDEX labels_pair ON labels(image_index, caption_index);
  CREATE VIEW flags AS
    SELECT CAST(substr(label_key, 6) AS INTEGER) AS id, target, image_index, caption_index, flag AS label, note, annotated, created_at
    FROM labels WHERE kind = 'flag';
  CREATE TABLE verified_positives (
    caption_index INTEGER NOT NULL,
    image_index INTEGER NOT NULL,
    caption_id TEXT NOT NULL,
    image_id TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('annotated', 'dataset', 'review', 'import', 'flag')),
    PRIMARY KEY (caption_index, image_index)
  ) WITHOUT ROWID;
`;

export function writeSqlite(tmp: string, ds: Dataset, rows: readonly LabelRow[], meta: Record<string, string>): void {
  const db = openSqlite(tmp);
  try {
    db.exec(SCHEMA);
    const labels = rows.filter((r) => r.kind !== 'verified');
    const imgs = new Set<number>();
    const caps = new Set<number>();
    for (const l of labels) {
      if (l.image_index != null) imgs.add(l.image_index);
      if (l.caption_index != null) caps.add(l.caption_index);
    }
    // A caption row names its annotated image, so that image is exported too.
    for (const c of caps) if (ds.captions[c]) imgs.add(ds.captions[c].imageIndex);
    db.transaction(() => {
      const m = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)');
      for (const [k, v] of Object.entries({ schema_version: String(EXPORT_SCHEMA_VERSION), ...meta })) m.run(k, v);
      const ii = db.prepare('INSERT INTO images VALUES (?, ?, ?, ?)');
      for (const i of [...imgs].sort((a, b) => a - b)) {
        const im = ds.images[i];
        if (im) ii.run(i, im.id, im.path, im.split);
      }
      const ci = db.prepare('INSERT INTO captions VALUES (?, ?, ?, ?, ?)');
      for (const c of [...caps].sort((a, b) => a - b)) {
        const cap = ds.captions[c];
        if (cap) ci.run(c, cap.id, cap.text, cap.imageIndex, cap.split);
      }
      const li = db.prepare(
        'INSERT INTO labels(label_key, kind, target, image_index, caption_index, scale, flag, note, who, created_at, source, provenance, annotated, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const vi = db.prepare('INSERT INTO verified_positives VALUES (?, ?, ?, ?, ?)');
      for (const l of rows) {
        if (l.kind === 'verified') vi.run(l.caption_index, l.image_index, l.caption_id, l.image_id, l.source);
        else li.run(l.label_key, l.kind, l.target, l.image_index, l.caption_index, l.scale, l.flag, l.note, l.who, l.created_at, l.source, l.provenance, l.annotated == null ? null : l.annotated ? 1 : 0, l.origin);
      }
    })();
    db.pragma('journal_mode = DELETE');
    db.close();
  } finally {
    if (db.open) db.close();
  }
}
