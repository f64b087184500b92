// Caption tables in Parquet, as Embedding Atlas and Hugging Face datasets keep them, and the output
// of clip-retrieval (the rows become a dataset in table_rows.ts, shared with Arrow):
// - `*.parquet` at the root or under `data/` (Hugging Face: `data/train-00000-of-00002.parquet`):
//   an image column (a path, image bytes, or {bytes, path}) and a caption column (a string or a list
//   of strings), an optional split column (else the split is taken from a train/validation/test file
//   name). Embedded image bytes are unpacked once into .mlens/extracted/.
// - clip-retrieval: `metadata/metadata_N.parquet` (image_path, caption) with `img_emb/img_emb_N.npy`
//   and `text_emb/text_emb_N.npy`, joined by row order across shards (see embedding_shards.ts).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parquetColumns, parquetColumnTypes, readParquetRows, type ColumnMap } from './parquet_rows.js';
import { isDir, type ReadContext, type ReaderResult } from './reader.js';
import { readTables, splitFromName, type TableFormat } from './table_rows.js';

const numbered = (prefix: string) => (a: string, b: string): number => Number(a.slice(prefix.length).replace(/\D/g, '')) - Number(b.slice(prefix.length).replace(/\D/g, '')) || (a < b ? -1 : 1);

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const SPLIT_RANK: Record<string, number> = { train: 0, val: 1, test: 2 };
const bySplit = (a: string, b: string): number => (SPLIT_RANK[splitFromName(a) ?? ''] ?? 3) - (SPLIT_RANK[splitFromName(b) ?? ''] ?? 3) || (a < b ? -1 : 1);

/** Parquet caption tables at the root, else under data/ (one level of split folders allowed); train, val, test first. */
export function findParquetTables(root: string): string[] {
  const top = list(root).filter((n) => n.endsWith('.parquet')).sort(bySplit);
  if (top.length) return top;
  const data = path.join(root, 'data');
  const out: string[] = [];
  for (const n of list(data).sort()) {
    if (n.endsWith('.parquet')) out.push(`data/${n}`);
    else if (isDir(path.join(data, n))) out.push(...list(path.join(data, n)).filter((m) => m.endsWith('.parquet')).sort().map((m) => `data/${n}/${m}`));
  }
  return out.sort(bySplit);
}

/** clip-retrieval output: metadata shards plus at least one embedding folder. */
export function findClipRetrieval(root: string): string[] {
  const meta = list(path.join(root, 'metadata')).filter((n) => /^metadata_\d+\.parquet$/.test(n)).sort(numbered('metadata_'));
  if (!meta.length || !(isDir(path.join(root, 'img_emb')) || isDir(path.join(root, 'text_emb')))) return [];
  return meta.map((n) => `metadata/${n}`);
}

const parquet: TableFormat = {
  name: 'Parquet',
  columns: async (abs, file) => (await parquetColumns(abs, file)).columns,
  columnTypes: parquetColumnTypes,
  rows: async (abs, file, columns) => ({ rows: await readParquetRows(abs, file, columns) }),
};

export async function readParquetTables(ctx: ReadContext, files: string[], format: 'parquet' | 'clip-retrieval', map: ColumnMap = {}): Promise<ReaderResult> {
  return readTables(ctx, files.map((file) => ({ file })), format, parquet, map);
}
