// Loads a TensorFlow.js model folder (model.json + weight shards) from disk with fs: no fetch, no
// network. Names the missing or short shard when one is.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { TfjsModelError } from './sidecar.js';

export type ModelFormat = 'layers-model' | 'graph-model';

export interface ModelFolderFiles {
  dir: string;
  format: ModelFormat;
  json: io.ModelJSON;
  /** model.json then every shard, absolute, in manifest order. */
  files: string[];
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, string: 0, complex64: 8, float16: 2, uint8: 1, uint16: 2 };

function specBytes(spec: io.WeightsManifestEntry): number | null {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.quantization) {
    const q = spec.quantization.dtype;
    return n * (q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4);
  }
  const b = DTYPE_BYTES[spec.dtype];
  return b ? n * b : null; // strings: variable length
}

/** Reads and checks model.json and the shard list (all shards must exist and add up to the weights). */
export function inspectModelFolder(dir: string): ModelFolderFiles {
  const jsonFile = path.join(dir, 'model.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new TfjsModelError('is not a folder', dir);
  let json: io.ModelJSON;
  try {
    json = JSON.parse(readFileSync(jsonFile, 'utf8')) as io.ModelJSON;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new TfjsModelError(err.code === 'ENOENT' ? 'missing: a TensorFlow.js model folder needs model.json' : `invalid JSON: ${err.message}`, jsonFile);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology) throw new TfjsModelError('has no "modelTopology"', jsonFile);
  const topo = json.modelTopology as Record<string, unknown>;
  const format: ModelFormat =
    json.format === 'graph-model' || json.format === 'layers-model'
      ? json.format
      : Array.isArray(topo.node)
        ? 'graph-model'
        : 'layers-model';
  const manifest = json.weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new TfjsModelError('"weightsManifest" must be a list', jsonFile);
  const files = [jsonFile];
  const missing: string[] = [];
  for (const group of manifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new TfjsModelError('each weightsManifest entry needs "paths" and "weights"', jsonFile);
    for (const p of group.paths) {
      const abs = path.resolve(dir, p);
      const rel = path.relative(dir, abs);
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new TfjsModelError(`weight file ${p} is outside the model folder`, jsonFile);
      if (!existsSync(abs)) missing.push(p);
      files.push(abs);
    }
  }
  if (missing.length) {
    throw new TfjsModelError(`weight file${missing.length === 1 ? '' : 's'} missing: ${missing.map((m) => path.join(dir, m)).join(', ')}`, jsonFile);
  }
  return { dir, format, json, files };
}

/** An IOHandler that reads the folder from disk (tf.io's file loaders would use fetch). */
export function fileLoadHandler(m: ModelFolderFiles): io.IOHandler {
  return {
    load: async (): Promise<io.ModelArtifacts> => {
      const jsonFile = path.join(m.dir, 'model.json');
      const manifest = m.json.weightsManifest ?? [];
      const specs: io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of manifest) {
        let groupBytes = 0;
        for (const p of group.paths) {
          const file = path.resolve(m.dir, p);
          let b: Buffer;
          try {
            b = readFileSync(file);
          } catch (e) {
            throw new TfjsModelError(`cannot read weight file: ${(e as Error).message}`, file);
          }
          buffers.push(b);
          groupBytes += b.length;
        }
        let want = 0;
        for (const s of group.weights) {
          const n = specBytes(s);
          if (n === null) {
            want = -1;
            break;
          }
          want += n;
        }
        if (want >= 0 && groupBytes < want) {
          throw new TfjsModelError(
            `weight file${group.paths.length === 1 ? '' : 's'} ${group.paths.join(', ')} hold${group.paths.length === 1 ? 's' : ''} ${groupBytes} bytes but the manifest needs ${want}`,
            jsonFile,
          );
        }
        specs.push(...group.weights);
      }
      const total = buffers.reduce((s, b) => s + b.length, 0);
      const data = new Uint8Array(total);
      let o = 0;
      for (const b of buffers) {
        data.set(b, o);
        o += b.length;
      }
      return {
        modelTopology: m.json.modelTopology,
        format: m.json.format,
        generatedBy: m.json.generatedBy,
        convertedBy: m.json.convertedBy,
        trainingConfig: m.json.trainingConfig,
        signature: m.json.signature,
        userDefinedMetadata: m.json.userDefinedMetadata,
        modelInitializer: m.json.modelInitializer,
        initializerSignature: m.json.initializerSignature,
        weightSpecs: specs,
        weightData: data.buffer,
      };
    },
  };
}
