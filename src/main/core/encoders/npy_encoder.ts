// Precomputed spaces: 'npy:IMG,TXT' (two .npy files the user chose) and 'dataset' (the folder's own
// embeddings/*.npy, already read by the dataset loader). Both are validated before anything is
// saved: 2-D float32/float16, one row per item (rows in item order), equal dims, no NaN/Inf; each
// error names the file and the row. Optional row-order check: a sidecar listing the item id (or
// path) of every row — `<stem>.ids.json` (JSON array) or `<stem>.ids.txt` (one per line) next to a
// user file, `image_ids` / `caption_ids` in embeddings/meta.json — must match the dataset's items.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Problem } from '../../../shared/dataset.js';
import type { Dataset } from '../datasets/dataset.js';
import { NpyError, readNpy, type NpyArray } from '../io/npy.js';
import { readSafetensorsSync, SafetensorsError } from './safetensors.js';
import type { EncodeContext, Encoder, EncoderOutput } from './encoder.js';

/** A precomputed file does not fit the dataset; names the file and, where there is one, the row. */
export class EmbeddingFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly row?: number,
  ) {
    super(row != null ? `${file}: row ${row}: ${message}` : `${file}: ${message}`);
    this.name = 'EmbeddingFileError';
  }
}

async function filesHash(files: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${basename(f)}\0${statSync(f).size}\0`);
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  }
  return h.digest('hex').slice(0, 16);
}

/** L2-normalises rows in place; all-zero rows stay zero. */
export function normalizeRows(a: Float32Array, dims: number): void {
  for (let o = 0; o < a.length; o += dims) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += a[o + d] * a[o + d];
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let d = 0; d < dims; d++) a[o + d] *= inv;
    }
  }
}

/** First row holding NaN or ±Inf, and how many such rows there are. */
export function nonFiniteRows(a: Float32Array, dims: number): { first: number; count: number } | null {
  let first = -1;
  let count = 0;
  for (let r = 0, o = 0; o < a.length; r++, o += dims) {
    for (let d = 0; d < dims; d++) {
      if (!Number.isFinite(a[o + d])) {
        if (first < 0) first = r;
        count++;
        break;
      }
    }
  }
  return first < 0 ? null : { first, count };
}

interface Matrix {
  file: string;
  rows: number;
  dims: number;
  data: Float32Array;
}

/** A .safetensors file holding the embeddings: its one 2-D tensor, or the one named "embeddings". */
function safetensorsMatrix(file: string): Pick<NpyArray, 'shape' | 'data'> {
  const tensors = readSafetensorsSync(file);
  const twoD = [...tensors.entries()].filter(([, t]) => t.shape.length === 2);
  const named = tensors.get('embeddings');
  const pick = named ?? (twoD.length === 1 ? twoD[0][1] : null);
  if (!pick) {
    throw new EmbeddingFileError(file, `holds ${tensors.size} tensors (${[...tensors.keys()].slice(0, 5).join(', ')}); name the embeddings tensor "embeddings" or keep exactly one 2-D tensor`);
  }
  return { shape: pick.shape, data: pick.data };
}

function readMatrix(file: string, kind: 'image' | 'caption', expectedRows: number): Matrix {
  if (!existsSync(file)) throw new EmbeddingFileError(file, 'does not exist');
  let arr: Pick<NpyArray, 'shape' | 'data'>;
  try {
    arr = file.toLowerCase().endsWith('.safetensors') ? safetensorsMatrix(file) : readNpy(file);
  } catch (e) {
    if (e instanceof EmbeddingFileError) throw e;
    if (e instanceof NpyError || e instanceof SafetensorsError) throw new EmbeddingFileError(file, e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message);
    throw new EmbeddingFileError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (arr.shape.length !== 2) throw new EmbeddingFileError(file, `must be a 2-D array (rows × dims) but has shape (${arr.shape.join(', ')})`);
  const [rows, dims] = arr.shape;
  if (dims < 1) throw new EmbeddingFileError(file, 'has 0 dims');
  if (rows !== expectedRows) {
    throw new EmbeddingFileError(file, `has ${rows} rows but the dataset has ${expectedRows} ${kind}s; rows must be the ${kind}s in item order, one each`);
  }
  return { file, rows, dims, data: arr.data };
}

function checkFinite(m: Matrix, itemName: (i: number) => string): void {
  const bad = nonFiniteRows(m.data, m.dims);
  if (bad) throw new EmbeddingFileError(m.file, `holds NaN or Inf (${itemName(bad.first)}; ${bad.count} row${bad.count > 1 ? 's' : ''} in all)`, bad.first);
}

/** Checks an id list against the dataset's items; throws naming the first row out of order. */
export function checkRowOrder(file: string, ids: readonly unknown[], items: ReadonlyArray<{ id: string; path?: string }>, kind: 'image' | 'caption'): void {
  if (ids.length !== items.length) throw new EmbeddingFileError(file, `lists ${ids.length} ${kind} ids but the dataset has ${items.length} ${kind}s`);
  for (let r = 0; r < ids.length; r++) {
    const id = String(ids[r]);
    const it = items[r];
    if (id !== it.id && id !== it.path) {
      throw new EmbeddingFileError(file, `is ${kind} '${id}' but the dataset's ${kind} ${r} is '${it.id}'${it.path ? ` (${it.path})` : ''}: rows must follow the dataset's item order`, r);
    }
  }
}

/** The sidecar id list of a user .npy file, or null. */
export function readIdsSidecar(npyFile: string): { file: string; ids: string[] } | null {
  const stem = join(dirname(npyFile), basename(npyFile, extname(npyFile)));
  const json = `${stem}.ids.json`;
  const txt = `${stem}.ids.txt`;
  if (existsSync(json)) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(json, 'utf8'));
    } catch (e) {
      throw new EmbeddingFileError(json, `is not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(doc)) throw new EmbeddingFileError(json, 'must be a JSON array of item ids, one per row');
    return { file: json, ids: doc.map(String) };
  }
  if (existsSync(txt)) {
    const lines = readFileSync(txt, 'utf8').split(/\r?\n/);
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    return { file: txt, ids: lines };
  }
  return null;
}

