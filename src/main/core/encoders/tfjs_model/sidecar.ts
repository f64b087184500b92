// The `mlens.json` sidecar next to a TensorFlow.js model.json: which modality the model encodes
// and how to turn images or captions into its input. Format documented in ../clip/CONTEXT.md.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SIDECAR = 'mlens.json';

export interface ImageSidecar {
  modality: 'image';
  /** Model input height and width. */
  inputSize: [number, number];
  /** 3 = RGB, 1 = grey (mean of R, G, B). */
  channels: 1 | 3;
  /** NCHW instead of NHWC. */
  channelsFirst: boolean;
  /** 'stretch' resizes straight to inputSize; 'crop' resizes the short side then crops the centre. */
  resize: 'stretch' | 'crop';
  /** Pixel value multiplier before mean/std (1/255 maps 0..255 to 0..1). */
  scale: number;
  mean: number[];
  std: number[];
  output: string | null;
  normalize: boolean;
  batch: number;
}

export interface TextSidecar {
  modality: 'text';
  textInput: 'hashed-ngrams' | 'token-ids';
  lowercase: boolean;
  /** hashed-ngrams: vector length (default: the model's input size). */
  dims: number | null;
  /** hashed-ngrams: word n-grams from 1 to this. */
  ngrams: number;
  /** token-ids: one token per entry, index = id (inline list, or a file in the model folder, one token per line). */
  vocab: string[] | null;
  vocabFile: string | null;
  /** token-ids: sequence length (default: the model's input length, else 64). */
  maxLength: number | null;
  padId: number;
  unkId: number | null;
  bosId: number | null;
  eosId: number | null;
  output: string | null;
  normalize: boolean;
  batch: number;
}

export type Sidecar = ImageSidecar | TextSidecar;

/** A model folder or sidecar that cannot be used; names the file. */
export class TfjsModelError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'TfjsModelError';
  }
}

type Obj = Record<string, unknown>;

function num(o: Obj, key: string, file: string, def: number | null, opts: { int?: boolean; min?: number; positive?: boolean } = {}): number | null {
  const v = o[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TfjsModelError(`"${key}" must be a number`, file);
  if (opts.int && !Number.isInteger(v)) throw new TfjsModelError(`"${key}" must be an integer`, file);
  if (opts.positive && v <= 0) throw new TfjsModelError(`"${key}" must be > 0`, file);
  if (opts.min != null && v < opts.min) throw new TfjsModelError(`"${key}" must be ≥ ${opts.min}`, file);
  return v;
}

function bool(o: Obj, key: string, file: string, def: boolean): boolean {
  const v = o[key];
  if (v === undefined) return def;
  if (typeof v !== 'boolean') throw new TfjsModelError(`"${key}" must be true or false`, file);
  return v;
}

function numList(o: Obj, key: string, file: string, len: number, def: number): number[] {
  const v = o[key];
  if (v === undefined) return Array(len).fill(def) as number[];
  const arr = typeof v === 'number' ? Array(len).fill(v) : v;
  if (!Array.isArray(arr) || arr.length !== len || !arr.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new TfjsModelError(`"${key}" must be a number or a list of ${len} numbers (one per channel)`, file);
  }
  return arr as number[];
}

function oneOf<T extends string>(o: Obj, key: string, file: string, allowed: readonly T[], def: T | null): T {
  const v = o[key];
  if (v === undefined && def !== null) return def;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw new TfjsModelError(`"${key}" must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}${v === undefined ? ' (it is missing)' : ''}`, file);
  }
  return v as T;
}

