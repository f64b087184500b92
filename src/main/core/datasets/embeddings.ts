// Precomputed embeddings in embeddings/: image.npy, text.npy (float32/float16, rows in item order),
// optional image_logvar.npy / text_logvar.npy (or *_std.npy, converted to log σ² = 2·ln σ), meta.json.
// Any fault here never blocks opening: the dataset opens without embeddings and a Problem says why.
import { constants as bufferConstants } from 'node:buffer';
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Embeddings } from './dataset.js';
import { DatasetError } from './dataset.js';
import { readJsonFile } from './jsonl.js';
import { readNpy, type NpyArray } from '../io/npy.js';
import { parseSafetensorsHeader, readSafetensorsSync, type SafetensorsTensor } from '../encoders/safetensors.js';
import type { RowShard } from '../io/row_shards.js';
import type { ProblemLog } from './problems.js';
import { isFile } from './reader.js';

export const EMBEDDINGS_DIR = 'embeddings';
export const SAFETENSORS_FILE = 'embeddings.safetensors';
const TENSOR_NAMES = ['image', 'text', 'image_logvar', 'text_logvar', 'image_std', 'text_std'];

/** Shards of one safetensors file, Hugging Face style: embeddings-00001-of-00003.safetensors, …. */
const SAFETENSORS_SHARD = /^embeddings-(\d+)-of-(\d+)\.safetensors$/;

/**
 * The safetensors files that hold the folder's embeddings: embeddings.safetensors, else every shard
 * `embeddings-0000K-of-0000M.safetensors` in order (rows of each tensor concatenated across shards).
 * `missing` names the shards of an incomplete set; `[]` when there is none.
 */
export function safetensorsFiles(root: string): { files: string[]; missing: string[] } {
  const dir = path.join(root, EMBEDDINGS_DIR);
  if (isFile(path.join(dir, SAFETENSORS_FILE))) return { files: [SAFETENSORS_FILE], missing: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => SAFETENSORS_SHARD.test(n));
  } catch {
    return { files: [], missing: [] };
  }
  if (!names.length) return { files: [], missing: [] };
  const total = Math.max(...names.map((n) => Number(SAFETENSORS_SHARD.exec(n)![2])));
  const width = SAFETENSORS_SHARD.exec(names[0])![1].length;
  const want = Array.from({ length: total }, (_, k) => `embeddings-${String(k + 1).padStart(width, '0')}-of-${String(total).padStart(width, '0')}.safetensors`);
  return { files: want.filter((n) => names.includes(n)), missing: want.filter((n) => !names.includes(n)) };
}

/**
 * Reads the known tensors of embeddings.safetensors (or of its shards, rows concatenated in shard
 * order); a bad header or tensor, a missing shard or shards that disagree is one error Problem.
 */
function readTensors(root: string, log: ProblemLog, set: { files: string[]; missing: string[] }): Map<string, SafetensorsTensor> | 'failed' {
  const fail = (file: string, message: string): 'failed' => {
    log.push({ severity: 'error', file: `${EMBEDDINGS_DIR}/${file}`, message: `${message}; the dataset opens without embeddings` });
    return 'failed';
  };
  if (set.missing.length) return fail(set.missing[0], `is missing (${set.missing.length} of ${set.files.length + set.missing.length} shards are not there)`);
  const parts: Array<Map<string, SafetensorsTensor>> = [];
  for (const f of set.files) {
    const abs = path.join(root, EMBEDDINGS_DIR, f);
    try {
      const all = readSafetensorsSync(abs);
      parts.push(new Map([...all].filter(([n]) => TENSOR_NAMES.includes(n))));
    } catch (err) {
      const m = (err as Error).message ?? String(err);
      return fail(f, `cannot be read: ${m.startsWith(abs) ? m.slice(abs.length).replace(/^:\s*/, '') : m}`);
    }
  }
  if (parts.length === 1) return parts[0];
  const out = new Map<string, SafetensorsTensor>();
  for (const name of TENSOR_NAMES) {
    const have = parts.map((p) => p.get(name));
    if (have.every((t) => !t)) continue;
    const k = have.findIndex((t) => !t || t.shape.length !== 2 || t.shape[1] !== have[0]?.shape[1]);
    if (k >= 0) return fail(set.files[k], have[k] ? `tensor "${name}" has shape (${have[k]!.shape.join(', ')}), unlike (${have[0]!.shape.join(', ')}) in ${set.files[0]}` : `has no tensor "${name}", which the other shards have`);
    const rows = have.reduce((a, t) => a + t!.shape[0], 0);
    const dims = have[0]!.shape[1];
    const data = new Float32Array(rows * dims);
    let at = 0;
    for (const t of have) {
      data.set(t!.data, at);
      at += t!.data.length;
    }
    out.set(name, { dtype: have.every((t) => t!.dtype === have[0]!.dtype) ? have[0]!.dtype : 'F32', shape: [rows, dims], data });
  }
  return out;
}
const MAX_LISTED_ROWS = 10;

