// Reading caption tables from Parquet with hyparquet (pure JS): the columns a reader needs, one
// file at a time, binary kept as bytes. Column choice by common names, or the user's mapping.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { ColumnMap, ColumnRole } from '../../../shared/dataset.js';
import { columnMappingError, type TableColumn } from './column_guess.js';
import { DatasetError } from './dataset.js';
import type { Resolved } from './paths.js';
import { resolveFirst } from './reader.js';

export type { ColumnMap } from '../../../shared/dataset.js';

const IMAGE_NAMES = ['image', 'image_path', 'img', 'image_file', 'img_path', 'file_name', 'filename', 'filepath', 'path', 'url'];
const CAPTION_NAMES = ['caption', 'captions', 'text', 'sentence', 'sentences', 'raw', 'description', 'alt', 'prompt'];

export interface ParquetTable {
  columns: string[];
  rows: number;
}

export async function parquetColumns(abs: string, file: string): Promise<ParquetTable> {
  try {
    const buf = await asyncBufferFromFile(abs);
    const md = await parquetMetadataAsync(buf);
    return { columns: parquetSchema(md).children.map((c) => c.element.name), rows: Number(md.num_rows) };
  } catch (err) {
    throw new DatasetError(`is not a readable Parquet file: ${(err as Error).message}`, file);
  }
}

interface SchemaNode {
  element: { name: string; type?: string; converted_type?: string; logical_type?: { type: string }; repetition_type?: string };
  children: SchemaNode[];
}

/** A readable type of a Parquet column: string, binary, int64, list<float>, struct<bytes, path>. */
function parquetType(n: SchemaNode): string {
  const e = n.element;
  if (n.children.length) {
    if (e.converted_type === 'LIST' || e.logical_type?.type === 'LIST') {
      const item = n.children[0]?.children.length === 1 ? n.children[0].children[0] : n.children[0];
      return `list<${item ? parquetType(item) : 'unknown'}>`;
    }
    return `struct<${n.children.map((c) => c.element.name).join(', ')}>`;
  }
  const leaf = e.logical_type?.type === 'STRING' || e.converted_type === 'UTF8' ? 'string' : e.type === 'BYTE_ARRAY' ? 'binary' : (e.type ?? 'unknown').toLowerCase();
  return e.repetition_type === 'REPEATED' ? `list<${leaf}>` : leaf;
}

export async function parquetColumnTypes(abs: string, file: string): Promise<TableColumn[]> {
  try {
    const md = await parquetMetadataAsync(await asyncBufferFromFile(abs));
    return (parquetSchema(md).children as unknown as SchemaNode[]).map((c) => ({ name: c.element.name, type: parquetType(c) }));
  } catch (err) {
    throw new DatasetError(`is not a readable Parquet file: ${(err as Error).message}`, file);
  }
}

/**
 * The image and caption columns of a table: the mapping when given, else the first common name.
 * Neither (or a given column that is not there): a ColumnMappingError listing the columns (types
 * 'unknown' here; the table reader fills them in with `withColumns`). Two or more columns with a
 * common name for the image or the caption (`image` and `file_name`, `caption` and `text`) are not
 * guessed between either: the error names them all (`ambiguous: false` keeps the first, for
 * clip-retrieval metadata, whose image_path and caption are documented). A `url` beside a local
 * path column does not count: a URL is not read from disk.
 */
export function chooseColumns(columns: string[], file: string, map: ColumnMap = {}, ambiguous = true): { image: string; caption: string; split?: string } {
  const lower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const pick = (names: readonly string[]): string | undefined => names.map((n) => lower.get(n)).find((c) => c != null);
  const all = (names: readonly string[]): string[] => {
    const found = names.map((n) => lower.get(n)).filter((c): c is string => c != null);
    return found.length > 1 ? found.filter((c) => c.toLowerCase() !== 'url') : found;
  };
  const decided: ColumnMap = {};
  const undecided: ColumnRole[] = [];
  const reasons: string[] = [];
  for (const [role, names] of [['image', IMAGE_NAMES], ['caption', CAPTION_NAMES], ['split', ['split']]] as const) {
    const given = map[role];
    if (given != null) {
      if (columns.includes(given)) decided[role] = given;
      else {
        undecided.push(role);
        reasons.push(`has no column ${JSON.stringify(given)} (given for ${role})`);
      }
      continue;
    }
    const matches = ambiguous && role !== 'split' ? all(names) : [];
    if (matches.length > 1) {
      undecided.push(role);
      reasons.push(`${matches.length} columns could be the ${role}: ${matches.map((m) => JSON.stringify(m)).join(' and ')}; say which one`);
      continue;
    }
    const found = pick(names);
    if (found) decided[role] = found;
    else if (role !== 'split') {
      undecided.push(role);
      reasons.push(`no ${role} column: looked for ${names.join(', ')}`);
    }
  }
  for (const role of ['image_embedding', 'text_embedding'] as const) if (map[role] != null) decided[role] = map[role];
  if (undecided.length) {
    const cols: TableColumn[] = columns.map((name) => ({ name, type: 'unknown' }));
    throw columnMappingError(reasons.join('; '), file, cols, decided, undecided);
  }
  return { image: decided.image!, caption: decided.caption!, split: decided.split };
}

