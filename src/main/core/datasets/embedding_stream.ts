// Embeddings larger than the memory budget (io/memory_budget.ts) stay on disk: the shards' headers
// are checked at open (rows, dims, dtype: the same checks as the in-memory path) and the rows are
// read by range when an operation needs them (io/row_shards.ts). clip-retrieval's
// img_emb_N.npy / text_emb_N.npy shards and the single embeddings/image.npy + text.npy alike.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { npyShard, ShardedRows, GATHER_RUN, type RowShard } from '../io/row_shards.js';
import { rowsWithin } from '../io/memory_budget.js';
import { NpyError } from '../io/npy.js';
import type { ProblemLog } from './problems.js';

export interface StreamedEmbeddings {
  dims: number;
  dtype: 'float32' | 'float16';
  source: string;
  /** One row per image, in item order. */
  image: ShardedRows;
  /** One row per caption, in item order. */
  text: ShardedRows;
  /** float32 bytes of both matrices (what loading them would take). */
  bytes: number;
  budgetBytes: number;
}

class Drop extends Error {}

const mib = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${Math.round(b / 2 ** 20)} MiB`);

/** The identity map is left out (range reads); any other becomes the row map. */
function rowMap(rows: number[] | null, n: number): Int32Array | null {
  if (!rows) return null;
  if (rows.length === n && rows.every((r, i) => r === i)) return null;
  return Int32Array.from(rows);
}

function headers(root: string, files: string[], log: ProblemLog): RowShard[] {
  return files.map((file) => {
    try {
      const s = npyShard(path.join(root, ...file.split('/')), file);
      if (s.dims === 0) throw new NpyError(file, 'has 0 dims per row');
      return s;
    } catch (err) {
      if (!(err instanceof NpyError) && !(err as NodeJS.ErrnoException).code) throw err;
      const m = (err as Error).message;
      log.push({ severity: 'error', file, message: `cannot be read: ${m.startsWith(file) ? m.slice(file.length).replace(/^:\s*/, '') : m}; the dataset opens without embeddings` });
      throw new Drop();
    }
  });
}

/** A gathering read spans at most an eighth of the budget's rows (and GATHER_RUN). */
function limitGather(s: StreamedEmbeddings): void {
  const run = Math.min(GATHER_RUN, rowsWithin(s.budgetBytes, s.dims, 1 / 8));
  s.image.gatherRun = run;
  s.text.gatherRun = run;
}

function note(s: StreamedEmbeddings, log: ProblemLog, file: string): void {
  limitGather(s);
  log.push({
    severity: 'warning',
    file,
    message:
      `embeddings (${s.image.rows.toLocaleString('en-US')} + ${s.text.rows.toLocaleString('en-US')} rows × ${s.dims} dims, ${mib(s.bytes)} as float32) exceed the memory budget ` +
      `(${mib(s.budgetBytes)}; MLENS_MEMORY_MB): kept on disk and read shard by shard; the map and exact kNN sample them`,
  });
}

/**
 * clip-retrieval shards as streamed embeddings, or null when both matrices fit in `budgetBytes` (the
 * caller loads them in memory). Row-count and dims faults are the same problems as in memory.
 */
export function streamEmbeddingShards(
  root: string,
  img: string[],
  txt: string[],
  rowsPerShard: number[],
  imageRecord: number[],
  captionRecord: number[],
  log: ProblemLog,
  budgetBytes: number,
): StreamedEmbeddings | null | 'failed' {
  try {
    const a = headers(root, img, log);
    const b = headers(root, txt, log);
    const dims = a[0].dims;
    const bytes = (imageRecord.length + captionRecord.length) * dims * 4;
    if (bytes <= budgetBytes) return null;
    const check = (shards: RowShard[]): void => {
      if (shards.length !== rowsPerShard.length) {
        log.push({ severity: 'error', file: shards[0].name, message: `${shards.length} embedding shards for ${rowsPerShard.length} metadata shards; the dataset opens without embeddings` });
        throw new Drop();
      }
      shards.forEach((s, i) => {
        const bad = s.rows !== rowsPerShard[i] ? `has ${s.rows} rows but metadata shard ${i} has ${rowsPerShard[i]}` : s.dims !== shards[0].dims ? `has ${s.dims} dims but ${shards[0].name} has ${shards[0].dims}` : null;
        if (bad) {
          log.push({ severity: 'error', file: s.name, message: `${bad}; the dataset opens without embeddings` });
          throw new Drop();
        }
      });
    };
    check(a);
    check(b);
    if (b[0].dims !== dims) {
      log.push({ severity: 'error', file: txt[0], message: `has ${b[0].dims} dims but ${img[0]} has ${dims}; the dataset opens without embeddings` });
      return 'failed';
    }
    const f16 = [...a, ...b].some((s) => s.dtype !== 'F32');
    const image = new ShardedRows(a, rowMap(imageRecord, a.reduce((n, s) => n + s.rows, 0)));
    const text = new ShardedRows(b, rowMap(captionRecord, b.reduce((n, s) => n + s.rows, 0)));
    const s: StreamedEmbeddings = { dims, dtype: f16 ? 'float16' : 'float32', source: 'clip-retrieval', image, text, bytes, budgetBytes };
    note(s, log, 'img_emb');
    return s;
  } catch (err) {
    if (err instanceof Drop) return 'failed';
    throw err;
  }
}

interface Counts {
  images: number;
  captions: number;
  captionRecord: number[];
  recordCount: number;
}

/**
 * embeddings/image.npy + text.npy as streamed embeddings, or null when they fit the budget, are not
 * both there, or something about them needs the in-memory reader (variance files, a row fault): that
 * path then reports it exactly as before.
 */
export function streamEmbeddingFiles(
  root: string,
  counts: Counts,
  log: ProblemLog,
  budgetBytes: number,
  safetensors: () => { image: RowShard[]; text: RowShard[] } | null = () => null,
): StreamedEmbeddings | null {
  const file = (n: string): string => path.join(root, 'embeddings', n);
  let as: RowShard[];
  let bs: RowShard[];
  let source = 'embeddings/*.npy';
  if (existsSync(file('image.npy')) || existsSync(file('text.npy'))) {
    if (!existsSync(file('image.npy')) || !existsSync(file('text.npy'))) return null;
    try {
      as = [npyShard(file('image.npy'), 'embeddings/image.npy')];
      bs = [npyShard(file('text.npy'), 'embeddings/text.npy')];
    } catch {
      return null;
    }
  } else {
    // embeddings/embeddings.safetensors, or its shards in order (tensors "image" and "text"), stands in for the .npy pair.
    const t = safetensors();
    if (!t) return null;
    as = t.image;
    bs = t.text;
    source = as.length > 1 ? `embeddings/embeddings-*.safetensors (${as.length} shards)` : 'embeddings/embeddings.safetensors';
  }
  const a = { dims: as[0].dims, rows: as.reduce((n, r) => n + r.rows, 0), dtype: as.every((r) => r.dtype === 'F32') ? 'F32' : 'F16' };
  const b = { dims: bs[0].dims, rows: bs.reduce((n, r) => n + r.rows, 0), dtype: bs.every((r) => r.dtype === 'F32') ? 'F32' : 'F16' };
  const bytes = (counts.images + counts.captions) * a.dims * 4;
  if (bytes <= budgetBytes || a.dims !== b.dims || a.dims === 0 || a.rows !== counts.images) return null;
  let textRows: number[] | null = null;
  if (b.rows !== counts.captions) {
    if (counts.recordCount !== counts.captions && b.rows === counts.recordCount) textRows = counts.captionRecord;
    else return null;
  }
  for (const v of source.endsWith('.npy') ? ['image_logvar.npy', 'text_logvar.npy', 'image_std.npy', 'text_std.npy'] : []) {
    if (existsSync(file(v))) log.push({ severity: 'warning', file: `embeddings/${v}`, message: 'not used: the embeddings are read from disk by row (over the memory budget) and variances are not streamed yet' });
  }
  const s: StreamedEmbeddings = {
    dims: a.dims,
    dtype: a.dtype === 'F32' && b.dtype === 'F32' ? 'float32' : 'float16',
    source,
    image: new ShardedRows(as),
    text: new ShardedRows(bs, rowMap(textRows, b.rows)),
    bytes,
    budgetBytes,
  };
  note(s, log, 'embeddings');
  return s;
}
