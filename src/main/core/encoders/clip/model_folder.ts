// Inspects a local CLIP / SigLIP model folder laid out as @huggingface/transformers expects
// (see CONTEXT.md): names exactly which files are missing before anything is loaded.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export type ClipFamily = 'clip' | 'siglip';

/** Model file variants transformers.js knows, with the file-name suffix of each (onnx/text_model{suffix}.onnx). */
export const DTYPE_SUFFIX = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;
export type ClipDtype = keyof typeof DTYPE_SUFFIX;

/** Families read from config.json "model_type", with the output each tower's embedding comes from. */
const FAMILIES: Record<string, ClipFamily> = { clip: 'clip', siglip: 'siglip' };

export const BASE_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'] as const;

export interface ClipFolder {
  /** Absolute folder. */
  dir: string;
  family: ClipFamily;
  dtype: ClipDtype;
  config: Record<string, unknown>;
  /** Number of external-data chunks per tower (0 = weights inside the .onnx). */
  externalData: { text: number; vision: number };
  /** Every file that will be read, absolute, in a fixed order (hashed for weightsHash). */
  files: string[];
  /** Largest sequence length the text tower takes (tokenizer_config model_max_length, else config). */
  maxLength: number;
}

/** A model folder that cannot be used; `missing` lists the folder-relative paths that are absent. */
export class ModelFolderError extends Error {
  constructor(
    message: string,
    readonly dir: string,
    readonly missing: string[] = [],
  ) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

function readJson(dir: string, rel: string): Record<string, unknown> {
  const file = path.join(dir, rel);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ModelFolderError(`${file}: cannot read: ${(e as Error).message}`, dir);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new ModelFolderError(`${file}: invalid JSON: ${(e as Error).message}`, dir);
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Same rule as transformers.js (utils/model-loader.js): a number, a boolean, or a per-file map. */
function externalChunks(setting: unknown, fullName: string, fileName: string): number {
  if (!setting) return 0;
  if (typeof setting === 'object') {
    const m = setting as Record<string, unknown>;
    if (Object.hasOwn(m, fullName)) return Number(m[fullName]);
    if (Object.hasOwn(m, fileName)) return Number(m[fileName]);
    return 0;
  }
  return Number(setting);
}

function chunkNames(fullName: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${fullName}_data${i === 0 ? '' : `_${i}`}`);
}

/**
 * Checks the folder and returns what will be loaded. Throws ModelFolderError naming every missing
 * file (all of them at once, folder-relative), or an unreadable / unsupported config.
 * `dtype` picks a variant (fp32, fp16, q8, …); without it the first variant present for both towers
 * is used, in the order of DTYPE_SUFFIX.
 */
export function inspectClipFolder(dirIn: string, opts: { dtype?: ClipDtype } = {}): ClipFolder {
  const dir = path.resolve(dirIn);
  if (!existsSync(dir)) throw new ModelFolderError(`model folder ${dir} does not exist`, dir);
  if (!statSync(dir).isDirectory()) throw new ModelFolderError(`model path ${dir} is not a folder`, dir);

  const missing: string[] = BASE_FILES.filter((f) => !isFile(path.join(dir, f)));

  let config: Record<string, unknown> = {};
  let family: ClipFamily | null = null;
  if (!missing.includes('config.json')) {
    config = readJson(dir, 'config.json');
    const type = config.model_type;
    family = typeof type === 'string' ? (FAMILIES[type] ?? null) : null;
    if (!family) {
      throw new ModelFolderError(
        `${path.join(dir, 'config.json')}: model_type ${JSON.stringify(type ?? null)} is not supported; expected one of ${Object.keys(FAMILIES).join(', ')}`,
        dir,
      );
    }
  }

  // The ONNX variant: the asked one, or the first present for both towers.
  const onnxDir = path.join(dir, 'onnx');
  const present = (name: string): boolean => isFile(path.join(onnxDir, name));
  let dtype: ClipDtype | undefined = opts.dtype;
  if (dtype && !Object.hasOwn(DTYPE_SUFFIX, dtype)) {
    throw new ModelFolderError(`unknown model dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(DTYPE_SUFFIX).join(', ')}`, dir);
  }
  if (!dtype) {
    const variants = Object.keys(DTYPE_SUFFIX) as ClipDtype[];
    dtype =
      variants.find((d) => present(`text_model${DTYPE_SUFFIX[d]}.onnx`) && present(`vision_model${DTYPE_SUFFIX[d]}.onnx`)) ??
      // One tower present: report its missing partner rather than the fp32 pair.
      variants.find((d) => present(`text_model${DTYPE_SUFFIX[d]}.onnx`) || present(`vision_model${DTYPE_SUFFIX[d]}.onnx`)) ??
      'fp32';
  }
  const suffix = DTYPE_SUFFIX[dtype];
  const tjs = (config['transformers.js_config'] ?? {}) as Record<string, unknown>;
  const extSetting = tjs.use_external_data_format;
  const towers = { text: `text_model${suffix}.onnx`, vision: `vision_model${suffix}.onnx` };
  const externalData = {
    text: externalChunks(extSetting, towers.text, 'text_model'),
    vision: externalChunks(extSetting, towers.vision, 'vision_model'),
  };
  const modelFiles: string[] = [];
  for (const tower of ['text', 'vision'] as const) {
    const name = towers[tower];
    if (!present(name)) missing.push(`onnx/${name}`);
    modelFiles.push(`onnx/${name}`);
    for (const chunk of chunkNames(name, externalData[tower])) {
      if (!present(chunk)) missing.push(`onnx/${chunk}`);
      modelFiles.push(`onnx/${chunk}`);
    }
    // External data the config does not announce (the .onnx names it itself): hash it too.
    if (externalData[tower] === 0 && existsSync(onnxDir)) {
      for (const f of readdirSync(onnxDir).sort()) if (f.startsWith(`${name}_data`) && isFile(path.join(onnxDir, f))) modelFiles.push(`onnx/${f}`);
    }
  }

  if (missing.length) {
    throw new ModelFolderError(
      `${family ?? 'CLIP/SigLIP'} model folder ${dir} is missing ${missing.length} file${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`,
      dir,
      missing,
    );
  }

  const tokCfg = readJson(dir, 'tokenizer_config.json');
  readJson(dir, 'preprocessor_config.json');
  const textCfg = (config.text_config ?? {}) as Record<string, unknown>;
  const fromTok = typeof tokCfg.model_max_length === 'number' && tokCfg.model_max_length < 1e6 ? tokCfg.model_max_length : null;
  const fromCfg = typeof textCfg.max_position_embeddings === 'number' ? textCfg.max_position_embeddings : null;
  const maxLength = (fromTok ?? fromCfg) != null ? Math.min(fromTok ?? Infinity, fromCfg ?? Infinity) : family === 'siglip' ? 64 : 77;

  return {
    dir,
    family: family!,
    dtype,
    config,
    externalData,
    files: [...BASE_FILES, ...modelFiles].map((f) => path.join(dir, ...f.split('/'))),
    maxLength,
  };
}
