// Reading a label export back (export/labels_export.ts): SQLite (schemas 1–3), Parquet, CSV or
// JSONL, all into the same rows (export/formats/label_rows.ts LabelRow) with the dataset hash the
// file was made from. CxC CSV, ECCV JSON and positives.jsonl are not label exports: their reader
// is review/import_positives.ts; isLabelExport tells the two apart by extension and header.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { parseCsv, CsvSyntaxError } from '../io/csv.js';
import { openSqlite, type Db } from '../store/sqlite.js';
import { ImportError } from '../review/import_positives.js';
import { INT_COLUMNS, LABEL_COLUMNS, type LabelRow } from './formats/label_rows.js';

export interface LabelFile {
  format: 'sqlite' | 'parquet' | 'csv' | 'jsonl';
  rows: Partial<LabelRow>[];
  /** The hash of the dataset the file was exported from (null when the file carries none). */
  datasetHash: string | null;
  /** meta of a SQLite or Parquet export (dataset name, export time, store id). */
  meta: Record<string, string>;
}

function head(file: string, bytes: number): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Whether `file` is a label export (as opposed to an ECCV/CxC/positives.jsonl positives file). */
export function isLabelExport(file: string): LabelFile['format'] | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet') return 'parquet';
  let start: string;
  try {
    start = head(file, 4096);
  } catch {
    return null;
  }
  if (start.startsWith('SQLite format 3\0')) return 'sqlite';
  const first = start.split(/\r?\n/).find((l) => l.trim()) ?? '';
  if (ext === '.csv') {
    const cols = first.split(',').map((c) => c.trim().toLowerCase());
    return cols.includes('kind') && cols.includes('label_key') ? 'csv' : null;
  }
  if (ext === '.jsonl') return /"label_key"\s*:/.test(first) && /"kind"\s*:/.test(first) ? 'jsonl' : null;
  return null;
}

function fromText(v: string, col: keyof LabelRow): unknown {
  if (col === 'note') return v;
  if (v === '') return null;
  if (INT_COLUMNS.has(col)) return Number(v);
  if (col === 'annotated') return v === 'true' || v === '1';
  return v;
}

function readCsvRows(file: string): Partial<LabelRow>[] {
  let records;
  try {
    records = parseCsv(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new ImportError(file, `row ${e.line}: ${e.message}`, e.line);
    throw new ImportError(file, `cannot read: ${(e as Error).message}`);
  }
  const header = (records[0]?.fields ?? []).map((h) => h.trim()) as Array<keyof LabelRow>;
  return records.slice(1).map(({ fields, line }) => {
    if (fields.length !== header.length) throw new ImportError(file, `row ${line}: ${fields.length} fields, the header has ${header.length}`, line);
    const row: Record<string, unknown> = {};
    header.forEach((h, k) => (row[h] = fromText(fields[k], h)));
    return row as Partial<LabelRow>;
  });
}

function readJsonlRows(file: string): Partial<LabelRow>[] {
  const rows: Partial<LabelRow>[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, k) => {
      if (!line.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch (e) {
        throw new ImportError(file, `malformed JSON: ${(e as Error).message}`, k + 1);
      }
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ImportError(file, 'expected an object (one label per line)', k + 1);
      rows.push(v as Partial<LabelRow>);
    });
  return rows;
}

async function readParquetRows(file: string): Promise<{ rows: Partial<LabelRow>[]; meta: Record<string, string> }> {
  try {
    const buf = await asyncBufferFromFile(file);
    const md = await parquetMetadataAsync(buf);
    const meta = Object.fromEntries((md.key_value_metadata ?? []).map((kv) => [kv.key, kv.value ?? '']));
    const raw = (await parquetReadObjects({ file: buf, metadata: md })) as Array<Record<string, unknown>>;
    const rows = raw.map((r) => {
      const o: Record<string, unknown> = {};
      for (const c of LABEL_COLUMNS) if (c in r) o[c] = typeof r[c] === 'bigint' ? Number(r[c]) : (r[c] ?? (c === 'note' ? '' : null));
      return o as Partial<LabelRow>;
    });
    return { rows, meta };
  } catch (e) {
    throw new ImportError(file, `not a readable Parquet label export: ${(e as Error).message}`);
  }
}

function readSqliteRows(file: string): { rows: Partial<LabelRow>[]; meta: Record<string, string> } {
  let db: Db;
  try {
    db = openSqlite(file, { readonly: true });
  } catch (e) {
    throw new ImportError(file, `cannot open as SQLite: ${(e as Error).message}`);
  }
  try {
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").all() as Array<{ name: string }>).map((r) => r.name));
    if (!tables.has('meta') || (!tables.has('labels') && !tables.has('flags'))) throw new ImportError(file, 'not a label export: it has no meta and labels tables (export one with mlens export)');
    const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    const items = `LEFT JOIN images i ON i.image_index = l.image_index LEFT JOIN captions c ON c.caption_index = l.caption_index`;
    const ids = 'i.dataset_id AS image_id, i.path AS image_path, c.dataset_id AS caption_id, c.text AS caption_text';
    let rows: Array<Record<string, unknown>>;
    if (tables.has('labels')) {
      const cols = new Set((db.prepare('PRAGMA table_info(labels)').all() as Array<{ name: string }>).map((r) => r.name));
      const origin = cols.has('origin') ? 'l.origin' : 'NULL';
      rows = db
        .prepare(
          `SELECT l.kind, l.label_key, ${origin} AS origin, l.target, l.image_index, l.caption_index, ${ids}, l.scale, l.flag, l.note, l.who, l.created_at, l.source, l.provenance, l.annotated FROM labels l ${items} ORDER BY l.id`,
        )
        .all() as Array<Record<string, unknown>>;
    } else {
      // Schema 1: flags only.
      rows = db
        .prepare(`SELECT 'flag' AS kind, 'flag:' || l.id AS label_key, l.target, l.image_index, l.caption_index, ${ids}, l.label AS flag, l.note, l.created_at, 'click' AS source, l.annotated FROM flags l ${items} ORDER BY l.id`)
        .all() as Array<Record<string, unknown>>;
    }
    for (const r of rows) r.annotated = r.annotated == null ? null : r.annotated === 1;
    return { rows: rows as Partial<LabelRow>[], meta };
  } finally {
    db.close();
  }
}

export async function readLabelFile(file: string, format: LabelFile['format']): Promise<LabelFile> {
  let rows: Partial<LabelRow>[];
  let meta: Record<string, string> = {};
  if (format === 'sqlite') ({ rows, meta } = readSqliteRows(file));
  else if (format === 'parquet') ({ rows, meta } = await readParquetRows(file));
  else if (format === 'csv') rows = readCsvRows(file);
  else rows = readJsonlRows(file);
  const datasetHash = meta.dataset_hash ?? rows.find((r) => r.dataset_hash)?.dataset_hash ?? null;
  return { format, rows, datasetHash, meta };
}
