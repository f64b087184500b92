// Pretrained CLIP / SigLIP from a local model folder, through @huggingface/transformers on
// onnxruntime-node (CUDA where available, else cpu). Never reaches the network: the folder is
// checked first (every missing file named), then loaded by absolute path with remote models off.
// See CONTEXT.md in this folder for the folder layout and the choices made.
import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import path from 'node:path';
import type { Problem } from '../../../../shared/dataset.js';
import { makeResolver } from '../../datasets/paths.js';
import { readImageBytes } from '../../datasets/tar_member.js';
import { throwIfAborted } from '../../jobs/job.js';
import type { EncodeContext, Encoder, EncoderOutput } from '../encoder.js';
import { allFinite, hashFiles, l2NormalizeRows } from './files.js';
import { copyRows, keepEosOnTruncation, loadModels, type ClipRuntimeInfo, type Loaded } from './loader.js';
import { type ClipDtype, type ClipFolder, inspectClipFolder } from './model_folder.js';
import { chooseOnnxDevice, type OnnxDevice } from './runtime.js';

export { ModelFolderError } from './model_folder.js';
export type { ClipRuntimeInfo } from './loader.js';

/** Bump when the way vectors are computed changes (keys the cache through params). */
const IMPL_VERSION = 1;

export interface ClipEncoderOptions {
  /** Images per model call (default 16). */
  imageBatch?: number;
  /** Captions per model call (default 64). */
  textBatch?: number;
  /** ONNX device: 'auto' (default; CUDA where available, else cpu), 'cpu' or 'cuda'. */
  device?: 'auto' | OnnxDevice;
  /** Model variant (fp32, fp16, q8, …); default: the first present for both towers. */
  dtype?: ClipDtype;
  /** One line per notable event (device fallback). */
  log?: (line: string) => void;
}

export interface ClipEncoder extends Encoder {
  /** Device, dims and outputs once loaded (null before the first encode). */
  runtime(): ClipRuntimeInfo | null;
  /** Releases the ONNX sessions. */
  dispose(): Promise<void>;
}

/** Model sessions per folder/variant/device, shared by the encoders of one process (counted). */
const loadedModels = new Map<string, { p: Promise<Loaded>; refs: number }>();

/**
 * A CLIP or SigLIP encoder reading the model in `dir` (layout in CONTEXT.md). The folder is only
 * read when params, check, weightsHash or encode is first used.
 */
