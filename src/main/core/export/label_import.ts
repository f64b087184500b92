// Opening a label export (label_file.ts) in a project: its flags become flags, its review
// decisions review decisions, its imported positives imported positives again, each with its
// note, who, time, source and provenance, so the project's label model holds what the exporting
// one held. The file's dataset hash is checked against the open dataset's: when they match, the
// item indices are used; when they differ (or the file has none) every label is matched by item id
// (image id or path, caption id) and the result carries a warning saying so. Nothing is dropped
// silently: labels whose items the dataset lacks are counted and listed. A label already present
// (same origin: exporting store and label key) is skipped, so importing a file twice adds nothing.
import path from 'node:path';
import type { Dataset } from '../datasets/dataset.js';
import type { Db } from '../store/sqlite.js';
import { ensureLabelModel } from '../labels/label_model.js';
import { Lookup } from '../review/import_positives.js';
import type { LabelRow } from './formats/label_rows.js';
import { readLabelFile, type LabelFile } from './label_file.js';
import { FLAG_LABELS, FLAG_SOURCES } from '../../../shared/flags.js';

export interface LabelImportResult {
  file: string;
  format: LabelFile['format'];
  /** Labels added, by kind. */
  flags: number;
  reviews: number;
  imports: number;
  /** Labels the project already held (imported before). */
  alreadyPresent: number;
  /** Verified-positive rows read: derived from the labels, so not stored. */
  derived: number;
  unmatched: { count: number; examples: string[] };
  hashMatches: boolean;
  warnings: string[];
}

const REVIEW_FLAGS = new Set(['invalid_image', 'invalid_caption']);

