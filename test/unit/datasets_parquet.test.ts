// Parquet caption tables (Hugging Face and Embedding Atlas layouts) and clip-retrieval output, read
// with the pure-JS reader from real Parquet files written by hyparquet-writer.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { encodeNpy } from '../../src/main/core/io/npy.js';
import { readImageBytes } from '../../src/main/core/datasets/tar_member.js';
import { makeResolver } from '../../src/main/core/datasets/paths.js';
import { mlens } from '../helpers/cli.js';
import { tarBytes } from '../helpers/tar.js';
import { cleanupTmp, pngBytes, tmpDir, writeFile, writePng } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

type Column = { name: string; data: unknown[]; type?: string };
function writeParquet(root: string, rel: string, columnData: Column[]): void {
  writeFile(root, rel, Buffer.from(parquetWriteBuffer({ columnData } as Parameters<typeof parquetWriteBuffer>[0])));
}

describe('Parquet caption tables', () => {
  it('Hugging Face layout: data/<split>-*.parquet, embedded image bytes, lists of captions; a bad row is named', async () => {
    const root = tmpDir();
    const img = (seed: number) => ({ bytes: Array.from(pngBytes(seed)), path: `img${seed}.png` });
    writeParquet(root, 'data/train-00000-of-00001.parquet', [
      { name: 'image', data: [img(1), img(2), { bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], path: 'junk.png' }] },
      { name: 'sentences', data: [['a red square', 'a square'], ['a blue circle'], ['never read']] },
    ]);
    writeParquet(root, 'data/test-00000-of-00001.parquet', [
      { name: 'image', data: [img(3)] },
      { name: 'sentences', data: [['a green star']] },
    ]);
    const ds = await openDataset(root);
    expect(ds.format).toBe('parquet');
    expect(ds.captions.map((c) => c.text)).toEqual(['a red square', 'a square', 'a blue circle', 'a green star']);
    expect(ds.captions.map((c) => c.imageIndex)).toEqual([0, 0, 1, 2]);
    expect(ds.images.map((i) => i.split)).toEqual(['train', 'train', 'test']);
    // the bytes were unpacked once, inside the project folder, and are the image given
    expect(readFileSync(path.join(root, ds.images[1].path)).equals(pngBytes(2))).toBe(true);
    expect(ds.images[1].path).toMatch(/^\.mlens\/extracted\//);
    const err = ds.problems.filter((p) => p.severity === 'error');
    expect(err).toHaveLength(1);
    expect(err[0]).toMatchObject({ file: 'data/train-00000-of-00001.parquet', line: 3 });
    expect(err[0].message).toMatch(/row 2: "image": image bytes are not PNG/);
    // opening again reuses the unpacked files and gives the same dataset
    const again = await openDataset(root);
    expect(again.hash).toBe(ds.hash);
    expect(again.images.map((i) => i.path)).toEqual(ds.images.map((i) => i.path));
  });

  it('embedded image bytes are one image exactly when their content is the same', async () => {
    const root = tmpDir();
    const a = Array.from(pngBytes(4));
    const b = Array.from(pngBytes(5)); // same size and header, other pixels
    writeParquet(root, 'table.parquet', [
      { name: 'image', data: [{ bytes: a, path: null }, { bytes: b, path: null }, { bytes: a, path: null }] },
      { name: 'caption', data: ['first', 'second', 'first again'], type: 'STRING' },
    ]);
    const ds = await openDataset(root);
    expect(ds.images).toHaveLength(2);
    expect(ds.captions.map((c) => c.imageIndex)).toEqual([0, 1, 0]);
  });

  it('Embedding Atlas style table with image paths; unknown column names ask for a mapping, which --columns gives', async () => {
    const root = tmpDir();
    writePng(root, 'pics/a.png', 1);
    writePng(root, 'pics/b.png', 2);
    writeParquet(root, 'table.parquet', [
      { name: 'photo', data: ['pics/a.png', 'pics/b.png', 'pics/gone.png'], type: 'STRING' },
      { name: 'desc', data: ['first', 'second', 'third'], type: 'STRING' },
      { name: 'split', data: ['train', 'validation', 'test'], type: 'STRING' },
    ]);
    await expect(openDataset(root)).rejects.toThrow(/table\.parquet: no image column: .*its columns are photo \(string\), desc \(string\), split \(string\)\. Say which with --columns image=photo,caption=desc/);
    const ds = await openDataset(root, { columns: { image: 'photo', caption: 'desc' } });
    expect(ds.images.map((i) => [i.path, i.split, i.missing])).toEqual([
      ['pics/a.png', 'train', false],
      ['pics/b.png', 'val', false],
      ['pics/gone.png', 'test', true],
    ]);
    const r = mlens(['open', root, '--columns', 'image=photo,caption=desc', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ format: 'parquet', images: 3, captions: 3 });
    const bad = mlens(['open', root, '--columns', 'picture=photo']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--columns takes image=COL,caption=COL/);
  });

  it('a truncated Parquet file is named', async () => {
    const root = tmpDir();
    writeParquet(root, 'table.parquet', [
      { name: 'image', data: ['a.png'], type: 'STRING' },
      { name: 'caption', data: ['x'], type: 'STRING' },
    ]);
    const f = path.join(root, 'table.parquet');
    writeFileSync(f, readFileSync(f).subarray(0, 20));
    await expect(openDataset(root)).rejects.toThrow(/table\.parquet: is not a readable Parquet file/);
  });
});

