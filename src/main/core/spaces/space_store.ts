// Spaces on disk: <projectDir>/spaces/<id>/{space.json,image.f32,text.f32[,image_logvar.f32,text_logvar.f32]}.
// Saved into a temporary folder and renamed, so a cancelled or crashed job leaves no half space.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Space, SpaceArrays, SpaceRecord } from './space.js';

const FILES = { image: 'image.f32', text: 'text.f32', imageLogvar: 'image_logvar.f32', textLogvar: 'text_logvar.f32' } as const;

/** A stable id from what determines a space's content. */
export function spaceId(parts: { datasetHash: string; encoder: string; weightsHash: string; params?: unknown; parent?: string | null; condition?: string | null }): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.datasetHash, parts.encoder, parts.weightsHash, parts.params ?? null, parts.parent ?? null, parts.condition ?? null]))
    .digest('hex')
    .slice(0, 12);
}

function readF32(file: string, expected: number): Float32Array {
  const buf = readFileSync(file);
  if (buf.byteLength !== expected * 4) throw new Error(`${file}: expected ${expected} float32 values, found ${buf.byteLength / 4}`);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

function writeF32(file: string, a: Float32Array): void {
  writeFileSync(file, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
}

export class SpaceStore {
  readonly dir: string;

  constructor(projectDir: string) {
    this.dir = join(projectDir, 'spaces');
    mkdirSync(this.dir, { recursive: true });
  }

  list(): SpaceRecord[] {
    const out: SpaceRecord[] = [];
    for (const name of readdirSync(this.dir)) {
      const f = join(this.dir, name, 'space.json');
      if (!name.includes('.tmp') && existsSync(f)) {
        try {
          out.push(JSON.parse(readFileSync(f, 'utf8')) as SpaceRecord);
        } catch {
          // a corrupt header is skipped; the space can be recomputed
        }
      }
    }
    return out.sort((a, b) => a.run.startedAt.localeCompare(b.run.startedAt));
  }

  has(id: string): boolean {
    return existsSync(join(this.dir, id, 'space.json'));
  }

  record(id: string): SpaceRecord {
    const f = join(this.dir, id, 'space.json');
    if (!existsSync(f)) throw new Error(`no space with id ${id} (spaces: ${this.list().map((s) => s.id).join(', ') || 'none'})`);
    return JSON.parse(readFileSync(f, 'utf8')) as SpaceRecord;
  }

  load(id: string): Space {
    const record = this.record(id);
    const d = join(this.dir, id);
    const nI = record.nImages * record.dims;
    const nT = record.nCaptions * record.dims;
    return {
      record,
      image: readF32(join(d, FILES.image), nI),
      text: readF32(join(d, FILES.text), nT),
      imageLogvar: record.probabilistic ? readF32(join(d, FILES.imageLogvar), nI) : null,
      textLogvar: record.probabilistic ? readF32(join(d, FILES.textLogvar), nT) : null,
    };
  }

  save(record: SpaceRecord, arrays: SpaceArrays): SpaceRecord {
    const { dims, nImages, nCaptions } = record;
    if (arrays.image.length !== nImages * dims) throw new Error(`space ${record.id}: image array has ${arrays.image.length} values, expected ${nImages}×${dims}`);
    if (arrays.text.length !== nCaptions * dims) throw new Error(`space ${record.id}: text array has ${arrays.text.length} values, expected ${nCaptions}×${dims}`);
    const probabilistic = !!(arrays.imageLogvar && arrays.textLogvar);
    // A space that saves would load: log σ² per item and dimension, like the means.
    if (probabilistic && arrays.imageLogvar!.length !== nImages * dims) throw new Error(`space ${record.id}: image log-variance array has ${arrays.imageLogvar!.length} values, expected ${nImages}×${dims}`);
    if (probabilistic && arrays.textLogvar!.length !== nCaptions * dims) throw new Error(`space ${record.id}: text log-variance array has ${arrays.textLogvar!.length} values, expected ${nCaptions}×${dims}`);
    const rec = { ...record, probabilistic };
    const final = join(this.dir, rec.id);
    const tmp = join(this.dir, `${rec.id}.tmp-${process.pid}-${Date.now()}`);
    mkdirSync(tmp, { recursive: true });
    try {
      writeF32(join(tmp, FILES.image), arrays.image);
      writeF32(join(tmp, FILES.text), arrays.text);
      if (probabilistic) {
        writeF32(join(tmp, FILES.imageLogvar), arrays.imageLogvar!);
        writeF32(join(tmp, FILES.textLogvar), arrays.textLogvar!);
      }
      writeFileSync(join(tmp, 'space.json'), JSON.stringify(rec, null, 2));
      rmSync(final, { recursive: true, force: true });
      renameSync(tmp, final);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    return rec;
  }

  remove(id: string): void {
    rmSync(join(this.dir, id), { recursive: true, force: true });
  }

  /** Removes temporary folders left by a crash. */
  sweep(): void {
    for (const name of readdirSync(this.dir)) if (name.includes('.tmp-')) rmSync(join(this.dir, name), { recursive: true, force: true });
  }
}
