// A map selection (lasso or marquee) written for a notebook: one row per selected item (kind,
// index, dataset id, image path or caption text, annotated image, split, map x/y), and the labels
// on the selection. SQLite: the label export's schema (formats/sqlite.ts: meta, images, captions,
// labels, verified_positives) restricted to the selection, plus a `selection` table of the items;
// Parquet and CSV: the `selection` table alone (Parquet carries the dataset hash in its metadata).
// Every file is written to a temporary name, fsynced and renamed (atomic_file.ts).
import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Dataset } from '../datasets/dataset.js';
import { csvLine } from '../io/csv.js';
import { replaceAtomically } from '../io/atomic_file.js';
import type { PairLabel } from '../labels/label_model.js';
import { openSqlite } from '../store/sqlite.js';
import { labelRows, verifiedPairs } from './formats/label_rows.js';
import { exportMeta } from './labels_export.js';
import { EXPORT_SCHEMA_VERSION, writeSqlite } from './formats/sqlite.js';

export type SelectionFormat = 'sqlite' | 'parquet' | 'csv';

export const SELECTION_COLUMNS = ['kind', 'item_index', 'dataset_id', 'image_path', 'caption_text', 'annotated_image_index', 'split', 'x', 'y'] as const;
type SelectionRow = { kind: 'image' | 'caption'; item_index: number; dataset_id: string; image_path: string | null; caption_text: string | null; annotated_image_index: number | null; split: string | null; x: number | null; y: number | null };

export interface SelectionCounts {
  images: number;
  captions: number;
  /** Annotated pairs with both ends selected. */
  pairs: number;
  labels: number;
  coordinates: boolean;
}

export class EmptySelectionError extends Error {
  constructor() {
    super('the selection is empty: lasso or marquee some points on the map first');
    this.name = 'EmptySelectionError';
  }
}

function selectionRows(ds: Dataset, images: readonly number[], captions: readonly number[], xy: Float32Array | null): SelectionRow[] {
  const nI = ds.images.length;
  const at = (point: number, axis: 0 | 1): number | null => (xy ? xy[2 * point + axis] : null);
  const rows: SelectionRow[] = [];
  for (const i of images) {
    const im = ds.images[i];
    if (im) rows.push({ kind: 'image', item_index: i, dataset_id: im.id, image_path: im.path, caption_text: null, annotated_image_index: null, split: im.split ?? null, x: at(i, 0), y: at(i, 1) });
  }
  for (const c of captions) {
    const cap = ds.captions[c];
    if (cap) rows.push({ kind: 'caption', item_index: c, dataset_id: cap.id, image_path: null, caption_text: cap.text, annotated_image_index: cap.imageIndex, split: cap.split ?? null, x: at(nI + c, 0), y: at(nI + c, 1) });
  }
  return rows;
}

/**
 * Writes the selection to `out`. `xy`: the map's coordinates (images then captions), or null when
 * no map is cached (x and y are then empty). Labels kept: item labels on a selected item and pair
 * labels and verified pairs with both ends selected.
 */
export function exportSelection(
  out: string,
  ds: Dataset,
  sel: { images: readonly number[]; captions: readonly number[] },
  labels: readonly PairLabel[],
  xy: Float32Array | null,
  prov: { format: SelectionFormat; appVersion: string; space: string },
): SelectionCounts {
  const images = [...new Set(sel.images)].filter((i) => i < ds.images.length).sort((a, b) => a - b);
  const captions = [...new Set(sel.captions)].filter((c) => c < ds.captions.length).sort((a, b) => a - b);
  if (!images.length && !captions.length) throw new EmptySelectionError();
  const imgSet = new Set(images);
  const capSet = new Set(captions);
  const inside = (image: number | null, caption: number | null): boolean => (image == null || imgSet.has(image)) && (caption == null || capSet.has(caption));
  const kept = labels.filter((l) => inside(l.image, l.caption));
  const pairs = captions.filter((c) => imgSet.has(ds.captions[c].imageIndex)).length;
  const rows = selectionRows(ds, images, captions, xy);
  const counts: SelectionCounts = { images: images.length, captions: captions.length, pairs, labels: kept.length, coordinates: xy != null };
  const meta: Record<string, string> = {
    ...exportMeta(ds, prov),
    content: 'map selection',
    selection_images: String(images.length),
    selection_captions: String(captions.length),
    labels: String(kept.length),
  };
  if (prov.format === 'sqlite') {
    const verified = verifiedPairs(ds, labels).filter((p) => inside(p.image, p.caption));
    replaceAtomically(out, (tmp) => {
      writeSqlite(tmp, ds, labelRows(ds, kept, null, verified), meta);
      const db = openSqlite(tmp);
      try {
        db.exec(`CREATE TABLE selection (
          kind TEXT NOT NULL CHECK (kind IN ('image', 'caption')),
          item_index INTEGER NOT NULL,
          dataset_id TEXT NOT NULL,
          image_path TEXT,
          caption_text TEXT,
          annotated_image_index INTEGER,
          split TEXT,
          x REAL,
          y REAL,
          PRIMARY KEY (kind, item_index)
        ) WITHOUT ROWID`);
        const ins = db.prepare(`INSERT INTO selection VALUES (${SELECTION_COLUMNS.map(() => '?').join(', ')})`);
        db.transaction(() => {
          for (const r of rows) ins.run(...SELECTION_COLUMNS.map((c) => r[c]));
        })();
        db.pragma('journal_mode = DELETE');
      } finally {
        db.close();
      }
    });
  } else if (prov.format === 'parquet') {
    const columnData = SELECTION_COLUMNS.map((c) => ({
      name: c,
      data: rows.map((r) => r[c]),
      type: c === 'item_index' || c === 'annotated_image_index' ? 'INT32' : c === 'x' || c === 'y' ? 'FLOAT' : 'STRING',
      nullable: true,
    }));
    const kvMetadata = Object.entries({ schema_version: String(EXPORT_SCHEMA_VERSION), ...meta }).map(([key, value]) => ({ key, value }));
    const buf = Buffer.from(parquetWriteBuffer({ columnData, kvMetadata } as Parameters<typeof parquetWriteBuffer>[0]));
    replaceAtomically(out, (tmp) => writeFileSync(tmp, buf));
  } else {
    const lines = [csvLine(SELECTION_COLUMNS as unknown as string[]), ...rows.map((r) => csvLine(SELECTION_COLUMNS.map((c) => r[c])))];
    replaceAtomically(out, (tmp) => writeFileSync(tmp, `${lines.join('\n')}\n`));
  }
  return counts;
}
