// Caption tables, whatever file format holds them (Parquet, Arrow IPC / Feather, Hugging Face
// save_to_disk): rows -> dataset. An image column (a path, image bytes, or {bytes, path}) and a
// caption column (a string or a list of strings), an optional split column (else the split is taken
// from a train/validation/test file name), optional image and text vector columns (a precomputed
// space, table_vectors.ts). Embedded image bytes are unpacked once into .mlens/extracted/. A bad row
// is skipped and named with its file and row; the rest opens.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DatasetFormat } from '../../../shared/dataset.js';
import type { DatasetCaption } from './dataset.js';
import { ColumnMappingError, columnMappingError, type TableColumn } from './column_guess.js';
import { DatasetError } from './dataset.js';
import { PathEscapeError, type Resolved } from './paths.js';
import { tarLookup } from './tar_lookup.js';
import { cellCaptions, chooseColumns, extractImage, imageCell, resolveTablePath, type ColumnMap } from './parquet_rows.js';
import { ImageTable, idFromPath, type ReadContext, type ReaderResult } from './reader.js';
import { chooseVectorColumns, VectorColumn, vectorSpace, type VectorColumns } from './table_vectors.js';

export type TableRow = Record<string, unknown>;

/** How one table file format lists its columns and reads the rows of some of them. */
export interface TableFormat {
  /** "Parquet", "Arrow": used in messages. */
  name: string;
  columns(abs: string, file: string): Promise<string[]>;
  /** The columns with readable types (string, binary, list<float>, …), asked for only when the column dialog needs them. */
  columnTypes?(abs: string, file: string): Promise<TableColumn[]>;
  /** The rows; `fault` says why reading stopped early (the rows before it are kept). */
  rows(abs: string, file: string, columns: string[]): Promise<{ rows: TableRow[]; fault?: string }>;
}

