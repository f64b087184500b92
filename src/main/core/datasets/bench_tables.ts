// `npm run bench -- tables`: how fast the table readers open a dataset, in rows per second of the
// whole openDataset (read, image checks, hash). The same 100,000 rows (a path to one of 1,000 small
// PNGs, a caption) as an Arrow IPC file, a Hugging Face save_to_disk stream and, as the baseline,
// Parquet; then 20,000 rows with 64-d image and text vector columns (a precomputed space), and
// 10,000 WebDataset samples in 10 tar shards read in place.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, FixedSizeList, Float32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { PNG } from 'pngjs';
import { arrowFormat } from './arrow_tables.js';
import { parquetColumns, readParquetRows } from './parquet_rows.js';
import { openDataset } from './open.js';

function png(seed: number): Buffer {
  const p = new PNG({ width: 8, height: 8 });
  p.data.fill(seed & 255);
  return PNG.sync.write(p);
}

function tarOf(files: Array<[string, Buffer]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, data] of files) {
    const h = Buffer.alloc(512);
    h.write(name, 0);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

async function timed(root: string, rows: number): Promise<{ ms: number; rowsPerSecond: number; captions: number; dims: number | null }> {
  await openDataset(root); // warm the page cache and the JIT
  const t0 = performance.now();
  const ds = await openDataset(root);
  const ms = performance.now() - t0;
  return { ms: Math.round(ms), rowsPerSecond: Math.round(rows / (ms / 1000)), captions: ds.captions.length, dims: ds.embeddings?.dims ?? null };
}

export async function benchTables(): Promise<object> {
  const base = mkdtempSync(join(tmpdir(), 'mlens-tables-bench-'));
  try {
    const n = 100_000;
    const images = Array.from({ length: n }, (_, i) => `images/${i % 1000}.png`);
    const captions = Array.from({ length: n }, (_, i) => `a small ${i % 7 ? 'red' : 'blue'} shape number ${i} next to a larger one`);
    const dir = (name: string): string => {
      const d = join(base, name);
      mkdirSync(join(d, 'images'), { recursive: true });
      for (let i = 0; i < 1000; i++) writeFileSync(join(d, 'images', `${i}.png`), png(i));
      return d;
    };
    const table = new Table({ image: vectorFromArray(images, new Utf8()), caption: vectorFromArray(captions, new Utf8()) });
    const arrow = dir('arrow');
    writeFileSync(join(arrow, 'table.arrow'), tableToIPC(table, 'file'));
    const hf = dir('hf');
    writeFileSync(join(hf, 'data-00000-of-00001.arrow'), tableToIPC(table, 'stream'));
    writeFileSync(join(hf, 'state.json'), JSON.stringify({ _data_files: [{ filename: 'data-00000-of-00001.arrow' }], _split: 'train' }));
    writeFileSync(join(hf, 'dataset_info.json'), '{}');
    const parquet = dir('parquet');
    writeFileSync(join(parquet, 'table.parquet'), Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'image', data: images, type: 'STRING' }, { name: 'caption', data: captions, type: 'STRING' }] } as Parameters<typeof parquetWriteBuffer>[0])));

    const nv = 20_000;
    const dims = 64;
    const vectors = (seed: number): number[][] => Array.from({ length: nv }, (_, r) => Array.from({ length: dims }, (_, k) => Math.sin(seed + r * 0.37 + k)));
    const fixed = (xs: number[][]) => vectorFromArray(xs, new FixedSizeList(dims, new Field('item', new Float32(), true)));
    const withVectors = dir('vectors');
    writeFileSync(join(withVectors, 'table.arrow'), tableToIPC(new Table({
      image: vectorFromArray(images.slice(0, nv), new Utf8()),
      caption: vectorFromArray(captions.slice(0, nv), new Utf8()),
      image_embedding: fixed(vectors(1)),
      text_embedding: fixed(vectors(2)),
    }), 'file'));

    const wds = join(base, 'webdataset');
    mkdirSync(wds);
    const ns = 10_000;
    for (let s = 0; s < 10; s++) {
      const files: Array<[string, Buffer]> = [];
      for (let i = s * 1000; i < (s + 1) * 1000; i++) {
        const key = String(i).padStart(9, '0');
        files.push([`${key}.png`, png(i)], [`${key}.txt`, Buffer.from(captions[i])], [`${key}.json`, Buffer.from(JSON.stringify({ key, status: 'success' }))]);
      }
      writeFileSync(join(wds, `${String(s).padStart(5, '0')}.tar`), tarOf(files));
    }

    // The file reader alone (rows as plain values, no dataset built): Arrow against Parquet.
    const decode = async (read: () => Promise<unknown>): Promise<{ ms: number; rowsPerSecond: number }> => {
      await read();
      const t0 = performance.now();
      await read();
      const ms = performance.now() - t0;
      return { ms: Math.round(ms), rowsPerSecond: Math.round(n / (ms / 1000)) };
    };
    const arrowAbs = join(arrow, 'table.arrow');
    const parquetAbs = join(parquet, 'table.parquet');
    const readerOnly = {
      arrow: await decode(async () => {
        await arrowFormat.columns(arrowAbs, 'table.arrow');
        return arrowFormat.rows(arrowAbs, 'table.arrow', ['image', 'caption']);
      }),
      parquet: await decode(async () => {
        await parquetColumns(parquetAbs, 'table.parquet');
        return readParquetRows(parquetAbs, 'table.parquet', ['image', 'caption']);
      }),
    };
    return {
      readerOnly,
      arrowFile: await timed(arrow, n),
      hfSaveToDisk: await timed(hf, n),
      parquetBaseline: await timed(parquet, n),
      arrowWithVectors: { rows: nv, ...(await timed(withVectors, nv)) },
      webdataset: { samples: ns, shards: 10, ...(await timed(wds, ns)) },
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
