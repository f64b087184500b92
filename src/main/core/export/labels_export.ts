// Export of every label (flags, review decisions, imported positives: the label model) and the
// verified positives, with the items they touch, their provenance and the dataset hash, in the
// format asked for (export_format.ts): SQLite (schema: docs/export-schema.md), Parquet, CSV or
// JSONL (one table, formats/tables.ts), or the verified positives alone as a CxC-style CSV or
// ECCV Caption JSON (formats/positives.ts). Every file is written to a temporary name, fsynced and
// renamed (atomic_file.ts), so a crash never leaves a half file. Exporting nothing is refused: an
// empty file looks like a success and is not one.
import { writeFileSync } from 'node:fs';
import type { Dataset } from '../datasets/dataset.js';
import type { ExportResult } from '../../../shared/api.js';
import { replaceAtomically } from '../io/atomic_file.js';
import type { PairLabel } from '../labels/label_model.js';
import { exportFiles, type ExportFormat } from './export_format.js';
import { labelRows, verifiedPairs } from './formats/label_rows.js';
import { EXPORT_SCHEMA_VERSION, writeSqlite } from './formats/sqlite.js';
import { labelsCsv, labelsJsonl, labelsParquet } from './formats/tables.js';
import { cxcCsv, eccvJson } from './formats/positives.js';

export { EXPORT_SCHEMA_VERSION };

export interface ExportProvenance {
  appVersion: string;
  /** The embedding space the map and neighbours came from. */
  space: string;
  /** The exporting project store's id: a label's origin, so a re-import never adds it twice. */
  storeUid?: string | null;
  format?: ExportFormat;
}

/** What an export wrote, by kind: the API's ExportResult without its path and download link. */
export type ExportCounts = Omit<ExportResult, 'path' | 'downloadUrl'>;

export class NothingToExportError extends Error {
  constructor(datasetName: string) {
    super(`nothing to export from ${datasetName}: it has no flags, review decisions or imported positives yet (flag a pair in Inspect, or review a unit)`);
    this.name = 'NothingToExportError';
  }
}

function writeFile(out: string, data: Buffer): void {
  replaceAtomically(out, (tmp) => writeFileSync(tmp, data));
}

/** The provenance every export's `meta` table starts with: app, version, dataset, space, time. */
export function exportMeta(ds: Pick<Dataset, 'hash' | 'root' | 'name' | 'format'>, prov: { appVersion: string; space: string }): Record<string, string> {
  return {
    app: 'multiplicity-lens',
    app_version: prov.appVersion,
    dataset_hash: ds.hash,
    dataset_root: ds.root,
    dataset_name: ds.name,
    dataset_format: ds.format,
    space: prov.space,
    exported_at: new Date().toISOString(),
  };
}

export function exportLabels(out: string, ds: Dataset, labels: readonly PairLabel[], prov: ExportProvenance): ExportCounts {
  if (!labels.length) throw new NothingToExportError(ds.name);
  const format = prov.format ?? 'sqlite';
  const verified = verifiedPairs(ds, labels);
  const rows = labelRows(ds, labels, prov.storeUid ?? null, verified);
  const counts: ExportCounts = { labels: labels.length, flags: 0, reviews: 0, imports: 0, images: 0, captions: 0, format, positives: verified.length, files: exportFiles(out, format), warnings: [] };
  for (const l of labels) counts[l.kind === 'flag' ? 'flags' : l.kind === 'review' ? 'reviews' : 'imports']++;
  const imgs = new Set<number>();
  const caps = new Set<number>();
  for (const l of labels) {
    if (l.image != null) imgs.add(l.image);
    if (l.caption != null) caps.add(l.caption);
  }
  // A caption names its annotated image, so that image is exported too.
  for (const c of caps) if (ds.captions[c]) imgs.add(ds.captions[c].imageIndex);
  counts.images = imgs.size;
  counts.captions = caps.size;
  const meta: Record<string, string> = {
    ...exportMeta(ds, prov),
    labels: String(counts.labels),
    flags: String(counts.flags),
    reviews: String(counts.reviews),
    imports: String(counts.imports),
    positives: String(verified.length),
  };
  if (prov.storeUid) meta.store_uid = prov.storeUid;
  if (format === 'sqlite') {
    // Temp file + fsync + one rename (atomic_file.ts); leftovers of a killed export are removed later.
    replaceAtomically(out, (tmp) => writeSqlite(tmp, ds, rows, meta));
  } else if (format === 'parquet') writeFile(out, labelsParquet(rows, { schema_version: String(EXPORT_SCHEMA_VERSION), ...meta }));
  else if (format === 'csv') writeFile(out, labelsCsv(rows));
  else if (format === 'jsonl') writeFile(out, labelsJsonl(rows));
  else if (format === 'cxc') writeFile(out, cxcCsv(ds, verified));
  else {
    const e = eccvJson(ds, verified);
    const [t2iFile, i2tFile] = counts.files!;
    writeFile(t2iFile, e.t2i);
    writeFile(i2tFile, e.i2t);
    counts.warnings = e.warnings;
  }
  return counts;
}