export interface EmbeddingsLoad {
  embeddings: Embeddings | null;
  /** Embedding files that exist (dataset-relative), for the hash. */
  files: string[];
}

interface Counts {
  images: number;
  captions: number;
  /** See ReaderResult.captionRecord. */
  captionRecord: number[];
  recordCount: number;
}

const Meta = z.looseObject({ encoder: z.string().optional() });

class Drop extends Error {}

function shapeText(shape: number[]): string {
  return `(${shape.join(', ')})`;
}

export function loadEmbeddings(root: string, counts: Counts, log: ProblemLog, progress?: (done: number, total: number) => void): EmbeddingsLoad {
  // embeddings/embeddings.safetensors (tensors "image", "text", optional "image_logvar",
  // "text_logvar") stands in for the .npy files when neither image.npy nor text.npy is there.
  const isNpyFile = (name: string): boolean => isFile(path.join(root, EMBEDDINGS_DIR, name));
  const set = !isNpyFile('image.npy') && !isNpyFile('text.npy') ? safetensorsFiles(root) : { files: [], missing: [] };
  const tensorFiles = [...set.files, ...set.missing].map((f) => `${EMBEDDINGS_DIR}/${f}`);
  const tensors = tensorFiles.length ? readTensors(root, log, set) : null;
  if (tensors === 'failed') return { embeddings: null, files: tensorFiles.filter((_, k) => k < set.files.length) };
  const tensorName = (name: string): string => name.replace(/\.npy$/, '');
  const tensorSource = set.files.length > 1 ? `embeddings-*-of-${String(set.files.length).padStart(5, '0')}.safetensors` : set.files[0];
  const rel = (name: string): string => `${EMBEDDINGS_DIR}/${tensors && name.endsWith('.npy') ? tensorSource : name}`;
  const has = (name: string): boolean => (tensors && name.endsWith('.npy') ? tensors.has(tensorName(name)) : isNpyFile(name));
  const names = ['image.npy', 'text.npy', 'image_logvar.npy', 'text_logvar.npy', 'image_std.npy', 'text_std.npy', 'meta.json'];
  // Hashed in this order (the tensor files first, as when they stood in for image.npy).
  const files = [...new Set([...(tensors ? tensorFiles : []), ...names.filter(has).map(rel).filter((f) => !tensors || !f.endsWith('.safetensors'))])];
  if (!has('image.npy') && !has('text.npy')) {
    if (files.length) {
      log.push({ severity: 'warning', file: EMBEDDINGS_DIR, message: `found ${files.join(', ')} but no image.npy/text.npy; embeddings not loaded` });
    }
    return { embeddings: null, files };
  }
  const fail = (file: string, message: string, line?: number): never => {
    log.push({ severity: 'error', file, line, message: `${message}; the dataset opens without embeddings` });
    throw new Drop();
  };

  const load = (name: string): NpyArray => {
    const file = rel(name);
    if (tensors) {
      const t = tensors.get(tensorName(name))!;
      if (t.shape.length !== 2) fail(file, `tensor "${tensorName(name)}" must be 2-D (rows × dims) but has shape ${shapeText(t.shape)}`);
      if (t.shape[1] === 0) fail(file, `tensor "${tensorName(name)}" has shape ${shapeText(t.shape)}: 0 dims per row`);
      return { dtype: t.dtype === 'F16' ? 'float16' : 'float32', shape: t.shape, data: t.data };
    }
    const abs = path.join(root, EMBEDDINGS_DIR, name);
    const size = statSync(abs).size;
    if (size > bufferConstants.MAX_LENGTH) fail(file, `is ${(size / 2 ** 30).toFixed(1)} GiB, more than one file can hold in memory here`);
    let arr: NpyArray;
    try {
      arr = readNpy(abs);
    } catch (err) {
      // Whatever the fault (a header field, a short read, an allocation), the dataset opens without
      // embeddings and the problem names the file.
      const m = (err as Error).message ?? String(err);
      const msg = m.startsWith(abs) ? m.slice(abs.length).replace(/^:\s*/, '') : m;
      return fail(file, `cannot be read: ${msg}`);
    }
    if (arr.shape.length !== 2) fail(file, `must be a 2-D array (rows × dims) but has shape ${shapeText(arr.shape)}`);
    if (arr.shape[1] === 0) fail(file, `has shape ${shapeText(arr.shape)}: 0 dims per row`);
    return arr;
  };

  try {
    if (!has('image.npy')) fail(rel('image.npy'), 'is missing (embeddings/text.npy is there; both are needed)');
    if (!has('text.npy')) fail(rel('text.npy'), 'is missing (embeddings/image.npy is there; both are needed)');
    progress?.(0, 4);
    const image = load('image.npy');
    const text = load('text.npy');
    const [nImg, dImg] = image.shape;
    const [nTxt, dTxt] = text.shape;
    if (nImg !== counts.images) fail(rel('image.npy'), `has ${nImg} rows but the dataset has ${counts.images} images`);
    // text rows: one per caption, or one per caption record of the source when records were skipped.
    let textRows: number[] | null = null;
    if (nTxt !== counts.captions) {
      if (counts.recordCount !== counts.captions && nTxt === counts.recordCount) {
        textRows = counts.captionRecord;
        log.push({
          severity: 'warning',
          file: rel('text.npy'),
          message: `has ${nTxt} rows, one per caption record including the ${counts.recordCount - counts.captions} skipped ones; using the rows of the ${counts.captions} loaded captions`,
        });
      } else {
        fail(rel('text.npy'), `has ${nTxt} rows but the dataset has ${counts.captions} captions`);
      }
    }
    if (dImg !== dTxt) fail(rel('text.npy'), `has ${dTxt} dims but embeddings/image.npy has ${dImg} dims`);
    progress?.(1, 4);

    const variance = (kind: 'image' | 'text', mean: NpyArray): { data: Float32Array; file: string } | null => {
      const lv = `${kind}_logvar.npy`;
      const sd = `${kind}_std.npy`;
      if (!has(lv) && !has(sd)) return null;
      if (has(lv) && has(sd)) log.push({ severity: 'warning', file: rel(sd), message: `ignored: ${rel(lv)} is used instead` });
      const name = has(lv) ? lv : sd;
      const arr = load(name);
      if (arr.shape[0] !== mean.shape[0] || arr.shape[1] !== mean.shape[1]) {
        fail(rel(name), `has shape ${shapeText(arr.shape)} but embeddings/${kind}.npy has shape ${shapeText(mean.shape)}`);
      }
      if (name === sd) {
        const d = arr.data;
        for (let i = 0; i < d.length; i++) d[i] = 2 * Math.log(d[i]); // σ ≤ 0 gives -Inf/NaN, caught below
      }
      return { data: arr.data, file: rel(name) };
    };
    let imageVar = variance('image', image);
    let textVar = variance('text', text);
    if ((imageVar == null) !== (textVar == null)) {
      const present = (imageVar ?? textVar)!.file;
      log.push({ severity: 'warning', file: present, message: 'has no counterpart for the other modality (image and text variances go together); variances ignored, embeddings are deterministic' });
      imageVar = null;
      textVar = null;
    }
    progress?.(2, 4);

    const select = (data: Float32Array, dims: number): Float32Array => {
      if (!textRows) return data;
      const out = new Float32Array(textRows.length * dims);
      textRows.forEach((r, c) => out.set(data.subarray(r * dims, (r + 1) * dims), c * dims));
      return out;
    };
    const dims = dImg;
    const imageData = image.data;
    const textData = select(text.data, dims);
    const imageLogvar = imageVar?.data ?? null;
    const textLogvar = textVar ? select(textVar.data, dims) : null;

    const clean = (data: Float32Array, file: string, what: 'image' | 'caption', fileRow: (i: number) => number, isStd: boolean): void => {
      const bad: number[] = [];
      const rows = data.length / dims;
      for (let r = 0; r < rows; r++) {
        const base = r * dims;
        for (let k = 0; k < dims; k++) {
          if (!Number.isFinite(data[base + k])) {
            bad.push(r);
            data.fill(0, base, base + dims);
            break;
          }
        }
      }
      if (!bad.length) return;
      const listed = bad.slice(0, MAX_LISTED_ROWS).join(', ');
      const more = bad.length > MAX_LISTED_ROWS ? ` and ${bad.length - MAX_LISTED_ROWS} more` : '';
      const cause = isStd ? 'NaN, Inf or σ ≤ 0' : 'NaN or Inf';
      log.push({
        severity: 'error',
        file,
        line: fileRow(bad[0]) + 1,
        message: `${bad.length} row${bad.length > 1 ? 's' : ''} hold ${cause}: ${what} ${listed}${more} (0-based ${what} indices); those rows were set to 0`,
      });
    };
    const imgRow = (i: number): number => i;
    const txtRow = (i: number): number => (textRows ? textRows[i] : i);
    clean(imageData, rel('image.npy'), 'image', imgRow, false);
    clean(textData, rel('text.npy'), 'caption', txtRow, false);
    if (imageLogvar && imageVar) clean(imageLogvar, imageVar.file, 'image', imgRow, imageVar.file.endsWith('_std.npy'));
    if (textLogvar && textVar) clean(textLogvar, textVar.file, 'caption', txtRow, textVar.file.endsWith('_std.npy'));
    progress?.(3, 4);

    let source = `${EMBEDDINGS_DIR}/*.npy`;
    let meta: Record<string, unknown> | undefined;
    if (has('meta.json')) {
      try {
        const doc = readJsonFile(path.join(root, EMBEDDINGS_DIR, 'meta.json'), rel('meta.json'));
        const m = Meta.safeParse(doc.value);
        if (!m.success) {
          log.push({ severity: 'warning', file: rel('meta.json'), message: 'must be a JSON object with an optional string "encoder"; ignored' });
        } else {
          meta = m.data;
          if (m.data.encoder) source = m.data.encoder;
        }
      } catch (err) {
        if (!(err instanceof DatasetError)) throw err;
        log.push({ severity: 'warning', file: rel('meta.json'), line: err.line, message: `${err.message.slice(err.message.indexOf(': ') + 2)}; ignored` });
      }
    }
    progress?.(4, 4);
    const dtype = image.dtype === 'float16' || text.dtype === 'float16' ? 'float16' : 'float32';
    const embeddings: Embeddings = { dims, dtype, image: imageData, text: textData, imageLogvar, textLogvar, source };
    if (meta) embeddings.meta = meta;
    return { embeddings, files };
  } catch (err) {
    if (err instanceof Drop) return { embeddings: null, files };
    throw err;
  }
}

