// Export of flagged pairs and items to a standalone SQLite file (schema: docs/export-schema.md).
// Written to a temporary name and renamed (atomic_file.ts), so a crash never leaves a half file.
// Callers check the target with the path policy (core/io/path_policy.ts) first.
import type { Flag } from '../../../shared/flags.js';
import type { Dataset } from '../datasets/dataset.js';
import { openSqlite } from '../store/sqlite.js';
import { replaceAtomically } from './atomic_file.js';

export const EXPORT_SCHEMA_VERSION = 1;

export interface ExportProvenance {
  appVersion: string;
  /** The embedding space the flags were made in. */
  space: string;
}

export interface ExportCounts {
  flags: number;
  images: number;
  captions: number;
}

export function exportFlags(out: string, dataset: Dataset, flags: Flag[], prov: ExportProvenance): ExportCounts {
  return replaceAtomically(out, (tmp) => writeExport(tmp, dataset, flags, prov));
}

function writeExport(tmp: string, dataset: Dataset, flags: Flag[], prov: ExportProvenance): ExportCounts {
  const db = openSqlite(tmp);
  try {
    db.exec(`
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
      CREATE TABLE flags (
        id INTEGER PRIMARY KEY,
        target TEXT NOT NULL CHECK (target IN ('pair', 'item')),
        image_index INTEGER REFERENCES images(image_index),
        caption_index INTEGER REFERENCES captions(caption_index),
        label TEXT NOT NULL,
        note TEXT NOT NULL,
        annotated INTEGER,
        created_at TEXT NOT NULL
      );
      CREATE INDEX flags_pair ON flags(image_index, caption_index);
    `);
    const imgs = new Set<number>();
    const caps = new Set<number>();
    for (const f of flags) {
      if (f.target.kind === 'pair') {
        imgs.add(f.target.image);
        caps.add(f.target.caption);
      } else if (f.target.modality === 'image') imgs.add(f.target.index);
      else caps.add(f.target.index);
    }
    // A caption row names its annotated image, so that image is exported too.
    for (const c of caps) if (dataset.captions[c]) imgs.add(dataset.captions[c].imageIndex);
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
      const fi = db.prepare('INSERT INTO flags VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (const f of flags) {
        const image = f.target.kind === 'pair' ? f.target.image : f.target.modality === 'image' ? f.target.index : null;
        const caption = f.target.kind === 'pair' ? f.target.caption : f.target.modality === 'caption' ? f.target.index : null;
        fi.run(f.id, f.target.kind, image, caption, f.label, f.note, f.annotated == null ? null : f.annotated ? 1 : 0, f.createdAt);
      }
    })();
    db.pragma('journal_mode = DELETE');
    db.close();
    return { flags: flags.length, images: imgs.size, captions: caps.size };
  } finally {
    if (db.open) db.close();
  }
}