/** Reads and validates `dir/mlens.json`. */
export function readSidecar(dir: string): Sidecar {
  const file = path.join(dir, SIDECAR);
  let o: Obj;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    o = v as Obj;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new TfjsModelError(err.code === 'ENOENT' ? 'missing (every tfjs model folder needs one; see CONTEXT.md)' : `invalid: ${err.message}`, file);
  }
  const modality = oneOf(o, 'modality', file, ['image', 'text'] as const, null);
  const output = o.output === undefined ? null : typeof o.output === 'string' ? o.output : null;
  if (o.output !== undefined && output === null) throw new TfjsModelError('"output" must be a string (an output name)', file);
  const normalize = bool(o, 'normalize', file, true);
  if (modality === 'image') {
    const size = o.inputSize;
    if (!Array.isArray(size) || size.length !== 2 || !size.every((x) => Number.isInteger(x) && (x as number) > 0)) {
      throw new TfjsModelError('"inputSize" must be [height, width] in pixels', file);
    }
    const channels = num(o, 'channels', file, 3, { int: true })!;
    if (channels !== 1 && channels !== 3) throw new TfjsModelError('"channels" must be 1 or 3', file);
    const std = numList(o, 'std', file, channels, 1);
    if (std.some((s) => s === 0)) throw new TfjsModelError('"std" must not contain 0', file);
    return {
      modality,
      inputSize: [size[0] as number, size[1] as number],
      channels,
      channelsFirst: bool(o, 'channelsFirst', file, false),
      resize: oneOf(o, 'resize', file, ['stretch', 'crop'] as const, 'stretch'),
      scale: num(o, 'scale', file, 1 / 255)!,
      mean: numList(o, 'mean', file, channels, 0),
      std,
      output,
      normalize,
      batch: num(o, 'batch', file, 32, { int: true, positive: true })!,
    };
  }
  const textInput = oneOf(o, 'textInput', file, ['hashed-ngrams', 'token-ids'] as const, null);
  let vocab: string[] | null = null;
  let vocabFile: string | null = null;
  if (textInput === 'token-ids') {
    const v = o.vocab;
    if (Array.isArray(v) && v.every((t) => typeof t === 'string')) vocab = v as string[];
    else if (typeof v === 'string') {
      vocabFile = path.resolve(dir, v);
      const rel = path.relative(dir, vocabFile);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new TfjsModelError(`"vocab" file ${v} must be inside the model folder`, file);
      try {
        vocab = readFileSync(vocabFile, 'utf8').split(/\r?\n/);
        if (vocab[vocab.length - 1] === '') vocab.pop();
      } catch {
        throw new TfjsModelError(`"vocab" names ${v}, which cannot be read`, file);
      }
    } else throw new TfjsModelError('"vocab" must be a list of tokens or the name of a file in the model folder (one token per line)', file);
    if (vocab.length === 0) throw new TfjsModelError('"vocab" is empty', file);
  }
  const unkDefault = vocab ? Math.max(vocab.indexOf('[UNK]'), vocab.indexOf('<unk>')) : -1;
  return {
    modality,
    textInput,
    lowercase: bool(o, 'lowercase', file, true),
    dims: num(o, 'dims', file, null, { int: true, positive: true }),
    ngrams: num(o, 'ngrams', file, 2, { int: true, positive: true })!,
    vocab,
    vocabFile,
    maxLength: num(o, 'maxLength', file, null, { int: true, positive: true }),
    padId: num(o, 'padId', file, 0, { int: true, min: 0 })!,
    unkId: num(o, 'unkId', file, unkDefault >= 0 ? unkDefault : null, { int: true, min: 0 }),
    bosId: num(o, 'bosId', file, null, { int: true, min: 0 }),
    eosId: num(o, 'eosId', file, null, { int: true, min: 0 }),
    output,
    normalize,
    batch: num(o, 'batch', file, 256, { int: true, positive: true })!,
  };
}

/** The sidecar as it keys the cache (the vocabulary by content, not by file name). */
export function sidecarParams(s: Sidecar): Record<string, unknown> {
  if (s.modality === 'image') {
    const { batch: _b, ...rest } = s;
    return rest;
  }
  const { batch: _b, vocab, vocabFile: _f, ...rest } = s;
  return { ...rest, vocabSize: vocab?.length ?? null };
}