export function splitFromName(file: string): string | null {
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

export interface TableFile {
  /** Dataset-relative path, forward slashes. */
  file: string;
  /** The split every row of this file belongs to when it has no split column (save_to_disk's state.json). */
  split?: string | null;
}

export async function readTables(ctx: ReadContext, tables: TableFile[], format: DatasetFormat, reader: TableFormat, map: ColumnMap = {}): Promise<ReaderResult> {
  const table = new ImageTable();
  const captions: DatasetCaption[] = [];
  const captionRecord: number[] = [];
  const bytesSeen = new Map<string, number>();
  const resolved = new Map<string, Resolved | PathEscapeError>();
  // Image paths that are not files may name members of the folder's WebDataset shards (by key or name).
  const inTars = tarLookup(ctx.root);
  const imageRecord: number[] = [];
  const rowsPerFile: number[] = [];
  let imageVectors: VectorColumn | null = null;
  let textVectors: VectorColumn | null = null;
  let vectorNames: VectorColumns = {};
  let records = 0;
  let firstError = '';
  const skip = (file: string, row: number, message: string, n = 1): void => {
    records += n - 1;
    firstError ||= `${file} row ${row}: ${message}`;
    ctx.log.add('skipped rows', { severity: 'error', file, line: row + 1, message: `row ${row}: ${message}; skipped` });
  };
  for (const [fi, { file, split: givenSplit }] of tables.entries()) {
    ctx.progress('captions', fi, tables.length);
    const abs = path.join(ctx.root, ...file.split('/'));
    // An unreadable file is named and skipped; the other files still open.
    const unreadable = (err: unknown): null => {
      if (!(err instanceof DatasetError)) throw err;
      const message = err.message.slice(err.file.length + 2);
      firstError ||= `${file}: ${message}`;
      ctx.log.push({ severity: 'error', file, message: `${message}; file skipped` });
      rowsPerFile.push(0);
      return null;
    };
    const columns = await reader.columns(abs, file).catch(unreadable);
    if (!columns) continue;
    let cols: ReturnType<typeof chooseColumns>;
    const vec = chooseVectorColumns(columns, map);
    try {
      cols = chooseColumns(columns, file, map, format !== 'clip-retrieval');
      for (const role of ['image_embedding', 'text_embedding'] as const) {
        const c = map[role];
        if (c != null && !columns.includes(c)) {
          const unknown = columns.map((name) => ({ name, type: 'unknown' }));
          throw columnMappingError(`has no column ${JSON.stringify(c)} (given for ${role})`, file, unknown, { ...map, image: cols.image, caption: cols.caption, split: cols.split }, [role]);
        }
      }
    } catch (err) {
      // The column dialog shows each column's type: read them now, only for this case.
      if (!(err instanceof ColumnMappingError)) throw err;
      const typed = (await reader.columnTypes?.(abs, file).catch(() => null)) ?? columns.map((name) => ({ name, type: 'unknown' }));
      throw err.withColumns(typed, ctx.root);
    }
    if (fi === 0) {
      vectorNames = vec;
      if (vec.image) imageVectors = new VectorColumn('image', ctx.log);
      if (vec.text) textVectors = new VectorColumn('caption', ctx.log);
    }
    const wanted = [cols.image, cols.caption, cols.split, imageVectors ? vec.image : undefined, textVectors ? vec.text : undefined].filter((c): c is string => c != null);
    const read = await reader.rows(abs, file, [...new Set(wanted)]).catch(unreadable);
    if (!read) continue;
    const rows = read.rows;
    if (read.fault) ctx.log.push({ severity: 'error', file, line: rows.length + 1, message: read.fault });
    rowsPerFile.push(rows.length);
    const fileSplit = givenSplit !== undefined ? givenSplit : splitFromName(file);
    const stem = file.replace(/\.(parquet|arrow|feather)$/, '').replace(/[^\w.-]+/g, '_');
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
        // Rows repeat an image's path once per caption: resolve each path (a few lstats) once.
        const key = `${tableDir}\0${cell.path}`;
        let res = resolved.get(key);
        if (res === undefined) {
          try {
            res = resolveTablePath(ctx.resolve, tableDir, cell.path);
            const member = res.exists ? null : inTars.find(cell.path);
            if (member) res = { abs: path.join(ctx.root, ...member.split('#')[0].split('/')), rel: member, exists: true };
          } catch (err) {
            if (!(err instanceof PathEscapeError)) throw err;
            res = err;
          }
          resolved.set(key, res);
        }
        if (res instanceof PathEscapeError) {
          skip(file, r, `"${cols.image}": ${res.message}`, n);
          continue;
        }
        rel = res.rel;
        exists = res.exists;
      }
      const split = normalSplit(cols.split ? row[cols.split] : null) ?? fileSplit;
      const { index, added } = table.add({ id: cell.kind === 'bytes' && cell.path ? idFromPath(cell.path) : `${stem}:${r}`, path: rel, split, missing: !exists });
      if (added) imageRecord.push(first);
      if (added && imageVectors) imageVectors.add(row[vec.image!], file, r + 1, `row ${r}`, vec.image!);
      if (cell.kind === 'path' && added) table.images[index].id = idFromPath(path.posix.basename(rel));
      if (cell.kind === 'bytes') bytesSeen.set(bytesKey, index);
      if (added && !exists) ctx.log.add('missing images', { severity: 'warning', file, line: r + 1, message: `row ${r}: image file not found: ${cell.kind === 'path' ? cell.path : rel}` });
      records = first + n;
      const textCell = textVectors ? row[vec.text!] : undefined;
      // A row of several captions carries one vector each (a list of lists), or one for them all.
      const perCaption = n > 1 && Array.isArray(textCell) && textCell.length === n && textCell.every((x) => typeof x === 'object' && x !== null);
      for (const [j, text] of caps.entries()) {
        captions.push({ id: n > 1 ? `${stem}:${r}:${j}` : `${stem}:${r}`, text, imageIndex: index, split });
        captionRecord.push(first + j);
        textVectors?.add(perCaption ? (textCell as unknown[])[j] : textCell, file, r + 1, `row ${r}`, vec.text!);
      }
    }
  }
  ctx.progress('captions', tables.length, tables.length);
  const files = tables.map((t) => t.file);
  if (captions.length === 0) throw new DatasetError(records === 0 && !firstError ? 'the tables have no rows' : `no usable captions (first problem: ${firstError})`, files[0]);
  const source = files.length === 1 ? files[0] : `${files.length} ${reader.name} files`;
  const vectors = vectorSpace(imageVectors, textVectors, vectorNames, files[0], ctx.log);
  return { format, images: table.images, captions, captionRecord, recordCount: records, imageRecord, rowsPerFile, indexFiles: files, captionSource: source, ...(vectors ? { vectors } : {}) };
}
