// One entry for every file a researcher brings back to a project (`mlens import`, the API's
// importPositives): a label export (SQLite, Parquet, CSV, JSONL: label_import.ts restores its
// flags, review decisions and imports) or a positives file (ECCV Caption JSON, CxC CSV,
// positives.jsonl: review/import_positives.ts, stored as imported positives under the file's name).
import { basename } from 'node:path';
import type { Dataset } from '../datasets/dataset.js';
import type { ReviewStore } from '../review/review_store.js';
import { importPositivesFile, type ImportOptions } from '../review/import_positives.js';
import type { ImportResultView } from '../../../shared/views/review.js';
import { isLabelExport } from './label_file.js';
import { importLabelFile } from './label_import.js';

export interface ImportedFile extends ImportResultView {
  /** eccv-json, cxc-csv, positives-jsonl, or the label export's format. */
  format: string;
}

export async function importIntoProject(ds: Dataset, reviews: ReviewStore, file: string, opts: ImportOptions & { source?: string } = {}): Promise<ImportedFile> {
  const labelFormat = opts.format ? null : isLabelExport(file);
  if (labelFormat) {
    const r = await importLabelFile(ds, reviews.db, file, labelFormat);
    return {
      source: basename(file),
      format: r.format,
      pairs: r.flags + r.reviews + r.imports,
      skipped: r.unmatched.count,
      problems: r.unmatched.examples,
      labels: { flags: r.flags, reviews: r.reviews, imports: r.imports, alreadyPresent: r.alreadyPresent },
      warnings: r.warnings,
    };
  }
  const r = importPositivesFile(file, ds, opts);
  const source = opts.source ?? basename(file);
  reviews.setExtraPositives(source, r.pairs);
  return { source, format: r.format, pairs: r.pairs.length, skipped: r.unmatched.count, problems: r.unmatched.examples, warnings: [] };
}
