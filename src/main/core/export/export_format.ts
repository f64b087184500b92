// Which format an export writes: named (`--format`, the API's `format`) or read from the file's
// extension; and which files it writes (ECCV Caption writes two). The path policy checks each.
import path from 'node:path';
import { EXPORT_FORMATS, type ExportFormat } from '../../../shared/labels.js';
import { eccvImageToCaptionPath } from './formats/positives.js';

export { EXPORT_FORMATS, type ExportFormat };

/** The extensions each format's file may have (the first is the default). */
export const FORMAT_EXTENSIONS: Record<ExportFormat, readonly string[]> = {
  sqlite: ['.sqlite', '.sqlite3', '.db'],
  parquet: ['.parquet'],
  csv: ['.csv'],
  jsonl: ['.jsonl'],
  cxc: ['.csv'],
  eccv: ['.json'],
};

export class ExportFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportFormatError';
  }
}

export function isExportFormat(v: unknown): v is ExportFormat {
  return typeof v === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v);
}

/**
 * The format of an export to `file`: `named` when given (the extension must fit it), else the one
 * the extension says (.csv is the labels table; CxC needs --format cxc).
 */
export function exportFormatFor(file: string, named?: string): ExportFormat {
  const ext = path.extname(file).toLowerCase();
  if (named !== undefined) {
    if (!isExportFormat(named)) throw new ExportFormatError(`unknown export format ${JSON.stringify(named)}: expected one of ${EXPORT_FORMATS.join(', ')}`);
    if (!FORMAT_EXTENSIONS[named].includes(ext)) throw new ExportFormatError(`${file}: a ${named} export is named ${FORMAT_EXTENSIONS[named].join(' or ')}`);
    return named;
  }
  const found = (Object.keys(FORMAT_EXTENSIONS) as ExportFormat[]).find((f) => f !== 'cxc' && FORMAT_EXTENSIONS[f].includes(ext));
  if (!found) throw new ExportFormatError(`${file}: cannot tell the export format from "${ext || '(no extension)'}"; name the file .sqlite, .parquet, .csv, .jsonl or .json, or pass --format`);
  return found;
}

/** Every file an export to `file` writes (the ECCV format adds the image→caption file beside it). */
export function exportFiles(file: string, format: ExportFormat): string[] {
  return format === 'eccv' ? [file, eccvImageToCaptionPath(file)] : [file];
}

/** A default file name for an export made without one. */
export function defaultExportName(format: ExportFormat, stamp: string): string {
  if (format === 'eccv') return `verified-${stamp}_caption_to_image.json`;
  if (format === 'cxc') return `verified-${stamp}-cxc.csv`;
  return `labels-${stamp}${FORMAT_EXTENSIONS[format][0]}`;
}