export async function importLabelFile(ds: Dataset, db: Db, file: string, format: LabelFile['format']): Promise<LabelImportResult> {
  const lf = await readLabelFile(file, format);
  const base = path.basename(file);
  const hashMatches = lf.datasetHash === ds.hash;
  const warnings: string[] = [];
  if (lf.datasetHash == null) warnings.push(`${base} carries no dataset hash: its labels were matched to ${ds.name} by item id`);
  else if (!hashMatches) {
    const from = lf.meta.dataset_name ? ` (${lf.meta.dataset_name})` : '';
    warnings.push(`${base} was exported from a dataset${from} with hash ${lf.datasetHash}; ${ds.name} has hash ${ds.hash}: the files differ, so labels were matched by item id, not by index`);
  }
  const look = new Lookup(ds);
  const res: LabelImportResult = { file, format: lf.format, flags: 0, reviews: 0, imports: 0, alreadyPresent: 0, derived: 0, unmatched: { count: 0, examples: [] }, hashMatches, warnings };
  const miss = (r: Partial<LabelRow>, k: number, why: string): void => {
    res.unmatched.count++;
    if (res.unmatched.examples.length < 10) res.unmatched.examples.push(`row ${k + 1} (${r.label_key ?? r.kind}): ${why}`);
  };
  const resolve = (r: Partial<LabelRow>, modality: 'image' | 'caption'): number | null | string => {
    const index = modality === 'image' ? r.image_index : r.caption_index;
    const id = modality === 'image' ? r.image_id : r.caption_id;
    if (index == null && id == null) return null;
    const n = modality === 'image' ? ds.images.length : ds.captions.length;
    if (hashMatches && typeof index === 'number') return Number.isInteger(index) && index >= 0 && index < n ? index : `no ${modality} ${index}`;
    const found = modality === 'image' ? (look.image(id) ?? (r.image_path != null ? look.imageByPath.get(r.image_path) : undefined)) : look.caption(id);
    return found ?? `no ${modality} with id ${JSON.stringify(id ?? index)} in ${ds.name}`;
  };
  const originPrefix = lf.meta.store_uid ?? `${lf.datasetHash ?? 'export'}:${lf.meta.exported_at ?? base}`;
  const now = new Date().toISOString();
  ensureLabelModel(db);
  const insFlag = db.prepare(
    'INSERT OR IGNORE INTO flags(target, image_index, caption_index, modality, label, note, created_at, annotated, source, provenance, who, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insReview = db.prepare(
    'INSERT OR IGNORE INTO review_decisions(batch, image_index, caption_index, label, reviewer, seconds, cluster_id, at, undone, session, origin) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 0, NULL, ?)',
  );
  const insExtra = db.prepare('INSERT OR IGNORE INTO review_extra_positives(source, image_index, caption_index, label) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    const batch = ((db.prepare('SELECT MAX(batch) AS b FROM review_decisions').get() as { b: number | null }).b ?? 0) + 1;
    // Decisions in the order they were made, so the one in effect per pair stays the latest.
    const order = lf.rows.map((r, k) => [r, k] as const).sort((a, b) => (a[0].kind === 'review' && b[0].kind === 'review' ? (a[0].created_at ?? '').localeCompare(b[0].created_at ?? '') : 0));
    for (const [r, k] of order) {
      if (r.kind === 'verified') {
        res.derived++;
        continue;
      }
      if (r.kind !== 'flag' && r.kind !== 'review' && r.kind !== 'import') {
        miss(r, k, `unknown kind ${JSON.stringify(r.kind)}`);
        continue;
      }
      const image = resolve(r, 'image');
      const caption = resolve(r, 'caption');
      if (typeof image === 'string' || typeof caption === 'string') {
        miss(r, k, typeof image === 'string' ? image : (caption as string));
        continue;
      }
      const pair = r.target !== 'item';
      if (pair ? image == null || caption == null : (image == null) === (caption == null)) {
        miss(r, k, pair ? 'a pair label needs an image and a caption' : 'an item label names one image or one caption');
        continue;
      }
      const origin = r.origin ?? `${originPrefix}:${r.label_key}`;
      const annotated = pair ? (hashMatches && r.annotated != null ? r.annotated : ds.captions[caption!].imageIndex === image) : null;
      let added: number;
      if (r.kind === 'flag') {
        if (!r.flag || !(FLAG_LABELS as readonly string[]).includes(r.flag)) {
          miss(r, k, `flag ${JSON.stringify(r.flag)} is not one of ${FLAG_LABELS.join(', ')}`);
          continue;
        }
        const modality = pair ? null : image != null ? 'image' : 'caption';
        const src = (FLAG_SOURCES as readonly string[]).includes(r.source ?? '') ? r.source : 'click';
        added = insFlag.run(pair ? 'pair' : 'item', image, caption, modality, r.flag, r.note ?? '', r.created_at ?? now, annotated == null ? null : annotated ? 1 : 0, src, r.provenance ?? null, r.who ?? null, origin).changes;
        res.flags += added;
      } else if (r.kind === 'review') {
        const label = r.scale != null ? String(r.scale) : r.flag && REVIEW_FLAGS.has(r.flag) ? r.flag : null;
        if (!pair || !label || !['1', '2', '3', '4', 'invalid_image', 'invalid_caption'].includes(label)) {
          miss(r, k, 'a review decision is a pair with scale 1–4 or invalid_image/invalid_caption');
          continue;
        }
        const unit = /^unit (\d+)$/.exec(r.provenance ?? '');
        added = insReview.run(batch, image, caption, label, r.who?.trim() || 'unknown', unit ? Number(unit[1]) : null, r.created_at ?? now, origin).changes;
        res.reviews += added;
      } else {
        if (!pair) {
          miss(r, k, 'an imported positive is a pair');
          continue;
        }
        added = insExtra.run(r.provenance ?? base, image, caption, r.scale ?? 0).changes;
        res.imports += added;
      }
      if (!added) res.alreadyPresent++;
    }
  })();
  if (res.unmatched.count) warnings.push(`${res.unmatched.count} label(s) of ${base} were not imported (first: ${res.unmatched.examples.slice(0, 3).join('; ')})`);
  return res;
}
