// Trained heads on disk, reusable across sessions: <projectDir>/heads/<id>/{head.json, weights.bin}.
// head.json holds the configuration, the provenance (parent space, dataset hash, positives used,
// training parameters, backend, curves, scores) and the layout of weights.bin (little-endian
// float32, variables one after another). Written into a temporary folder and renamed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HeadConfig, NamedWeights } from './config.js';
import { Head } from './model.js';
import type { EvalScores, TrainParams, TrainResult } from './train.js';

export const HEAD_FORMAT = 'mlens-head';
export const HEAD_VERSION = 1;

export interface HeadProvenance {
  /** Space whose means were the frozen input features. */
  parent: string;
  datasetHash: string;
  /** 'annotated' (one-to-one) or 'extra' (multi-positive). */
  positives: 'annotated' | 'extra';
  /** Where the extra positives came from ('flags', 'truth', 'file', …) and how many pairs. */
  extraSource: string | null;
  extraPairs: number;
  /** Retrained from this head id, if any. */
  initFrom: string | null;
  train: TrainParams;
  appVersion: string;
  createdAt: string;
}

export interface HeadMeta {
  format: typeof HEAD_FORMAT;
  version: typeof HEAD_VERSION;
  id: string;
  name: string;
  config: HeadConfig;
  provenance: HeadProvenance;
  result: TrainResult;
  val: EvalScores;
  test: EvalScores | null;
  /** a, b of the match probability (probabilistic heads). */
  match: { a: number; b: number } | null;
  /** Spaces this head produced (one per condition for conditional heads). */
  spaces: Array<{ id: string; condition: string | null }>;
  weights: Array<{ name: string; shape: number[]; offset: number; length: number }>;
  weightsHash: string;
}

/** Concatenates weights into one float32 buffer; returns it with the layout and its hash. */
export function packWeights(ws: NamedWeights[]): { bytes: Buffer; layout: HeadMeta['weights']; hash: string } {
  let total = 0;
  const layout = ws.map((w) => {
    const e = { name: w.name, shape: w.shape.slice(), offset: total, length: w.data.length };
    total += w.data.length;
    return e;
  });
  const all = new Float32Array(total);
  ws.forEach((w, k) => all.set(w.data, layout[k].offset));
  const bytes = Buffer.from(all.buffer, all.byteOffset, all.byteLength);
  return { bytes, layout, hash: createHash('sha256').update(bytes).digest('hex').slice(0, 16) };
}

export function unpackWeights(bytes: Buffer, layout: HeadMeta['weights']): NamedWeights[] {
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return layout.map((e) => {
    if (e.offset + e.length > all.length) throw new Error(`weights.bin is too short for ${e.name}`);
    return { name: e.name, shape: e.shape.slice(), data: all.slice(e.offset, e.offset + e.length) };
  });
}

/** A head id from its weights and provenance. */
export function headId(weightsHash: string, config: HeadConfig, prov: Pick<HeadProvenance, 'parent' | 'datasetHash'>): string {
  return createHash('sha256').update(JSON.stringify([weightsHash, config, prov.parent, prov.datasetHash])).digest('hex').slice(0, 12);
}

export class HeadStore {
  readonly dir: string;

  constructor(projectDir: string) {
    this.dir = join(projectDir, 'heads');
    mkdirSync(this.dir, { recursive: true });
  }

  list(): HeadMeta[] {
    const out: HeadMeta[] = [];
    for (const name of readdirSync(this.dir)) {
      const f = join(this.dir, name, 'head.json');
      if (name.includes('.tmp') || !existsSync(f)) continue;
      try {
        out.push(JSON.parse(readFileSync(f, 'utf8')) as HeadMeta);
      } catch {
        // a corrupt header is skipped
      }
    }
    return out.sort((a, b) => a.provenance.createdAt.localeCompare(b.provenance.createdAt));
  }

  has(id: string): boolean {
    return existsSync(join(this.dir, id, 'head.json'));
  }

  meta(id: string): HeadMeta {
    const f = join(this.dir, id, 'head.json');
    if (!existsSync(f)) throw new Error(`no head with id ${id} (heads: ${this.list().map((h) => h.id).join(', ') || 'none'})`);
    const m = JSON.parse(readFileSync(f, 'utf8')) as HeadMeta;
    if (m.format !== HEAD_FORMAT) throw new Error(`${f}: not a head file`);
    if (m.version > HEAD_VERSION) throw new Error(`${f}: head format version ${m.version} is newer than this app reads (${HEAD_VERSION})`);
    return m;
  }

  weights(id: string): NamedWeights[] {
    const m = this.meta(id);
    const bytes = readFileSync(join(this.dir, id, 'weights.bin'));
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    if (hash !== m.weightsHash) throw new Error(`head ${id}: weights.bin does not match its header (hash ${hash}, expected ${m.weightsHash})`);
    return unpackWeights(bytes, m.weights);
  }

  /** The head, ready to encode (the caller disposes it). */
  load(id: string): { meta: HeadMeta; head: Head } {
    const meta = this.meta(id);
    return { meta, head: new Head(meta.config, this.weights(id)) };
  }

  /** Saves weights with their header; fills id, layout and hash. */
  save(meta: Omit<HeadMeta, 'format' | 'version' | 'id' | 'weights' | 'weightsHash'> & { id?: string }, weights: NamedWeights[]): HeadMeta {
    const packed = packWeights(weights);
    const id = meta.id ?? headId(packed.hash, meta.config, meta.provenance);
    const full: HeadMeta = { ...meta, format: HEAD_FORMAT, version: HEAD_VERSION, id, weights: packed.layout, weightsHash: packed.hash };
    const final = join(this.dir, id);
    const tmp = join(this.dir, `${id}.tmp-${process.pid}-${Date.now()}`);
    mkdirSync(tmp, { recursive: true });
    try {
      writeFileSync(join(tmp, 'weights.bin'), packed.bytes);
      writeFileSync(join(tmp, 'head.json'), JSON.stringify(full, null, 2));
      rmSync(final, { recursive: true, force: true });
      renameSync(tmp, final);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    return full;
  }

  /** Updates the header only (e.g. to record the spaces made from the head). */
  update(meta: HeadMeta): void {
    const f = join(this.dir, meta.id, 'head.json');
    writeFileSync(`${f}.tmp`, JSON.stringify(meta, null, 2));
    renameSync(`${f}.tmp`, f);
  }

  remove(id: string): void {
    rmSync(join(this.dir, id), { recursive: true, force: true });
  }
}