export async function readParquetRows(abs: string, file: string, columns: string[]): Promise<Array<Record<string, unknown>>> {
  try {
    return (await parquetReadObjects({ file: await asyncBufferFromFile(abs), columns, utf8: false })) as Array<Record<string, unknown>>;
  } catch (err) {
    throw new DatasetError(`cannot be read: ${(err as Error).message}`, file);
  }
}

/** Captions of one cell: a string, or a list of strings (Hugging Face's "sentences" layout). */
export function cellCaptions(v: unknown): string[] | string {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  if (Array.isArray(v) && v.every((s) => s != null && typeof s === 'object' && typeof (s as { raw?: unknown }).raw === 'string')) {
    return (v as Array<{ raw: string }>).map((s) => s.raw);
  }
  return `caption cell must be a string or a list of strings, got ${v === null ? 'null' : Array.isArray(v) ? 'a list of other values' : typeof v}`;
}

export function sniffImage(b: Uint8Array): string | null {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return '.png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return '.jpg';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return '.webp';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return '.gif';
  if (b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70 && b[8] === 0x61 && b[9] === 0x76 && b[10] === 0x69) return '.avif';
  return null;
}

/** Where image bytes embedded in a table are unpacked once, inside the project folder. */
export const EXTRACTED_DIR = '.mlens/extracted';

export type ImageCell = { kind: 'path'; path: string } | { kind: 'bytes'; bytes: Uint8Array; path?: string } | { kind: 'bad'; message: string };

export function imageCell(v: unknown): ImageCell {
  if (typeof v === 'string' && v) return { kind: 'path', path: v };
  if (v instanceof Uint8Array) return { kind: 'bytes', bytes: v };
  if (v && typeof v === 'object') {
    const o = v as { bytes?: unknown; path?: unknown };
    const p = typeof o.path === 'string' && o.path ? o.path : undefined;
    if (o.bytes instanceof Uint8Array && o.bytes.length) return { kind: 'bytes', bytes: o.bytes, path: p };
    if (Array.isArray(o.bytes) && o.bytes.length) return { kind: 'bytes', bytes: Uint8Array.from(o.bytes as number[]), path: p };
    if (p) return { kind: 'path', path: p };
  }
  return { kind: 'bad', message: `image cell must be a path, image bytes or {bytes, path}, got ${v === null ? 'null' : typeof v}` };
}

/**
 * Resolves a path written by another machine's pipeline: relative to the root, then relative to the
 * table's folder, then (for absolute or escaping paths) by its last two and last one components.
 */
export function resolveTablePath(resolve: (rel: string) => Resolved, tableDir: string, p: string): Resolved {
  const parts = p.replace(/\\/g, '/').split('/').filter(Boolean);
  return resolveFirst(resolve, [p, tableDir ? `${tableDir}/${p}` : p, parts.slice(-2).join('/'), `images/${parts.slice(-1).join('')}`, parts.slice(-1).join('')]);
}

/** Writes embedded image bytes under .mlens/extracted once (same size = already there). */
export function extractImage(root: string, tableStem: string, row: number, bytes: Uint8Array): { rel: string } | { error: string } {
  const ext = sniffImage(bytes);
  if (!ext) return { error: 'image bytes are not PNG, JPEG, WebP, GIF or AVIF' };
  const rel = `${EXTRACTED_DIR}/${tableStem}/${row}${ext}`;
  const abs = path.join(root, ...rel.split('/'));
  try {
    if (!existsSync(abs) || statSync(abs).size !== bytes.length) {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, bytes);
    }
  } catch (err) {
    return { error: `cannot unpack the image into ${EXTRACTED_DIR}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  return { rel };
}
