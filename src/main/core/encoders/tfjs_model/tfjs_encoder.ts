// TensorFlow.js models as encoders: an image model and a text model (layers or graph models in
// `model.json` folders), each with an `mlens.json` sidecar saying how to build its input.
// Spec (after `tfjs:`): `DIR` holding `image/` and `text/` model folders, or `IMGDIR,TXTDIR` (either
// order; each sidecar names its modality). Loaded with fs only: no network. See ../clip/CONTEXT.md.
import { existsSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import path from 'node:path';
import type { Problem } from '../../../../shared/dataset.js';
import { makeResolver } from '../../datasets/paths.js';
import { readImageBytes } from '../../datasets/tar_member.js';
import { throwIfAborted } from '../../jobs/job.js';
import { initBackend, tf } from '../../tensor/backend.js';
import { allFinite, hashFiles, l2NormalizeRows } from '../clip/files.js';
import type { EncodeContext, Encoder, EncoderOutput } from '../encoder.js';
import type { Rgba } from './decode.js';
import { decodeAnyImage } from '../image_decode_any.js';
import { fileLoadHandler, inspectModelFolder, type ModelFolderFiles } from './model_io.js';
import { type ImageSidecar, readSidecar, SIDECAR, type Sidecar, sidecarParams, type TextSidecar, TfjsModelError } from './sidecar.js';
import { hashedNgrams, tokenIds } from './text_input.js';

export { TfjsModelError } from './sidecar.js';

const IMPL_VERSION = 1;

export interface TfjsSpec {
  imageDir: string;
  textDir: string;
}

function hasModel(dir: string): boolean {
  return existsSync(path.join(dir, 'model.json'));
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Resolves a `tfjs:` spec to the two model folders. A path that exists as written is one folder
 * (with `image/` and `text/` inside); otherwise a comma separates two folders.
 */
export function parseTfjsSpec(spec: string): TfjsSpec {
  const s = spec.trim();
  if (isDir(s)) {
    const dir = path.resolve(s);
    const img = path.join(dir, 'image');
    const txt = path.join(dir, 'text');
    if (hasModel(img) && hasModel(txt)) return { imageDir: img, textDir: txt };
    if (hasModel(dir)) {
      let what = 'one model';
      try {
        what = `only an ${readSidecar(dir).modality} model`;
      } catch {
        // the sidecar's own problem is reported when the folder is used
      }
      throw new TfjsModelError(
        `holds ${what}; an encoder needs an image model and a text model: give both as tfjs:IMAGE_DIR,TEXT_DIR, or put them in image/ and text/ subfolders`,
        dir,
      );
    }
    const missing = [img, txt].filter((d) => !hasModel(d)).map((d) => path.join(d, 'model.json'));
    throw new TfjsModelError(`has no model.json, and no image/ and text/ model folders (missing ${missing.join(', ')})`, dir);
  }
  const parts = s.split(',').map((p) => p.trim());
  if (parts.length !== 2 || parts.some((p) => p === '')) {
    throw new TfjsModelError('is not a folder; expected tfjs:DIR (with image/ and text/ inside) or tfjs:IMAGE_DIR,TEXT_DIR', s);
  }
  const dirs = parts.map((p) => path.resolve(p));
  for (const d of dirs) if (!isDir(d)) throw new TfjsModelError('is not a folder', d);
  const kinds = dirs.map((d) => readSidecar(d).modality);
  if (kinds[0] === kinds[1]) {
    throw new TfjsModelError(`both models are ${kinds[0]} models (${path.join(dirs[0]!, SIDECAR)}, ${path.join(dirs[1]!, SIDECAR)}); one must be "image" and one "text"`, s);
  }
  return kinds[0] === 'image' ? { imageDir: dirs[0]!, textDir: dirs[1]! } : { imageDir: dirs[1]!, textDir: dirs[0]! };
}

function specId(spec: string): string {
  const s = spec.trim();
  if (isDir(s) || !s.includes(',')) return `tfjs:${path.resolve(s)}`;
  return `tfjs:${s
    .split(',')
    .map((p) => path.resolve(p.trim()))
    .join(',')}`;
}

// ---- one loaded tower --------------------------------------------------------------------------

interface Tower {
  dir: string;
  sidecar: Sidecar;
  files: ModelFolderFiles;
  inputShape: Array<number | null> | null;
  inputDtype: 'float32' | 'int32';
  run(x: tf.Tensor): tf.Tensor2D;
  dispose(): void;
}

type AnyModel = {
  inputs: Array<{ shape?: Array<number | null> | number[]; dtype?: string }>;
  outputNames?: string[];
  outputNodes?: string[];
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>;
  execute?(x: tf.Tensor, outputs?: string): tf.Tensor | tf.Tensor[];
  dispose(): void;
};

async function loadTower(dir: string, want: 'image' | 'text'): Promise<Tower> {
  const sidecar = readSidecar(dir);
  if (sidecar.modality !== want) {
    throw new TfjsModelError(`says "modality": "${sidecar.modality}" but the folder is used as the ${want} model`, path.join(dir, SIDECAR));
  }
  const files = inspectModelFolder(dir);
  const handler = fileLoadHandler(files);
  let model: AnyModel;
  try {
    if (files.format === 'graph-model') {
      const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
      model = (await loadGraphModel(handler)) as unknown as AnyModel;
    } else {
      const { loadLayersModel } = await import('@tensorflow/tfjs-layers');
      model = (await loadLayersModel(handler)) as unknown as AnyModel;
    }
  } catch (e) {
    if (e instanceof TfjsModelError) throw e;
    throw new TfjsModelError(`cannot load the ${files.format}: ${(e as Error).message.split('\n')[0]}`, path.join(dir, 'model.json'));
  }
  const info = model.inputs[0];
  const inputShape = info?.shape ? info.shape.map((d) => (d == null || d < 0 ? null : d)) : null;
  const inputDtype = info?.dtype === 'int32' ? 'int32' : 'float32';
  const outName = sidecar.output;
  const names = model.outputNames ?? model.outputNodes ?? [];
  if (outName && !names.includes(outName)) {
    model.dispose();
    throw new TfjsModelError(`"output": "${outName}" is not an output of the model (it has ${names.join(', ') || 'none named'})`, path.join(dir, SIDECAR));
  }
  const run = (x: tf.Tensor): tf.Tensor2D => {
    let y: tf.Tensor | tf.Tensor[] | Record<string, tf.Tensor>;
    if (files.format === 'graph-model' && model.execute) y = model.execute(x, outName ?? undefined);
    else y = model.predict(x);
    let t: tf.Tensor;
    if (Array.isArray(y)) t = y[outName ? names.indexOf(outName) : 0]!;
    else if (y instanceof tf.Tensor) t = y;
    else t = (outName ? y[outName] : Object.values(y)[0])!;
    const b = t.shape[0] ?? 1;
    return (t.rank === 2 ? t : tf.reshape(t, [b, -1])) as tf.Tensor2D;
  };
  return { dir, sidecar, files, inputShape, inputDtype, run, dispose: () => model.dispose() };
}

/** The shape one input row needs, checked against the model's declared input shape. */
function rowShape(t: Tower): number[] {
  const file = path.join(t.dir, SIDECAR);
  const declared = t.inputShape;
  if (t.sidecar.modality === 'image') {
    const s = t.sidecar;
    const [h, w] = s.inputSize;
    const shape = s.channelsFirst ? [s.channels, h, w] : [h, w, s.channels];
    if (declared && (declared.length !== 4 || shape.some((d, i) => declared[i + 1] !== null && declared[i + 1] !== d))) {
      throw new TfjsModelError(
        `inputSize ${JSON.stringify(s.inputSize)} with channels ${s.channels}${s.channelsFirst ? ' (channels first)' : ''} gives input [batch, ${shape.join(', ')}] but the model takes [${declared.map((d) => d ?? 'batch').join(', ')}]`,
        file,
      );
    }
    return shape;
  }
  const s = t.sidecar;
  const modelLen = declared && declared.length === 2 ? declared[1] : null;
  if (s.textInput === 'hashed-ngrams') {
    const dims = s.dims ?? modelLen;
    if (!dims) throw new TfjsModelError('"dims" is needed: the model input has no fixed size', file);
    if (modelLen && dims !== modelLen) throw new TfjsModelError(`"dims": ${dims} but the model takes vectors of ${modelLen}`, file);
    return [dims];
  }
  const len = s.maxLength ?? modelLen ?? 64;
  if (modelLen && len !== modelLen) throw new TfjsModelError(`"maxLength": ${len} but the model takes sequences of ${modelLen}`, file);
  return [len];
}

function textBatch(t: Tower & { sidecar: TextSidecar }, texts: string[], row: number[]): tf.Tensor {
  const s = t.sidecar;
  if (s.textInput === 'hashed-ngrams') return tf.tensor2d(hashedNgrams(texts, row[0]!, s.ngrams, s.lowercase), [texts.length, row[0]!]);
  const ids = tokenIds(texts, { vocab: s.vocab!, maxLength: row[0]!, padId: s.padId, unkId: s.unkId, bosId: s.bosId, eosId: s.eosId, lowercase: s.lowercase });
  return t.inputDtype === 'int32' ? tf.tensor2d(ids, [texts.length, row[0]!], 'int32') : tf.tensor2d(Float32Array.from(ids), [texts.length, row[0]!]);
}

function imageBatch(s: ImageSidecar, imgs: Rgba[]): tf.Tensor {
  const [H, W] = s.inputSize;
  return tf.tidy(() => {
    const rows = imgs.map((img) => {
      let t: tf.Tensor3D = tf.cast(tf.slice(tf.tensor3d(img.data, [img.height, img.width, 4], 'int32'), [0, 0, 0], [img.height, img.width, 3]), 'float32');
      let h = img.height;
      let w = img.width;
      let th = H;
      let tw = W;
      if (s.resize === 'crop') {
        const k = Math.max(H / h, W / w);
        th = Math.max(H, Math.round(h * k));
        tw = Math.max(W, Math.round(w * k));
      }
      // Box-filter big reductions first: bilinear alone aliases when shrinking a lot.
      const f = Math.floor(Math.min(h / th, w / tw));
      if (f >= 2) {
        t = tf.avgPool(t, [f, f], [f, f], 'valid');
        h = t.shape[0];
        w = t.shape[1];
      }
      if (h !== th || w !== tw) t = tf.image.resizeBilinear(t, [th, tw], false, true);
      if (s.resize === 'crop') t = tf.slice(t, [Math.floor((th - H) / 2), Math.floor((tw - W) / 2), 0], [H, W, 3]);
      if (s.channels === 1) t = tf.mean(t, 2, true);
      return tf.div(tf.sub(tf.mul(t, s.scale), tf.tensor1d(s.mean)), tf.tensor1d(s.std));
    });
    const x = tf.stack(rows);
    return s.channelsFirst ? tf.transpose(x, [0, 3, 1, 2]) : x;
  });
}

export interface TfjsEncoderOptions {
  log?: (line: string) => void;
}

export interface TfjsEncoder extends Encoder {
  readonly spec: () => TfjsSpec;
  dispose(): void;
}

/** An encoder from a `tfjs:` spec (the text after the colon). Folders are read on first use. */
export function createTfjsEncoder(specIn: string, _opts: TfjsEncoderOptions = {}): TfjsEncoder {
  let spec: TfjsSpec | null = null;
  let towers: { image: Tower; text: Tower; dims: number; rows: { image: number[]; text: number[] } } | null = null;
  let params: Record<string, unknown> | null = null;
  const getSpec = (): TfjsSpec => (spec ??= parseTfjsSpec(specIn));

  const load = async (): Promise<NonNullable<typeof towers>> => {
    if (towers) return towers;
    const sp = getSpec();
    await initBackend();
    const image = await loadTower(sp.imageDir, 'image');
    let text: Tower;
    try {
      text = await loadTower(sp.textDir, 'text');
    } catch (e) {
      image.dispose();
      throw e;
    }
    try {
      const rows = { image: rowShape(image), text: rowShape(text) };
      const probe = (t: Tower, row: number[]): number =>
        tf.tidy(() => t.run(tf.zeros([1, ...row], t.inputDtype)).shape[1]);
      const imageDims = probe(image, rows.image);
      const textDims = probe(text, rows.text);
      if (imageDims !== textDims) {
        throw new TfjsModelError(
          `the image model (${sp.imageDir}) gives ${imageDims}-dimensional vectors but the text model (${sp.textDir}) gives ${textDims}; images and captions must share one space`,
          `tfjs:${sp.imageDir},${sp.textDir}`,
        );
      }
      if (image.sidecar.normalize !== text.sidecar.normalize) {
        throw new TfjsModelError(`"normalize" differs between ${path.join(sp.imageDir, SIDECAR)} and ${path.join(sp.textDir, SIDECAR)}`, `tfjs:${sp.imageDir},${sp.textDir}`);
      }
      towers = { image, text, dims: imageDims, rows };
      return towers;
    } catch (e) {
      image.dispose();
      text.dispose();
      throw e;
    }
  };

  return {
    id: specId(specIn),
    spec: getSpec,
    get params(): Record<string, unknown> {
      if (params) return params;
      try {
        const sp = getSpec();
        params = { image: sidecarParams(readSidecar(sp.imageDir)), text: sidecarParams(readSidecar(sp.textDir)), impl: IMPL_VERSION };
        return params;
      } catch {
        return { impl: IMPL_VERSION };
      }
    },

    async weightsHash(): Promise<string> {
      const sp = getSpec();
      const files: string[] = [];
      for (const dir of [sp.imageDir, sp.textDir]) {
        const s = readSidecar(dir);
        files.push(...inspectModelFolder(dir).files, path.join(dir, SIDECAR));
        if (s.modality === 'text' && s.vocabFile) files.push(s.vocabFile);
      }
      return hashFiles(path.dirname(sp.imageDir), files);
    },

    async check(ctx: EncodeContext): Promise<void> {
      spec = null;
      const sp = getSpec();
      let bytes = 0;
      for (const dir of [sp.imageDir, sp.textDir]) {
        readSidecar(dir);
        for (const f of inspectModelFolder(dir).files) bytes += statSync(f).size;
      }
      const rows = ctx.dataset.images.length + ctx.dataset.captions.length;
      const need = bytes * 3 + rows * 1024 * 4 * 2;
      const have = totalmem() * 0.75;
      if (need > have) {
        throw new Error(`encoding ${rows} items with ${specIn} needs about ${(need / 2 ** 30).toFixed(1)} GiB but only ${(have / 2 ** 30).toFixed(1)} GiB can be used`);
      }
    },

    async encode(ctx: EncodeContext): Promise<EncoderOutput> {
      throwIfAborted(ctx.signal, 'encoding');
      ctx.onProgress?.({ phase: 'load model', done: 0, total: 1 });
      const T = await load();
      ctx.onProgress?.({ phase: 'load model', done: 1, total: 1 });
      const { dims } = T;
      const caps = ctx.dataset.captions;
      const imgs = ctx.dataset.images;
      const text = new Float32Array(caps.length * dims);
      const image = new Float32Array(imgs.length * dims);
      const skipped: Problem[] = [];

      const ts = T.text.sidecar as TextSidecar;
      for (let start = 0; start < caps.length; start += ts.batch) {
        throwIfAborted(ctx.signal, 'encoding');
        const end = Math.min(caps.length, start + ts.batch);
        const x = textBatch(T.text as Tower & { sidecar: TextSidecar }, caps.slice(start, end).map((c) => c.text ?? ''), T.rows.text);
        const y = tf.tidy(() => T.text.run(x));
        text.set(await y.data<'float32'>(), start * dims);
        tf.dispose([x, y]);
        ctx.onProgress?.({ phase: 'captions', done: end, total: caps.length });
      }

      const is = T.image.sidecar as ImageSidecar;
      const resolve = makeResolver(ctx.dataset.root);
      const skip = (file: string, message: string): void => {
        skipped.push({ severity: 'warning', file, message: `${message}; image skipped (its vector is zero)` });
      };
      for (let start = 0; start < imgs.length; start += is.batch) {
        throwIfAborted(ctx.signal, 'encoding');
        const end = Math.min(imgs.length, start + is.batch);
        const rows: number[] = [];
        const decoded: Rgba[] = [];
        for (let i = start; i < end; i++) {
          const item = imgs[i]!;
          if (item.missing) {
            skip(item.path, 'image file is missing');
            continue;
          }
          try {
            const bytes = await readImageBytes(resolve, item.path);
            if (!bytes) {
              skip(item.path, 'image file is missing');
              continue;
            }
            const img = await decodeAnyImage(bytes, item.path);
            if (!img.width || !img.height) throw new Error('empty image');
            decoded.push(img);
            rows.push(i);
          } catch (e) {
            skip(item.path, `cannot read image: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
          }
        }
        if (decoded.length) {
          const x = imageBatch(is, decoded);
          const y = tf.tidy(() => T.image.run(x));
          const data = await y.data<'float32'>();
          tf.dispose([x, y]);
          rows.forEach((row, k) => image.set(data.subarray(k * dims, (k + 1) * dims), row * dims));
        }
        ctx.onProgress?.({ phase: 'images', done: end, total: imgs.length });
      }
      throwIfAborted(ctx.signal, 'encoding');
      if (!allFinite(text) || !allFinite(image)) throw new Error(`${specIn}: the model produced NaN or infinite values`);
      const normalized = T.image.sidecar.normalize;
      if (normalized) {
        l2NormalizeRows(text, dims);
        l2NormalizeRows(image, dims);
      }
      return { dims, image, text, normalized, skipped };
    },

    dispose(): void {
      if (!towers) return;
      towers.image.dispose();
      towers.text.dispose();
      towers = null;
    },
  };
}