const imageName = (ds: Dataset) => (i: number) => `image ${i}, ${ds.images[i]?.path}`;
const captionName = (ds: Dataset) => (i: number) => `caption ${i}, id ${ds.captions[i]?.id}`;

/** 'npy:IMG,TXT': user-chosen files, rows in item order. */
export class NpyEncoder implements Encoder {
  readonly id: string;
  readonly params: Record<string, unknown>;
  readonly readsPixels = false;
  readonly usesTensors = false;

  constructor(
    readonly imageFile: string,
    readonly textFile: string,
    readonly normalize = true,
  ) {
    this.id = `npy:${imageFile},${textFile}`;
    this.params = { normalize };
  }

  weightsHash(): Promise<string> {
    for (const f of [this.imageFile, this.textFile]) if (!existsSync(f)) throw new EmbeddingFileError(f, 'does not exist');
    return filesHash([this.imageFile, this.textFile]);
  }

  estimateBytes(ds: Dataset): number {
    let bytes = 0;
    for (const f of [this.imageFile, this.textFile]) {
      try {
        bytes += statSync(f).size * 3; // file buffer, float32 copy, normalised output
      } catch {
        // missing: encode() says so
      }
    }
    return bytes + (ds.images.length + ds.captions.length) * 64;
  }

  async check(ctx: EncodeContext): Promise<void> {
    this.load(ctx.dataset);
  }

  private load(ds: Dataset): { image: Matrix; text: Matrix } {
    const image = readMatrix(this.imageFile, 'image', ds.images.length);
    const text = readMatrix(this.textFile, 'caption', ds.captions.length);
    if (image.dims !== text.dims) throw new EmbeddingFileError(this.textFile, `has ${text.dims} dims but ${this.imageFile} has ${image.dims}; image and text rows must share one space`);
    checkFinite(image, imageName(ds));
    checkFinite(text, captionName(ds));
    const si = readIdsSidecar(this.imageFile);
    if (si) checkRowOrder(si.file, si.ids, ds.images, 'image');
    const st = readIdsSidecar(this.textFile);
    if (st) checkRowOrder(st.file, st.ids, ds.captions, 'caption');
    return { image, text };
  }

  async encode(ctx: EncodeContext): Promise<EncoderOutput> {
    ctx.onProgress?.({ phase: 'read', done: 0, total: 2 });
    const { image, text } = this.load(ctx.dataset);
    ctx.onProgress?.({ phase: 'read', done: 2, total: 2 });
    if (this.normalize) {
      normalizeRows(image.data, image.dims);
      normalizeRows(text.data, text.dims);
    }
    return { dims: image.dims, image: image.data, text: text.data, normalized: this.normalize, skipped: [], backend: 'js' };
  }
}

/** 'dataset': the folder's embeddings/*.npy (validated by the loader; NaN rows were zeroed there). */
export class DatasetEmbeddingsEncoder implements Encoder {
  readonly id = 'dataset';
  readonly params: Record<string, unknown> = {};
  readonly readsPixels = false;
  readonly usesTensors = false;

  async weightsHash(): Promise<string> {
    // The dataset hash (part of every space key) already covers the embeddings files' bytes.
    return 'in-dataset';
  }

  estimateBytes(ds: Dataset): number {
    const e = ds.embeddings;
    return e ? (ds.images.length + ds.captions.length) * e.dims * 4 * (e.imageLogvar ? 4 : 2) : 0;
  }

  async check(ctx: EncodeContext): Promise<void> {
    this.validate(ctx.dataset);
  }

  private validate(ds: Dataset): NonNullable<Dataset['embeddings']> {
    const e = ds.embeddings;
    if (!e) {
      const why = ds.problems.filter((p) => p.file.startsWith('embeddings')).map((p) => `${p.file}: ${p.message}`);
      throw new EmbeddingFileError('embeddings', why.length ? `not usable: ${why.join('; ')}` : 'the dataset has no embeddings/image.npy and embeddings/text.npy');
    }
    const meta = e.meta ?? {};
    if (Array.isArray(meta.image_ids)) checkRowOrder('embeddings/meta.json image_ids', meta.image_ids, ds.images, 'image');
    if (Array.isArray(meta.caption_ids)) checkRowOrder('embeddings/meta.json caption_ids', meta.caption_ids, ds.captions, 'caption');
    return e;
  }

  async encode(ctx: EncodeContext): Promise<EncoderOutput> {
    const ds = ctx.dataset;
    const e = this.validate(ds);
    // Gaussian embeddings keep their means as they are (CSD needs them unnormalised).
    const probabilistic = !!(e.imageLogvar && e.textLogvar);
    const image = Float32Array.from(e.image);
    const text = Float32Array.from(e.text);
    if (!probabilistic) {
      normalizeRows(image, e.dims);
      normalizeRows(text, e.dims);
    }
    const skipped: Problem[] = ds.problems.filter((p) => p.file.startsWith('embeddings/') && p.severity === 'error');
    return {
      dims: e.dims,
      image,
      text,
      imageLogvar: probabilistic ? Float32Array.from(e.imageLogvar!) : null,
      textLogvar: probabilistic ? Float32Array.from(e.textLogvar!) : null,
      normalized: !probabilistic,
      skipped,
      backend: 'js',
    };
  }
}
