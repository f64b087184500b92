// Caption tables in Parquet, as Embedding Atlas and Hugging Face datasets keep them, and the output
// of clip-retrieval:
// - `*.parquet` at the root or under `data/` (Hugging Face: `data/train-00000-of-00002.parquet`):
//   an image column (a path, image bytes, or {bytes, path}) and a caption column (a string or a list
//   of strings), an optional split column (else the split is taken from a train/validation/test file
//   name). Embedded image bytes are unpacked once into .mlens/extracted/.
// - clip-retrieval: `metadata/metadata_N.parquet` (image_path, caption) with `img_emb/img_emb_N.npy`
//   and `text_emb/text_emb_N.npy`, joined by row order across shards (see embedding_shards.ts).
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { DatasetCaption } from './dataset.js';
import { DatasetError } from './dataset.js';
import { PathEscapeError } from './paths.js';
import { cellCaptions, chooseColumns, extractImage, imageCell, parquetColumns, readParquetRows, resolveTablePath, type ColumnMap } from './parquet_rows.js';
import { ImageTable, idFromPath, isDir, type ReadContext, type ReaderResult } from './reader.js';

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

function splitFromName(file: string): string | null {
  const m = /(?:^|[/_-])(train|training|validation|valid|val|dev|test|testing)(?=[/_.-])/i.exec(file);
  if (!m) return null;
  const s = m[1].toLowerCase();
  return s.startsWith('train') ? 'train' : s.startsWith('test') ? 'test' : 'val';
}

function normalSplit(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null;
  const s = v.toLowerCase();
  return s === 'validation' || s === 'valid' || s === 'dev' ? 'val' : s;
}

export async function readParquetTables(ctx: ReadContext, files: string[], format: 'parquet' | 'clip-retrieval', map: ColumnMap = {}): Promise<ReaderResult> {
  const table = new ImageTable();
  const captions: DatasetCaption[] = [];
  const captionRecord: number[] = [];
  const bytesSeen = new Map<string, number>();
  const imageRecord: number[] = [];
  const rowsPerFile: number[] = [];
  let records = 0;
  let firstError = '';
  const skip = (file: string, row: number, message: string, n = 1): void => {
    records += n - 1;
    firstError ||= `${file} row ${row}: ${message}`;
    ctx.log.add('skipped rows', { severity: 'error', file, line: row + 1, message: `row ${row}: ${message}; skipped` });
  };
  for (const [fi, file] of files.entries()) {
    ctx.progress('captions', fi, files.length);
    const abs = path.join(ctx.root, ...file.split('/'));
    const { columns } = await parquetColumns(abs, file);
    const cols = chooseColumns(columns, file, map);
    const rows = await readParquetRows(abs, file, [cols.image, cols.caption, ...(cols.split ? [cols.split] : [])]);
    rowsPerFile.push(rows.length);
    const fileSplit = splitFromName(file);
    const stem = file.replace(/\.parquet$/, '').replace(/[^\w.-]+/g, '_');
    const tableDir = path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file);
    for (const [r, row] of rows.entries()) {
      const caps = cellCaptions(row[cols.caption]);
      const n = Array.isArray(caps) ? caps.length : 1;
      const first = records;
      records += 1;
      if (typeof caps === 'string') {
        skip(file, r, `"${cols.caption}": ${caps}`);
        continue;
      }
      const cell = imageCell(row[cols.image]);
      let rel: string;
      let exists = true;
      // Embedded bytes are one image when their content is the same (a hash, not a header prefix).
      const bytesKey = cell.kind === 'bytes' ? createHash('sha1').update(cell.bytes).digest('hex') : '';
      if (cell.kind === 'bad') {
        skip(file, r, `"${cols.image}": ${cell.message}`, n);
        continue;
      } else if (cell.kind === 'bytes') {
        const known = bytesSeen.get(bytesKey);
        const out = known != null ? { rel: table.images[known].path } : extractImage(ctx.root, stem, r, cell.bytes);
        if ('error' in out) {
          skip(file, r, `"${cols.image}": ${out.error}`, n);
          continue;
        }
        rel = out.rel;
      } else {
        try {
          const res = resolveTablePath(ctx.resolve, tableDir, cell.path);
          rel = res.rel;
          exists = res.exists;
        } catch (err) {
          if (!(err instanceof PathEscapeError)) throw err;
          skip(file, r, `"${cols.image}": ${err.message}`, n);
          continue;
        }
      }
      const split = normalSplit(cols.split ? row[cols.split] : null) ?? fileSplit;
      const { index, added } = table.add({ id: cell.kind === 'bytes' && cell.path ? idFromPath(cell.path) : `${stem}:${r}`, path: rel, split, missing: !exists });
      if (added) imageRecord.push(first);
      if (cell.kind === 'path' && added) table.images[index].id = idFromPath(path.posix.basename(rel));
      if (cell.kind === 'bytes') bytesSeen.set(bytesKey, index);
      if (added && !exists) ctx.log.add('missing images', { severity: 'warning', file, line: r + 1, message: `row ${r}: image file not found: ${cell.kind === 'path' ? cell.path : rel}` });
      records = first + n;
      for (const [j, text] of caps.entries()) {
        captions.push({ id: n > 1 ? `${stem}:${r}:${j}` : `${stem}:${r}`, text, imageIndex: index, split });
        captionRecord.push(first + j);
      }
    }
  }
  ctx.progress('captions', files.length, files.length);
  if (captions.length === 0) throw new DatasetError(records === 0 ? 'the tables have no rows' : `no usable captions (first problem: ${firstError})`, files[0]);
  const source = files.length === 1 ? files[0] : `${files.length} Parquet files`;
  return { format, images: table.images, captions, captionRecord, recordCount: records, imageRecord, rowsPerFile, indexFiles: files, captionSource: source };
}