/**
 * The `image` and `text` tensors of embeddings/embeddings.safetensors (or of each of its shards, in
 * order) as row shards, from the headers
 * alone (for embeddings over the memory budget, read by row range); null when the file, a tensor,
 * its shape (2-D) or dtype (F32, F16, BF16) does not fit, and the in-memory reader then reports it.
 */
export function safetensorsShards(root: string): { image: RowShard[]; text: RowShard[] } | null {
  const set = safetensorsFiles(root);
  if (!set.files.length || set.missing.length) return null;
  const image: RowShard[] = [];
  const text: RowShard[] = [];
  for (const f of set.files) {
    const one = fileShards(path.join(root, EMBEDDINGS_DIR, f), `${EMBEDDINGS_DIR}/${f}`);
    if (!one) return null;
    image.push(one.image);
    text.push(one.text);
  }
  const dims = image[0].dims;
  return [...image, ...text].every((r) => r.dims === dims) ? { image, text } : null;
}

/** The `image` and `text` tensors of one safetensors file as row shards (header only), or null. */
function fileShards(abs: string, rel: string): { image: RowShard; text: RowShard } | null {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const len = Buffer.alloc(8);
    if (size < 8 || readSync(fd, len, 0, 8, 0) !== 8) return null;
    const n = Number(len.readBigUInt64LE(0));
    if (n < 2 || n > 100_000_000 || n > size - 8) return null;
    const head = Buffer.alloc(n);
    readSync(fd, head, 0, n, 8);
    const h = parseSafetensorsHeader(abs, head, size);
    const shard = (name: string): RowShard | null => {
      const e = h.entries.find((x) => x.name === name);
      if (!e || e.shape.length !== 2 || e.shape[1] === 0 || (e.dtype !== 'F32' && e.dtype !== 'F16' && e.dtype !== 'BF16')) return null;
      return { file: abs, name: `${rel}#${name}`, begin: e.begin, rows: e.shape[0], dims: e.shape[1], dtype: e.dtype };
    };
    const image = shard('image');
    const text = shard('text');
    return image && text ? { image, text } : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