describe('clip-retrieval output', () => {
  function make(textRows: [number, number]): string {
    const root = tmpDir();
    const paths = ['/data/laion/00000/000000000.jpg', '/data/laion/00000/000000001.jpg', '/data/laion/00001/000010000.jpg'];
    for (const p of paths) writePng(root, p.split('/').slice(-2).join('/'), p.length);
    writeParquet(root, 'metadata/metadata_0.parquet', [
      { name: 'image_path', data: paths.slice(0, 2), type: 'STRING' },
      { name: 'caption', data: ['a dog', 'a cat'], type: 'STRING' },
    ]);
    writeParquet(root, 'metadata/metadata_1.parquet', [
      { name: 'image_path', data: paths.slice(2), type: 'STRING' },
      { name: 'caption', data: ['a car'], type: 'STRING' },
    ]);
    const rows = (n: number, base: number) => Float32Array.from({ length: n * 4 }, (_, i) => base + i);
    writeFile(root, 'img_emb/img_emb_0.npy', encodeNpy(rows(2, 0), [2, 4]));
    writeFile(root, 'img_emb/img_emb_1.npy', encodeNpy(rows(1, 100), [1, 4]));
    writeFile(root, 'text_emb/text_emb_0.npy', encodeNpy(rows(textRows[0], 200), [textRows[0], 4]));
    writeFile(root, 'text_emb/text_emb_1.npy', encodeNpy(rows(textRows[1], 300), [textRows[1], 4]));
    return root;
  }

  it('joins metadata and embedding shards by row order; paths from another machine are found by their last parts', async () => {
    const ds = await openDataset(make([2, 1]));
    expect(ds.format).toBe('clip-retrieval');
    expect(ds.images.map((i) => [i.path, i.missing])).toEqual([
      ['00000/000000000.jpg', false],
      ['00000/000000001.jpg', false],
      ['00001/000010000.jpg', false],
    ]);
    expect(ds.embeddings?.dims).toBe(4);
    expect(Array.from(ds.embeddings!.image.subarray(8, 12))).toEqual([100, 101, 102, 103]);
    expect(Array.from(ds.embeddings!.text.subarray(8, 12))).toEqual([300, 301, 302, 303]);
    expect(ds.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('image paths that name members of the WebDataset shards beside the metadata are read inside the tars', async () => {
    // clip-retrieval run on img2dataset's webdataset output: image_path is the sample key or the member's name.
    const root = tmpDir();
    writeFile(root, '00000.tar', tarBytes([
      { name: '000000000.jpg', data: pngBytes(1) },
      { name: '000000000.txt', data: 'a dog' },
      { name: '000000001.png', data: pngBytes(2) },
      { name: '000000001.txt', data: 'a cat' },
    ]));
    writeParquet(root, 'metadata/metadata_0.parquet', [
      { name: 'image_path', data: ['000000000', '/elsewhere/000000001.png', '000000099'], type: 'STRING' },
      { name: 'caption', data: ['a dog', 'a cat', 'a ghost'], type: 'STRING' },
    ]);
    const rows = (n: number, base: number) => Float32Array.from({ length: n * 4 }, (_, i) => base + i);
    writeFile(root, 'img_emb/img_emb_0.npy', encodeNpy(rows(3, 0), [3, 4]));
    writeFile(root, 'text_emb/text_emb_0.npy', encodeNpy(rows(3, 100), [3, 4]));
    const ds = await openDataset(root);
    expect(ds.format).toBe('clip-retrieval');
    expect(ds.images.map((i) => [i.path, i.missing])).toEqual([
      ['00000.tar#000000000.jpg', false],
      ['00000.tar#000000001.png', false],
      ['000000099', true],
    ]);
    expect(ds.embeddings?.dims).toBe(4);
    // The bytes come out of the archive unchanged.
    const bytes = await readImageBytes(makeResolver(root), ds.images[1].path);
    expect(bytes && Buffer.compare(bytes, pngBytes(2))).toBe(0);
    expect(ds.problems.find((p) => p.message.includes('000000099'))?.message).toMatch(/image file not found/);
  });

  it('mismatched shard row counts are named and the rest opens', async () => {
    const root = make([1, 1]);
    const ds = await openDataset(root);
    expect(ds.captions).toHaveLength(3);
    expect(ds.embeddings).toBeNull();
    const p = ds.problems.find((x) => x.severity === 'error');
    expect(p?.file).toBe('text_emb/text_emb_0.npy');
    expect(p?.message).toMatch(/has 1 rows but metadata shard 0 has 2/);
    expect(existsSync(path.join(root, '.mlens', 'extracted'))).toBe(false);
  });
});
