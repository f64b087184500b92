// Embeddings written in shards by clip-retrieval: img_emb/img_emb_N.npy and text_emb/text_emb_N.npy,
// one row per metadata row, shard N beside metadata/metadata_N.parquet. Shards are joined by row
// order; each shard's row count must match its metadata shard. Faults never block opening: the
// dataset opens without embeddings and a problem names the shard.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Embeddings } from './dataset.js';
import { NpyError, readNpy } from '../io/npy.js';
import type { ProblemLog } from './problems.js';
import { streamEmbeddingShards, type StreamedEmbeddings } from './embedding_stream.js';

class Drop extends Error {}

function shards(root: string, dir: string, prefix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(path.join(root, dir));
  } catch {
    return [];
  }
  const re = new RegExp(`^${prefix}_(\\d+)\\.npy$`);
  return names
    .map((n) => re.exec(n))
    .filter((m): m is RegExpExecArray => m != null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => `${dir}/${m[0]}`);
}

/**
 * Loads the shards of one modality as one matrix; `rowsPerShard` are the metadata shards' row counts.
 */
function loadModality(root: string, files: string[], rowsPerShard: number[], log: ProblemLog): { data: Float32Array; dims: number; dtype: 'float32' | 'float16' } {
  const fail = (file: string, message: string): never => {
    log.push({ severity: 'error', file, message: `${message}; the dataset opens without embeddings` });
    throw new Drop();
  };
  if (files.length !== rowsPerShard.length) fail(files[0] ?? path.dirname(files[0] ?? '.'), `${files.length} embedding shards for ${rowsPerShard.length} metadata shards`);
  const parts: Float32Array[] = [];
  let dims = -1;
  let dtype: 'float32' | 'float16' = 'float32';
  for (const [i, file] of files.entries()) {
    let arr;
    try {
      arr = readNpy(path.join(root, ...file.split('/')));
    } catch (err) {
      if (err instanceof NpyError || (err as NodeJS.ErrnoException).code) fail(file, `cannot be read: ${(err as Error).message.split(': ').slice(-1)[0]}`);
      throw err;
    }
    if (arr.shape.length !== 2) fail(file, `must be 2-D (rows × dims), has shape (${arr.shape.join(', ')})`);
    if (arr.shape[0] !== rowsPerShard[i]) fail(file, `has ${arr.shape[0]} rows but metadata shard ${i} has ${rowsPerShard[i]}`);
    if (dims >= 0 && arr.shape[1] !== dims) fail(file, `has ${arr.shape[1]} dims but ${files[0]} has ${dims}`);
    dims = arr.shape[1];
    if (arr.dtype === 'float16') dtype = 'float16';
    parts.push(arr.data);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const data = new Float32Array(total);
  let off = 0;
  for (const p of parts) {
    data.set(p, off);
    off += p.length;
  }
  return { data, dims, dtype };
}

function selectRows(data: Float32Array, dims: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => out.set(data.subarray(r * dims, (r + 1) * dims), i * dims));
  return out;
}

function zeroNonFinite(data: Float32Array, dims: number, file: string, what: string, log: ProblemLog): void {
  const bad: number[] = [];
  for (let r = 0; r < data.length / dims; r++) {
    for (let k = 0; k < dims; k++) {
      if (!Number.isFinite(data[r * dims + k])) {
        bad.push(r);
        data.fill(0, r * dims, (r + 1) * dims);
        break;
      }
    }
  }
  if (bad.length) {
    log.push({ severity: 'error', file, message: `${bad.length} ${what} rows hold NaN or Inf (first: ${what} ${bad.slice(0, 10).join(', ')}); those rows were set to 0` });
  }
}

export function loadEmbeddingShards(
  root: string,
  rowsPerShard: number[],
  imageRecord: number[],
  captionRecord: number[],
  log: ProblemLog,
  budgetBytes = Infinity,
): { embeddings: Embeddings | null; files: string[]; streamed?: StreamedEmbeddings } {
  const img = shards(root, 'img_emb', 'img_emb');
  const txt = shards(root, 'text_emb', 'text_emb');
  const files = [...img, ...txt];
  if (!img.length || !txt.length) {
    if (files.length) log.push({ severity: 'warning', file: img.length ? 'text_emb' : 'img_emb', message: 'has no shards (img_emb and text_emb go together); embeddings not loaded' });
    return { embeddings: null, files };
  }
  // Over the memory budget: the shards stay on disk and are read by row range.
  const streamed = streamEmbeddingShards(root, img, txt, rowsPerShard, imageRecord, captionRecord, log, budgetBytes);
  if (streamed === 'failed') return { embeddings: null, files };
  if (streamed) return { embeddings: null, files, streamed };
  try {
    const a = loadModality(root, img, rowsPerShard, log);
    const b = loadModality(root, txt, rowsPerShard, log);
    if (a.dims !== b.dims) {
      log.push({ severity: 'error', file: txt[0], message: `has ${b.dims} dims but ${img[0]} has ${a.dims}; the dataset opens without embeddings` });
      return { embeddings: null, files };
    }
    const image = selectRows(a.data, a.dims, imageRecord);
    const text = selectRows(b.data, b.dims, captionRecord);
    zeroNonFinite(image, a.dims, 'img_emb', 'image', log);
    zeroNonFinite(text, b.dims, 'text_emb', 'caption', log);
    const dtype = a.dtype === 'float16' || b.dtype === 'float16' ? 'float16' : 'float32';
    return { embeddings: { dims: a.dims, dtype, image, text, imageLogvar: null, textLogvar: null, source: 'clip-retrieval' }, files };
  } catch (err) {
    if (err instanceof Drop) return { embeddings: null, files };
    throw err;
  }
}
