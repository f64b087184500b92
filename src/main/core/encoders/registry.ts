// Encoder specs, as typed on the command line (`mlens encode DIR --encoder SPEC`) and in the UI:
//   baseline                   the built-in offline encoder; parameters as baseline:dims=128,seed=1
//   dataset                    the folder's own embeddings/*.npy
//   npy:IMG.npy,TXT.npy        two precomputed files chosen by the user (rows in item order)
//   clip:DIR                   a local CLIP/SigLIP folder (@huggingface/transformers, onnxruntime)
//   tfjs:DIR | tfjs:IMG,TXT    TensorFlow.js model folders (model.json + sidecar)
// Relative paths are resolved against the caller's working folder before the spec reaches the
// worker, so the encoder id (part of the space's key) is the same from anywhere.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BaselineEncoder } from './baseline/baseline_encoder.js';
import type { Encoder } from './encoder.js';
import { DatasetEmbeddingsEncoder, NpyEncoder } from './npy_encoder.js';

export type EncoderKind = 'baseline' | 'dataset' | 'npy' | 'clip' | 'tfjs';

export interface ParsedSpec {
  kind: EncoderKind;
  /** Text after 'kind:' (paths absolute after normalizeEncoderSpec). */
  arg: string;
}

export const SPEC_HELP = 'baseline[:key=value,…] | dataset | npy:IMAGE.npy,TEXT.npy | clip:MODEL_DIR | tfjs:MODEL_DIR (or tfjs:IMAGE_DIR,TEXT_DIR)';

export class EncoderSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncoderSpecError';
  }
}

export function parseEncoderSpec(spec: string): ParsedSpec {
  const s = spec.trim();
  const colon = s.indexOf(':');
  const kind = (colon < 0 ? s : s.slice(0, colon)).toLowerCase();
  const arg = colon < 0 ? '' : s.slice(colon + 1);
  if (kind === 'baseline' || kind === 'dataset') {
    if (kind === 'dataset' && arg) throw new EncoderSpecError(`'dataset' takes no argument (got '${s}')`);
    return { kind, arg };
  }
  if (kind === 'npy' || kind === 'clip' || kind === 'tfjs') {
    if (!arg.trim()) throw new EncoderSpecError(`'${kind}:' needs a path: ${SPEC_HELP}`);
    if (kind === 'npy' && arg.split(',').length !== 2) throw new EncoderSpecError(`npy:IMAGE,TEXT takes two .npy or .safetensors files separated by one comma (got '${arg}')`);
    return { kind, arg };
  }
  throw new EncoderSpecError(`unknown encoder '${s}': use ${SPEC_HELP}`);
}

/** The spec with every path made absolute against `cwd`. */
export function normalizeEncoderSpec(spec: string, cwd = process.cwd()): string {
  const p = parseEncoderSpec(spec);
  const abs = (x: string): string => path.resolve(cwd, x.trim());
  switch (p.kind) {
    case 'baseline':
      return p.arg ? `baseline:${p.arg}` : 'baseline';
    case 'dataset':
      return 'dataset';
    case 'npy':
      return `npy:${p.arg.split(',').map(abs).join(',')}`;
    case 'clip':
      return `clip:${abs(p.arg)}`;
    case 'tfjs':
      // One folder (image/ and text/ inside) when it exists as written, else IMAGE_DIR,TEXT_DIR.
      return existsSync(abs(p.arg)) || !p.arg.includes(',') ? `tfjs:${abs(p.arg)}` : `tfjs:${p.arg.split(',').map(abs).join(',')}`;
  }
}

/** 'dims=128,seed=1' → { dims: '128', seed: '1' }. */
export function parseKeyValues(arg: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of arg.split(',').map((x) => x.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new EncoderSpecError(`baseline parameters are key=value pairs separated by commas (got '${part}')`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export interface CreateEncoderOptions {
  log?: (line: string) => void;
}

/** An Encoder for a spec (normalise it first when it came from a user). */
export async function createEncoder(spec: string, opts: CreateEncoderOptions = {}): Promise<Encoder> {
  const p = parseEncoderSpec(spec);
  switch (p.kind) {
    case 'baseline':
      return new BaselineEncoder(parseKeyValues(p.arg));
    case 'dataset':
      return new DatasetEmbeddingsEncoder();
    case 'npy': {
      const [img, txt] = p.arg.split(',').map((x) => path.resolve(x.trim()));
      return new NpyEncoder(img, txt);
    }
    case 'clip': {
      const { createClipEncoder } = await import('./clip/clip_encoder.js');
      return createClipEncoder(path.resolve(p.arg), { log: opts.log });
    }
    case 'tfjs': {
      const { createTfjsEncoder } = await import('./tfjs_model/tfjs_encoder.js');
      return createTfjsEncoder(p.arg, { log: opts.log });
    }
  }
}
