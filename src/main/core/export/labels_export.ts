// Export of every label (flags, review decisions, imported positives: the label model) with the
// items they touch, their provenance and the dataset hash, to a standalone SQLite file (schema:
// docs/export-schema.md). Written to a temporary name and renamed, so a crash never leaves a
// half file. Exporting nothing is refused: an empty file looks like a success and is not one.
import type { Dataset } from '../datasets/dataset.js';
import type { ExportResult } from '../../../shared/api.js';
import { replaceAtomically } from './atomic_file.js';
import { openSqlite } from '../store/sqlite.js';
import type { PairLabel } from '../labels/label_model.js';

/** 2: one `labels` table for flags, review decisions and imports, with provenance; `flags` is a view. */
export const EXPORT_SCHEMA_VERSION = 2;

export interface ExportProvenance {
  appVersion: string;
  /** The embedding space the map and neighbours came from. */
  space: string;
}

/** What an export wrote, by kind: the API's ExportResult without its path and download link. */
export type ExportCounts = Omit<ExportResult, 'path' | 'downloadUrl'>;

export class NothingToExportError extends Error {
  constructor(datasetName: string) {
    super(`nothing to export from ${datasetName}: it has no flags, review decisions or imported positives yet (flag a pair in Inspect, or review a unit)`);
    this.name = 'NothingToExportError';
  }
}

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
    source TEXT NOT NULL CHECK (source IN ('click', 'review', 'lasso', 'import')),
    provenance TEXT,
    annotated INTEGER
  );
  CREATE INDEX labels_pair ON labels(image_index, caption_index);
  CREATE VIEW flags AS
    SELECT CAST(substr(label_key, 6) AS INTEGER) AS id, target, image_index, caption_index, flag AS label, note, annotated, created_at
    FROM labels WHERE kind = 'flag';
`;

export function exportLabels(out: string, dataset: Dataset, labels: readonly PairLabel[], prov: ExportProvenance): ExportCounts {
  if (!labels.length) throw new NothingToExportError(dataset.name);
  // Temp file + fsync + one rename (atomic_file.ts); leftovers of a killed export are removed later.
  return replaceAtomically(out, (tmp) => writeLabels(tmp, dataset, labels, prov));
}

function writeLabels(tmp: string, dataset: Dataset, labels: readonly PairLabel[], prov: ExportProvenance): ExportCounts {
  const db = openSqlite(tmp);
  try {
    db.exec(SCHEMA);
    const imgs = new Set<number>();
    const caps = new Set<number>();
    for (const l of labels) {
      if (l.image != null) imgs.add(l.image);
      if (l.caption != null) caps.add(l.caption);
    }
    // A caption row names its annotated image, so that image is exported too.
    for (const c of caps) if (dataset.captions[c]) imgs.add(dataset.captions[c].imageIndex);
    const counts: ExportCounts = { labels: labels.length, flags: 0, reviews: 0, imports: 0, images: imgs.size, captions: caps.size };
    for (const l of labels) counts[l.kind === 'flag' ? 'flags' : l.kind === 'review' ? 'reviews' : 'imports']++;
    const meta: Record<string, string> = {
      schema_version: String(EXPORT_SCHEMA_VERSION),
      app: 'multiplicity-lens',
      app_version: prov.appVersion,
      dataset_hash: dataset.hash,
      dataset_root: dataset.root,
      dataset_name: dataset.name,
      dataset_format: dataset.format,
      space: prov.space,
      exported_at: new Date().toISOString(),
      labels: String(counts.labels),
      flags: String(counts.flags),
      reviews: String(counts.reviews),
      imports: String(counts.imports),
    };
    db.transaction(() => {
      const m = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)');
      for (const [k, v] of Object.entries(meta)) m.run(k, v);
      const ii = db.prepare('INSERT INTO images VALUES (?, ?, ?, ?)');
      for (const i of [...imgs].sort((a, b) => a - b)) {
        const im = dataset.images[i];
        if (im) ii.run(i, im.id, im.path, im.split);
      }
      const ci = db.prepare('INSERT INTO captions VALUES (?, ?, ?, ?, ?)');
      for (const c of [...caps].sort((a, b) => a - b)) {
        const cap = dataset.captions[c];
        if (cap) ci.run(c, cap.id, cap.text, cap.imageIndex, cap.split);
      }
      const li = db.prepare(
        'INSERT INTO labels(label_key, kind, target, image_index, caption_index, scale, flag, note, who, created_at, source, provenance, annotated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const l of labels) {
        const cap = l.target === 'pair' && l.caption != null ? dataset.captions[l.caption] : undefined;
        const annotated = l.annotated ?? (cap && l.image != null ? cap.imageIndex === l.image : null);
        li.run(l.key, l.kind, l.target, l.image, l.caption, l.scale, l.flag, l.note, l.who, l.at, l.source, l.provenance, annotated == null ? null : annotated ? 1 : 0);
      }
    })();
    db.pragma('journal_mode = DELETE');
    db.close();
    return counts;
  } finally {
    if (db.open) db.close();
  }
}
