// The label rows (label_rows.ts) as one table in the formats notebooks read directly: CSV
// (RFC 4180, a header row), JSONL (one object per row) and Parquet (typed, nullable columns; the
// dataset hash and schema version also in the file's key-value metadata).
import { parquetWriteBuffer } from 'hyparquet-writer';
import { csvLine } from '../../io/csv.js';
import { INT_COLUMNS, LABEL_COLUMNS, type LabelRow } from './label_rows.js';

export function labelsCsv(rows: readonly LabelRow[]): Buffer {
  const lines = [csvLine(LABEL_COLUMNS as string[])];
  for (const r of rows) lines.push(csvLine(LABEL_COLUMNS.map((c) => r[c])));
  return Buffer.from(`${lines.join('\n')}\n`);
}

export function labelsJsonl(rows: readonly LabelRow[]): Buffer {
  const lines = rows.map((r) => JSON.stringify(Object.fromEntries(LABEL_COLUMNS.map((c) => [c, r[c]]))));
  return Buffer.from(lines.length ? `${lines.join('\n')}\n` : '');
}

export function labelsParquet(rows: readonly LabelRow[], meta: Record<string, string>): Buffer {
  const columnData = LABEL_COLUMNS.map((c) => ({
    name: c,
    data: rows.map((r) => r[c]),
    type: INT_COLUMNS.has(c) ? 'INT32' : c === 'annotated' ? 'BOOLEAN' : 'STRING',
    nullable: true,
  }));
  const kvMetadata = Object.entries(meta).map(([key, value]) => ({ key, value }));
  return Buffer.from(parquetWriteBuffer({ columnData, kvMetadata } as Parameters<typeof parquetWriteBuffer>[0]));
}
