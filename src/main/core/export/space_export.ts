// A space (means and log-variances) and, when asked, its 2-D map, written where a notebook picks
// them up: `.npy` matrices (rows in item order: images, then captions for the map) and one Parquet
// table per modality with the item's id, split, path or text, its vectors and its map position.
// Every file is written beside its target, fsynced and renamed into place (atomic_file.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { replaceAtomically } from '../io/atomic_file.js';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Dataset } from '../datasets/dataset.js';
import { encodeNpy } from '../io/npy.js';
import type { MiningSpaceInput } from '../mining/space_engine.js';

export type SpaceExportFormat = 'npy' | 'parquet';

export interface SpaceExportResult {
  out: string;
  files: string[];
}

function writeAtomic(file: string, data: Buffer | Uint8Array): void {
  replaceAtomically(file, (tmp) => writeFileSync(tmp, data));
}

function rows(m: Float32Array, n: number, dims: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * dims, (i + 1) * dims)));
}

export function exportSpace(
  ds: Dataset,
  space: MiningSpaceInput,
  out: string,
  opts: { formats?: SpaceExportFormat[]; xy?: Float32Array | null } = {},
): SpaceExportResult {
  const formats = opts.formats ?? ['npy', 'parquet'];
  const nI = ds.images.length;
  const nC = ds.captions.length;
  const d = space.dims;
  if (space.image.length !== nI * d || space.text.length !== nC * d) throw new Error(`space ${space.id} does not match the dataset (${nI} images, ${nC} captions)`);
  if (opts.xy && opts.xy.length !== (nI + nC) * 2) throw new Error(`the map has ${opts.xy.length / 2} points, the dataset ${nI + nC} items`);
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  const put = (name: string, data: Buffer | Uint8Array): void => {
    const f = path.join(out, name);
    writeAtomic(f, data);
    files.push(f);
  };
  if (formats.includes('npy')) {
    put('image.npy', encodeNpy(space.image, [nI, d]));
    put('text.npy', encodeNpy(space.text, [nC, d]));
    if (space.imageLogvar && space.textLogvar) {
      put('image_logvar.npy', encodeNpy(space.imageLogvar, [nI, d]));
      put('text_logvar.npy', encodeNpy(space.textLogvar, [nC, d]));
    }
    if (opts.xy) put('projection.npy', encodeNpy(opts.xy, [nI + nC, 2]));
  }
  if (formats.includes('parquet')) {
    const xy = opts.xy;
    const table = (kind: 'image' | 'caption'): Buffer => {
      const n = kind === 'image' ? nI : nC;
      const base = kind === 'image' ? 0 : nI;
      const cols: Array<{ name: string; data: unknown[]; type?: string }> = [
        { name: 'index', data: Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 'id', data: kind === 'image' ? ds.images.map((im) => im.id) : ds.captions.map((c) => c.id), type: 'STRING' },
        { name: 'split', data: kind === 'image' ? ds.images.map((im) => im.split) : ds.captions.map((c) => c.split), type: 'STRING' },
      ];
      if (kind === 'image') cols.push({ name: 'path', data: ds.images.map((im) => im.path), type: 'STRING' });
      else cols.push({ name: 'caption', data: ds.captions.map((c) => c.text), type: 'STRING' }, { name: 'annotated_image', data: ds.captions.map((c) => c.imageIndex), type: 'INT32' });
      cols.push({ name: 'embedding', data: rows(kind === 'image' ? space.image : space.text, n, d) });
      const lv = kind === 'image' ? space.imageLogvar : space.textLogvar;
      if (space.imageLogvar && space.textLogvar && lv) cols.push({ name: 'logvar', data: rows(lv, n, d) });
      if (xy) {
        cols.push({ name: 'x', data: Array.from({ length: n }, (_, i) => xy[(base + i) * 2]), type: 'FLOAT' });
        cols.push({ name: 'y', data: Array.from({ length: n }, (_, i) => xy[(base + i) * 2 + 1]), type: 'FLOAT' });
      }
      return Buffer.from(parquetWriteBuffer({ columnData: cols } as Parameters<typeof parquetWriteBuffer>[0]));
    };
    put('images.parquet', table('image'));
    put('captions.parquet', table('caption'));
  }
  const meta = { space: space.id, dims: d, images: nI, captions: nC, probabilistic: !!(space.imageLogvar && space.textLogvar), projection: !!opts.xy, dataset_hash: ds.hash, files: files.map((f) => path.basename(f)) };
  put('space.json', Buffer.from(`${JSON.stringify(meta, null, 2)}\n`));
  return { out, files };
}
