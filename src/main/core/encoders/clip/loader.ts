// The CLIP / SigLIP towers through transformers.js: loading (CUDA, else cpu), probing, tensor reads.
import { ModelFolderError, type ClipDtype, type ClipFamily, type ClipFolder } from './model_folder.js';
import { loadTransformers, type DeviceChoice, type OnnxDevice, type Transformers } from './runtime.js';

export interface ClipRuntimeInfo {
  family: ClipFamily;
  dtype: ClipDtype;
  device: OnnxDevice;
  /** Why CUDA is not in use, when it is not. */
  deviceReason: string | null;
  dims: number;
  /** Output names the vectors were read from. */
  textOutput: string;
  imageOutput: string;
  loadSeconds: number;
}

// ---- minimal shapes of the library objects used here -------------------------------------------

export interface TTensor {
  dims: number[];
  data: ArrayLike<number | bigint>;
  type: string;
}
export type TokenizerFn = ((texts: string[], opts: Record<string, unknown>) => Record<string, TTensor>) & {
  eos_token_id?: number | null;
  pad_token_id?: number | null;
};
export type ProcessorFn = (images: unknown[]) => Promise<{ pixel_values: TTensor }>;
export interface TModel {
  (inputs: Record<string, unknown>): Promise<Record<string, TTensor>>;
  dispose(): Promise<unknown>;
}

export interface Loaded {
  folder: ClipFolder;
  t: Transformers;
  tokenizer: TokenizerFn;
  processor: ProcessorFn;
  text: TModel;
  vision: TModel;
  info: ClipRuntimeInfo;
  /** The tokenizer appends an end token that truncation must keep (CLIP pools there). */
  appendsEos: boolean;
}

const TEXT_OUTPUTS = ['text_embeds', 'pooler_output', 'sentence_embedding'];
const IMAGE_OUTPUTS = ['image_embeds', 'pooler_output', 'image_embedding'];

function pickOutput(out: Record<string, TTensor>, wanted: string[], tower: string, dir: string): string {
  for (const w of wanted) {
    const t = out[w];
    if (t && t.dims.length === 2) return w;
  }
  const have = Object.entries(out)
    .map(([k, v]) => `${k} [${v.dims.join(', ')}]`)
    .join(', ');
  throw new ModelFolderError(`${dir}: the ${tower} model has none of the outputs ${wanted.join(', ')} as a [batch, dims] tensor (it has ${have})`, dir);
}

/** Copies a [batch, dims] output into rows of `dst` (any float type, fp16 included). */
export function copyRows(t: TTensor, dst: Float32Array, rowIdx: number[], dims: number): void {
  const src = t.data;
  for (let b = 0; b < rowIdx.length; b++) {
    const o = rowIdx[b]! * dims;
    for (let j = 0; j < dims; j++) dst[o + j] = Number(src[b * dims + j]);
  }
}

export async function loadModels(folder: ClipFolder, choice: DeviceChoice, log: (l: string) => void): Promise<Loaded> {
  const t0 = performance.now();
  const t = await loadTransformers();
  const dir = folder.dir;
  const TextCls = folder.family === 'siglip' ? t.SiglipTextModel : t.CLIPTextModelWithProjection;
  const VisionCls = folder.family === 'siglip' ? t.SiglipVisionModel : t.CLIPVisionModelWithProjection;
  const load = async (device: OnnxDevice): Promise<[TModel, TModel]> => {
    const opts = {
      local_files_only: true,
      device,
      dtype: folder.dtype,
      ...(folder.externalData.text || folder.externalData.vision
        ? { use_external_data_format: { text_model: folder.externalData.text, vision_model: folder.externalData.vision } }
        : {}),
    };
    const [a, b] = await Promise.all([TextCls.from_pretrained(dir, opts), VisionCls.from_pretrained(dir, opts)]);
    return [a as unknown as TModel, b as unknown as TModel];
  };
  let device = choice.device;
  let reason = choice.reason;
  let models: [TModel, TModel];
  try {
    models = await load(device);
  } catch (e) {
    if (device !== 'cuda') throw wrapLoadError(e, dir);
    reason = `CUDA failed to start: ${(e as Error).message.split('\n')[0]}`;
    log(`clip: ${reason}; using cpu`);
    device = 'cpu';
    try {
      models = await load('cpu');
    } catch (e2) {
      throw wrapLoadError(e2, dir);
    }
  }
  if (reason && choice.reason === reason) log(`clip: running on cpu (${reason})`);
  let tokenizer: TokenizerFn;
  let processor: ProcessorFn;
  try {
    tokenizer = (await t.AutoTokenizer.from_pretrained(dir, { local_files_only: true })) as unknown as TokenizerFn;
    processor = (await t.AutoImageProcessor.from_pretrained(dir, { local_files_only: true })) as unknown as ProcessorFn;
  } catch (e) {
    await Promise.all(models.map((m) => m.dispose()));
    throw wrapLoadError(e, dir);
  }
  const [text, vision] = models;

  // Probe both towers once: output names and sizes, checked before any real work.
  const probe = tokenizer(['a'], { padding: folder.family === 'siglip' ? 'max_length' : true, truncation: true, max_length: folder.maxLength });
  const ids = Array.from(probe.input_ids!.data, Number);
  const appendsEos = tokenizer.eos_token_id != null && ids[ids.length - 1] === tokenizer.eos_token_id;
  const textOut = await text(probe);
  const textOutput = pickOutput(textOut, TEXT_OUTPUTS, 'text', dir);
  const gray = new t.RawImage(new Uint8ClampedArray(64 * 64 * 3).fill(128), 64, 64, 3);
  const visionOut = await vision(await processor([gray]));
  const imageOutput = pickOutput(visionOut, IMAGE_OUTPUTS, 'vision', dir);
  const textDims = textOut[textOutput]!.dims[1]!;
  const imageDims = visionOut[imageOutput]!.dims[1]!;
  if (textDims !== imageDims) {
    await Promise.all(models.map((m) => m.dispose()));
    throw new ModelFolderError(
      `${dir}: the text model gives ${textDims}-dimensional vectors (${textOutput}) but the vision model gives ${imageDims} (${imageOutput}); images and captions must share one space`,
      dir,
    );
  }
  return {
    folder,
    t,
    tokenizer,
    processor,
    text,
    vision,
    appendsEos,
    info: {
      family: folder.family,
      dtype: folder.dtype,
      device,
      deviceReason: reason,
      dims: textDims,
      textOutput,
      imageOutput,
      loadSeconds: (performance.now() - t0) / 1000,
    },
  };
}

function wrapLoadError(e: unknown, dir: string): Error {
  if (e instanceof ModelFolderError) return e;
  const msg = (e as Error)?.message ?? String(e);
  return new ModelFolderError(`${dir}: the model could not be loaded: ${msg.split('\n')[0]}`, dir);
}

/** Sets the last token of truncated rows back to the end token (as the Python tokenizer does). */
export function keepEosOnTruncation(inputs: Record<string, TTensor>, eos: number): void {
  const ids = inputs.input_ids!;
  const mask = inputs.attention_mask;
  const [rows, cols] = ids.dims as [number, number];
  const data = ids.data as unknown as BigInt64Array;
  for (let r = 0; r < rows; r++) {
    const last = r * cols + cols - 1;
    const full = !mask || Number(mask.data[last]) === 1;
    if (full && Number(data[last]) !== eos) data[last] = BigInt(eos);
  }
}
