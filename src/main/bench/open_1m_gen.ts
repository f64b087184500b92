// The folder `open-1m` opens: clip-retrieval output over img2dataset's "files" output, at any size.
// OUT/NNNNN/KKKKKKKKK.png (hard links to the sample generator's rendered PNGs: real, readable files
// whose content repeats), metadata/metadata_N.parquet (image_path as written on another machine,
// caption from the sample generator), img_emb/img_emb_N.npy and text_emb/text_emb_N.npy (float16,
// as clip-retrieval writes them; each row a topic centre plus noise, from a small table of rows).
import { linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { generateSample } from '../core/sample/generate.js';
import { mulberry32 } from '../../shared/random.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toHalf(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const e = ((x >>> 23) & 0xff) - 127 + 15;
  if (e <= 0) return sign;
  if (e >= 31) return sign | 0x7c00;
  return sign | ((e << 10) + (((x & 0x7fffff) + 0x1000) >>> 13));
}

function npyF16Header(rows: number, dims: number): Buffer {
  let header = `{'descr': '<f2', 'fortran_order': False, 'shape': (${rows}, ${dims}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head[0] = 0x93;
  head.write('NUMPY', 1, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1')]);
}

const TOPICS = 64;
const VARIANTS = 32;

/** TOPICS × VARIANTS float16 rows: centre + noise, per modality (captions noisier). */
function rowTable(dims: number, seed: number, noise: number, centres: Float32Array): Buffer {
  const rnd = mulberry32(seed);
  const out = Buffer.alloc(TOPICS * VARIANTS * dims * 2);
  for (let r = 0; r < TOPICS * VARIANTS; r++) {
    const t = Math.floor(r / VARIANTS);
    for (let d = 0; d < dims; d++) out.writeUInt16LE(toHalf(centres[t * dims + d] + noise * (rnd() * 2 - 1)), (r * dims + d) * 2);
  }
  return out;
}

export interface GenStats {
  rows: number;
  shards: number;
  dims: number;
  bytesWritten: number;
  distinctImages: number;
  distinctCaptions: number;
}

export async function generateOpen1m(out: string, rows: number, opts: { dims?: number; shardRows?: number; seed?: number } = {}): Promise<GenStats> {
  const dims = opts.dims ?? 512;
  const shardRows = opts.shardRows ?? 10_000;
  const seed = opts.seed ?? 1;
  const sampleDir = `${out}-sample-src`;
  await generateSample({ out: sampleDir, images: 200, preset: 'A', seed, size: 128 });
  const records = readFileSync(join(sampleDir, 'captions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { image: string; caption: string });
  const images = [...new Set(records.map((r) => r.image))].map((p) => join(sampleDir, p));
  const captions = records.map((r) => r.caption);
  const rnd = mulberry32(seed + 1);
  const centres = Float32Array.from({ length: TOPICS * dims }, () => rnd() * 2 - 1);
  const imgTable = rowTable(dims, seed + 2, 0.6, centres);
  const txtTable = rowTable(dims, seed + 3, 0.8, centres);
  const rowBytes = dims * 2;
  let bytes = 0;
  const shards = Math.ceil(rows / shardRows);
  for (const d of ['metadata', 'img_emb', 'text_emb']) mkdirSync(join(out, d), { recursive: true });
  for (let s = 0; s < shards; s++) {
    const start = s * shardRows;
    const n = Math.min(shardRows, rows - start);
    const folder = String(s).padStart(5, '0');
    mkdirSync(join(out, folder), { recursive: true });
    const paths: string[] = new Array(n);
    const texts: string[] = new Array(n);
    const img = Buffer.alloc(n * rowBytes);
    const txt = Buffer.alloc(n * rowBytes);
    for (let k = 0; k < n; k++) {
      const g = start + k;
      const key = String(g).padStart(9, '0');
      linkSync(images[g % images.length], join(out, folder, `${key}.png`));
      paths[k] = `/data/laion/${folder}/${key}.png`;
      texts[k] = captions[g % captions.length];
      // the image and its caption share a topic; the variant differs
      const topic = (g * 2654435761) % TOPICS;
      imgTable.copy(img, k * rowBytes, (topic * VARIANTS + (g % VARIANTS)) * rowBytes, (topic * VARIANTS + (g % VARIANTS) + 1) * rowBytes);
      txtTable.copy(txt, k * rowBytes, (topic * VARIANTS + ((g >>> 5) % VARIANTS)) * rowBytes, (topic * VARIANTS + ((g >>> 5) % VARIANTS) + 1) * rowBytes);
    }
    const meta = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'image_path', data: paths, type: 'STRING' },
          { name: 'caption', data: texts, type: 'STRING' },
        ],
      } as Parameters<typeof parquetWriteBuffer>[0]),
    );
    writeFileSync(join(out, 'metadata', `metadata_${s}.parquet`), meta);
    const head = npyF16Header(n, dims);
    writeFileSync(join(out, 'img_emb', `img_emb_${s}.npy`), Buffer.concat([head, img]));
    writeFileSync(join(out, 'text_emb', `text_emb_${s}.npy`), Buffer.concat([head, txt]));
    bytes += meta.length + 2 * (head.length + img.length);
  }
  return { rows, shards, dims, bytesWritten: bytes, distinctImages: images.length, distinctCaptions: new Set(captions).size };
}
