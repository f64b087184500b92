// Caption tables in Arrow IPC, read with apache-arrow: Feather v2 / Arrow files (`*.arrow`,
// `*.feather` at the root or under data/) and Hugging Face `save_to_disk` folders (dataset_info.json
// + state.json naming data-0000N-of-0000M.arrow streaming-format files; a DatasetDict has
// dataset_dict.json and one such folder per split). Column meaning is the Parquet tables' (the rows
// become a dataset in table_rows.ts): image path, bytes or {bytes, path}; caption string or list;
// split; image/text vector columns.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compressionRegistry, CompressionType, RecordBatchReader, Vector, type RecordBatch, type RecordBatchFileReader, type RecordBatchStreamReader } from 'apache-arrow';
import { z } from 'zod';
import { decodeLz4Frame } from '../io/lz4_frame.js';
import { DatasetError } from './dataset.js';
import { readJsonFile } from './jsonl.js';
import { PathEscapeError } from './paths.js';
import type { ColumnMap } from './parquet_rows.js';
import { isFile, type ReadContext, type ReaderResult } from './reader.js';
import { readTables, splitFromName, type TableFile, type TableFormat, type TableRow } from './table_rows.js';

const ARROW_EXT = /\.(arrow|feather)$/;
const STATE = 'state.json';
const INFO = 'dataset_info.json';
const DICT = 'dataset_dict.json';

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** What the folder holds in Arrow: a save_to_disk index (state.json / dataset_dict.json) or the table files. */
export function findArrowTables(root: string): string[] {
  if (isFile(path.join(root, DICT))) return [DICT];
  if (isFile(path.join(root, STATE)) && isFile(path.join(root, INFO))) return [STATE];
  const top = list(root).filter((n) => ARROW_EXT.test(n) && isFile(path.join(root, n)));
  if (top.length) return top;
  return list(path.join(root, 'data')).filter((n) => ARROW_EXT.test(n)).map((n) => `data/${n}`);
}

const State = z.looseObject({ _data_files: z.array(z.looseObject({ filename: z.string() })).min(1), _split: z.string().nullish() });
const Dict = z.looseObject({ splits: z.array(z.string()).min(1) });

function splitName(s: string | null | undefined): string | null {
  const m = /^[A-Za-z]+/.exec(s ?? '');
  return m ? (splitFromName(`${m[0]}.`) ?? m[0].toLowerCase()) : null;
}

function parsed<T>(ctx: ReadContext, rel: string, schema: z.ZodType<T>, what: string): T {
  const doc = readJsonFile(path.join(ctx.root, ...rel.split('/')), rel, ctx.maxJsonBytes);
  const r = schema.safeParse(doc.value);
  if (!r.success) throw new DatasetError(`is not a Hugging Face ${what}: ${r.error.issues[0]?.path.join('.') || 'the document'}: ${r.error.issues[0]?.message}`, rel);
  return r.data;
}

/** The data files a save_to_disk state.json names (confined to the dataset folder), with its split. */
function stateFiles(ctx: ReadContext, stateRel: string, split?: string): TableFile[] {
  const state = parsed(ctx, stateRel, State, 'save_to_disk state (needs "_data_files": [{"filename": …}])');
  const dir = path.posix.dirname(stateRel) === '.' ? '' : path.posix.dirname(stateRel);
  return state._data_files.map((f) => {
    let rel: string;
    try {
      const r = ctx.resolve(dir ? `${dir}/${f.filename}` : f.filename);
      if (!r.exists) throw new DatasetError(`names data file ${JSON.stringify(f.filename)}, which is not there`, stateRel);
      rel = r.rel;
    } catch (err) {
      if (err instanceof PathEscapeError) throw new DatasetError(`names data file ${JSON.stringify(f.filename)}: ${err.message}`, stateRel);
      throw err;
    }
    return { file: rel, split: splitName(state._split) ?? split ?? null };
  });
}

function tableFiles(ctx: ReadContext, found: string[]): TableFile[] {
  if (found[0] === STATE) return stateFiles(ctx, STATE);
  if (found[0] === DICT) {
    const dict = parsed(ctx, DICT, Dict, 'DatasetDict (needs "splits": […])');
    return dict.splits.flatMap((s) => {
      let dir: string;
      try {
        dir = ctx.resolve(s).rel;
      } catch (err) {
        if (err instanceof PathEscapeError) throw new DatasetError(`split ${JSON.stringify(s)}: ${err.message}`, DICT);
        throw err;
      }
      if (!isFile(path.join(ctx.root, dir, STATE))) throw new DatasetError(`lists split ${JSON.stringify(s)} but ${dir}/${STATE} is not there`, DICT);
      return stateFiles(ctx, `${dir}/${STATE}`, splitName(s) ?? undefined);
    });
  }
  return found.map((file) => ({ file }));
}