export function createClipEncoder(dir: string, opts: ClipEncoderOptions = {}): ClipEncoder {
  const absDir = path.resolve(dir);
  const log = opts.log ?? (() => undefined);
  const imageBatch = Math.max(1, opts.imageBatch ?? 16);
  const textBatch = Math.max(1, opts.textBatch ?? 64);
  let folder: ClipFolder | null = null;
  let params: Record<string, unknown> | null = null;
  let loaded: Loaded | null = null;
  let cacheKey: string | null = null;

  const inspect = (): ClipFolder => (folder ??= inspectClipFolder(absDir, { dtype: opts.dtype }));

  const ensureLoaded = async (): Promise<Loaded> => {
    if (loaded) return loaded;
    const f = inspect();
    const choice = chooseOnnxDevice(opts.device ?? 'auto');
    const key = `${f.dir}\0${f.dtype}\0${choice.device}`;
    let entry = loadedModels.get(key);
    if (!entry) {
      const e = { p: loadModels(f, choice, log), refs: 0 };
      e.p.catch(() => {
        if (loadedModels.get(key) === e) loadedModels.delete(key);
      });
      loadedModels.set(key, e);
      entry = e;
    }
    entry.refs++;
    try {
      loaded = await entry.p;
    } catch (err) {
      entry.refs--;
      throw err;
    }
    cacheKey = key;
    return loaded;
  };

  const encodeCaptions = async (L: Loaded, ctx: EncodeContext, out: Float32Array, dims: number): Promise<void> => {
    const caps = ctx.dataset.captions;
    const n = caps.length;
    const family = L.folder.family;
    for (let start = 0; start < n; start += textBatch) {
      throwIfAborted(ctx.signal, 'encoding');
      const end = Math.min(n, start + textBatch);
      const texts = caps.slice(start, end).map((c) => c.text ?? '');
      const inputs = L.tokenizer(texts, {
        padding: family === 'siglip' ? 'max_length' : true,
        truncation: true,
        max_length: L.folder.maxLength,
      });
      if (L.appendsEos && L.tokenizer.eos_token_id != null) keepEosOnTruncation(inputs, L.tokenizer.eos_token_id);
      const res = await L.text(inputs);
      const rows = Array.from({ length: end - start }, (_, i) => start + i);
      copyRows(res[L.info.textOutput]!, out, rows, dims);
      ctx.onProgress?.({ phase: 'captions', done: end, total: n });
    }
  };

  const encodeImages = async (L: Loaded, ctx: EncodeContext, out: Float32Array, dims: number, skipped: Problem[]): Promise<void> => {
    const images = ctx.dataset.images;
    const n = images.length;
    const resolve = makeResolver(ctx.dataset.root);
    const skip = (file: string, message: string): void => {
      skipped.push({ severity: 'warning', file, message: `${message}; image skipped (its vector is zero)` });
    };
    const decode = async (i: number): Promise<unknown | null> => {
      const img = images[i]!;
      if (img.missing) {
        skip(img.path, 'image file is missing');
        return null;
      }
      try {
        const bytes = await readImageBytes(resolve, img.path);
        if (!bytes) {
          skip(img.path, 'image file is missing');
          return null;
        }
        const raw = (await L.t.RawImage.fromBlob(new Blob([bytes]))) as { width: number; height: number };
        if (!raw.width || !raw.height) throw new Error('empty image');
        return raw;
      } catch (e) {
        skip(img.path, `cannot read image: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
        return null;
      }
    };
    const run = async (rows: number[], raws: unknown[]): Promise<void> => {
      const res = await L.vision(await L.processor(raws));
      copyRows(res[L.info.imageOutput]!, out, rows, dims);
    };
    for (let start = 0; start < n; start += imageBatch) {
      throwIfAborted(ctx.signal, 'encoding');
      const end = Math.min(n, start + imageBatch);
      const rows: number[] = [];
      const raws: unknown[] = [];
      const decoded = await Promise.all(Array.from({ length: end - start }, (_, k) => decode(start + k)));
      decoded.forEach((raw, k) => {
        if (raw) {
          rows.push(start + k);
          raws.push(raw);
        }
      });
      if (raws.length) {
        try {
          await run(rows, raws);
        } catch {
          // One odd image (e.g. an unusual channel layout) must not sink the batch: retry one by one.
          for (let k = 0; k < rows.length; k++) {
            try {
              await run([rows[k]!], [raws[k]!]);
            } catch (e) {
              skip(images[rows[k]!]!.path, `cannot encode image: ${((e as Error).message ?? String(e)).split('\n')[0]}`);
              out.fill(0, rows[k]! * dims, (rows[k]! + 1) * dims);
            }
          }
        }
      }
      ctx.onProgress?.({ phase: 'images', done: end, total: n });
    }
  };

  return {
    id: `clip:${absDir}`,
    get params(): Record<string, unknown> {
      if (params) return params;
      let f: ClipFolder | null = null;
      try {
        f = inspect();
      } catch {
        // check()/encode() report the problem; params stay minimal meanwhile.
      }
      const p: Record<string, unknown> = f
        ? { family: f.family, dtype: f.dtype, maxLength: f.maxLength, padding: f.family === 'siglip' ? 'max_length' : 'longest', impl: IMPL_VERSION }
        : { impl: IMPL_VERSION };
      if (f) params = p;
      return p;
    },

    async weightsHash(): Promise<string> {
      const f = inspect();
      return hashFiles(f.dir, f.files);
    },

    async check(ctx: EncodeContext): Promise<void> {
      folder = null; // re-read: the user may have fixed the folder since
      const f = inspect();
      // Memory: the model (about 1.5× its files) plus the two output matrices, against 75% of RAM.
      const modelBytes = f.files.reduce((s, file) => s + statSync(file).size, 0);
      const projection = Number((f.config as { projection_dim?: number }).projection_dim ?? 1024);
      const rows = ctx.dataset.images.length + ctx.dataset.captions.length;
      const need = modelBytes * 1.5 + rows * projection * 4 * 2 + imageBatch * 3 * 1024 * 1024 * 4;
      const have = totalmem() * 0.75;
      if (need > have) {
        throw new Error(
          `encoding ${rows} items with ${f.dir} needs about ${(need / 2 ** 30).toFixed(1)} GiB but only ${(have / 2 ** 30).toFixed(1)} GiB can be used; use a smaller model or dataset`,
        );
      }
    },

    async encode(ctx: EncodeContext): Promise<EncoderOutput> {
      throwIfAborted(ctx.signal, 'encoding');
      ctx.onProgress?.({ phase: 'load model', done: 0, total: 1 });
      const L = await ensureLoaded();
      ctx.onProgress?.({ phase: 'load model', done: 1, total: 1 });
      const dims = L.info.dims;
      const nImages = ctx.dataset.images.length;
      const nCaptions = ctx.dataset.captions.length;
      const image = new Float32Array(nImages * dims);
      const text = new Float32Array(nCaptions * dims);
      const skipped: Problem[] = [];
      await encodeCaptions(L, ctx, text, dims);
      await encodeImages(L, ctx, image, dims, skipped);
      throwIfAborted(ctx.signal, 'encoding');
      if (!allFinite(text) || !allFinite(image)) throw new Error(`${absDir}: the model produced NaN or infinite values`);
      l2NormalizeRows(text, dims);
      l2NormalizeRows(image, dims);
      return { dims, image, text, normalized: true, skipped };
    },

    runtime(): ClipRuntimeInfo | null {
      return loaded?.info ?? null;
    },

    async dispose(): Promise<void> {
      if (!loaded || !cacheKey) return;
      const L = loaded;
      const key = cacheKey;
      const entry = loadedModels.get(key);
      loaded = null;
      cacheKey = null;
      if (entry && --entry.refs > 0) return;
      loadedModels.delete(key);
      await Promise.all([L.text.dispose(), L.vision.dispose()]);
    },
  };
}
