// Reading caption tables from Parquet with hyparquet (pure JS): the columns a reader needs, one
// file at a time, binary kept as bytes. Column choice by common names, or the user's mapping.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { DatasetError } from './dataset.js';
import type { Resolved } from './paths.js';
import { resolveFirst } from './reader.js';

/** Which table column holds what; from `--columns image=COL,caption=COL,split=COL` or the dialog. */
export interface ColumnMap {
  image?: string;
  caption?: string;
  split?: string;
  /** Vector columns that together make a precomputed space (table_vectors.ts). */
  image_embedding?: string;
  text_embedding?: string;
}

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

/** The image and caption columns of a table: the mapping when given, else the first common name. */
export function chooseColumns(columns: string[], file: string, map: ColumnMap = {}): { image: string; caption: string; split?: string } {
  const lower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const pick = (names: string[]): string | undefined => names.map((n) => lower.get(n)).find((c) => c != null);
  const need = (what: 'image' | 'caption', names: string[]): string => {
    const given = map[what];
    if (given != null) {
      if (!columns.includes(given)) throw new DatasetError(`has no column ${JSON.stringify(given)} (given for ${what}); its columns are ${columns.join(', ')}`, file);
      return given;
    }
    const found = pick(names);
    if (!found) {
      throw new DatasetError(`no ${what} column: looked for ${names.join(', ')}; its columns are ${columns.join(', ')}. Say which with --columns image=COL,caption=COL`, file);
    }
    return found;
  };
  const split = map.split ?? pick(['split']);
  if (map.split != null && !columns.includes(map.split)) throw new DatasetError(`has no column ${JSON.stringify(map.split)} (given for split)`, file);
  return { image: need('image', IMAGE_NAMES), caption: need('caption', CAPTION_NAMES), split };
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