/** An Arrow value as the plain value the table reader expects: strings, bytes, objects, arrays. */
function plain(v: unknown): unknown {
  if (v == null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  if (v instanceof Vector) {
    const a = v.toArray() as unknown;
    return ArrayBuffer.isView(a) ? a : Array.from(a as ArrayLike<unknown>, plain);
  }
  const row = v as { toJSON?: () => Record<string, unknown> };
  if (typeof row.toJSON === 'function') {
    const o = row.toJSON();
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

interface Loaded {
  abs: string;
  fields: string[];
  types: string[];
  batches: RecordBatch[];
  /** Where reading stopped early (a stream cut short): the rows before it are kept. */
  fault?: string;
}

// Compressed record batches (pyarrow writes Feather with LZ4 by default): LZ4 frames are decoded here
// in TypeScript; ZSTD has no decoder in this app, and says so (ZSTD_REFUSED) instead of a codec error.
const ZSTD_REFUSED = 'is compressed with ZSTD, which this app cannot decode; write it with LZ4 or uncompressed (pyarrow: feather.write_feather(df, path, compression="lz4"))';
compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: decodeLz4Frame });
compressionRegistry.set(CompressionType.ZSTD, {
  decode: () => {
    throw new Error(ZSTD_REFUSED);
  },
});

/** One file at a time, kept while its rows are read right after its columns. */
let last: Loaded | null = null;

function load(abs: string, file: string): Loaded {
  if (last?.abs === abs) return last;
  const buf = readFileSync(abs);
  const magic = (b: Buffer): boolean => b.toString('latin1') === 'ARROW1';
  if (magic(buf.subarray(0, 6)) && !(buf.length >= 12 && magic(buf.subarray(buf.length - 6)))) {
    throw new DatasetError(`is a truncated Arrow file: ${buf.length} bytes and no ARROW1 footer at the end`, file);
  }
  const batches: RecordBatch[] = [];
  let reader: RecordBatchFileReader | RecordBatchStreamReader;
  try {
    reader = RecordBatchReader.from(buf);
    reader.open();
  } catch (err) {
    throw new DatasetError(`is not a readable Arrow IPC (Feather v2) file: ${(err as Error).message}`, file);
  }
  // Read the schema before the batches: the reader forgets it once it reaches the end.
  const fields = reader.schema?.fields.map((f) => f.name);
  const types = reader.schema?.fields.map((f) => arrowType(String(f.type))) ?? [];
  if (!fields) throw new DatasetError('is not a readable Arrow IPC (Feather v2) file: no schema message at the start', file);
  let rows = 0;
  let fault: string | undefined;
  try {
    for (const batch of reader) {
      batches.push(batch);
      rows += batch.numRows;
    }
  } catch (err) {
    if ((err as Error).message === ZSTD_REFUSED) throw new DatasetError(ZSTD_REFUSED, file);
    fault = `cannot be read after row ${rows - 1} (record batch ${batches.length}: ${(err as Error).message}); the ${rows} rows before it are read`;
  }
  last = { abs, fields, types, batches, fault };
  return last;
}

/** Arrow's type names in the column dialog's words: Utf8 -> string, List<Float32> -> list<float32>. */
function arrowType(t: string): string {
  return t
    .replace(/\bLarge/g, 'large_')
    .replace(/\bUtf8\b/g, 'string')
    .replace(/Struct<\{/g, 'struct<')
    .replace(/\}>/g, '>')
    .replace(/FixedSizeList\[\d+\]</g, 'list<')
    .replace(/\b([A-Z]\w*)/g, (m) => m.toLowerCase())
    .replace(/^dictionary<\w+, (.*)>$/, '$1');
}

export const arrowFormat: TableFormat = {
  name: 'Arrow',
  columns: async (abs, file) => load(abs, file).fields,
  columnTypes: async (abs, file) => {
    const l = load(abs, file);
    return l.fields.map((name, i) => ({ name, type: l.types[i] ?? 'unknown' }));
  },
  rows: async (abs, file, columns) => {
    const { batches, fault } = load(abs, file);
    last = null;
    const rows: TableRow[] = [];
    for (const batch of batches) {
      const base = rows.length;
      for (let i = 0; i < batch.numRows; i++) rows.push({});
      for (const c of columns) {
        const col = batch.getChild(c);
        if (!col) continue;
        let i = base;
        for (const v of col) rows[i++][c] = plain(v);
      }
    }
    return { rows, fault };
  },
};

export async function readArrowTables(ctx: ReadContext, found: string[], map: ColumnMap = {}): Promise<ReaderResult> {
  const tables = tableFiles(ctx, found);
  const read = await readTables(ctx, tables, 'arrow', arrowFormat, map);
  // The save_to_disk index files are part of what was read: the hash covers them too.
  const index = found[0] === DICT ? [DICT, ...new Set(tables.map((t) => `${path.posix.dirname(t.file)}/${STATE}`))] : found[0] === STATE ? [STATE, INFO] : [];
  return { ...read, indexFiles: [...index, ...read.indexFiles] };
}
