// Vector columns in caption tables (Parquet, Arrow, captions.jsonl): an image and a text vector
// column become the dataset's precomputed space; a row of the wrong length or with NaN is named
// with its file and row (line), its vector set to 0, and the rest of the space stays.
import { Field, FixedSizeList, Float32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { DatasetEmbeddingsEncoder } from '../../src/main/core/encoders/npy_encoder.js';
import { mlens } from '../helpers/cli.js';
import { cleanupTmp, jsonl, makeGeneric, tmpDir, writeFile, writeNpyFile, matrix, writePng } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

const vec = (r: number, dims = 4): number[] => Array.from({ length: dims }, (_, k) => r + k / 10);
const rows = (space: Float32Array, dims: number): number[][] => Array.from({ length: space.length / dims }, (_, r) => Array.from(space.subarray(r * dims, (r + 1) * dims), (x) => Math.round(x * 100) / 100));

describe('vector columns', () => {
  it('Parquet: image_embedding + text_embedding become the space; a short row and a NaN row are named', async () => {
    const root = tmpDir();
    for (let i = 0; i < 4; i++) writePng(root, `im${i}.png`, i);
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'image', data: ['im0.png', 'im1.png', 'im2.png', 'im3.png'], type: 'STRING' },
        { name: 'caption', data: ['a', 'b', 'c', 'd'], type: 'STRING' },
        { name: 'image_embedding', data: [vec(0), vec(1), vec(2, 3), vec(3)] },
        { name: 'text_embedding', data: [vec(10), vec(11), vec(12), [13, NaN, 13, 13]] },
      ],
    } as Parameters<typeof parquetWriteBuffer>[0]);
    writeFile(root, 'table.parquet', Buffer.from(buf));
    const ds = await openDataset(root);
    expect(ds.embeddings).toMatchObject({ dims: 4, source: 'table columns image_embedding, text_embedding' });
    expect(rows(ds.embeddings!.image, 4)).toEqual([vec(0), vec(1), [0, 0, 0, 0], vec(3)]);
    expect(rows(ds.embeddings!.text, 4)).toEqual([vec(10), vec(11), vec(12), [0, 0, 0, 0]]);
    expect(ds.problems.map((p) => [p.file, p.line, p.message])).toEqual([
      ['table.parquet', 3, `row 2: "image_embedding" has 3 values but table.parquet row 0 has 4; this image's vector is set to 0`],
      ['table.parquet', 4, `row 3: "text_embedding" holds NaN at position 1; this caption's vector is set to 0`],
    ]);
    // it is the dataset's precomputed space, as embeddings/*.npy would be
    const out = await new DatasetEmbeddingsEncoder().encode({ dataset: ds });
    expect(out.dims).toBe(4);
  });

  it('Arrow fixed_size_list columns under other names are mapped with --columns', async () => {
    const root = tmpDir();
    for (let i = 0; i < 3; i++) writePng(root, `im${i}.png`, i);
    const fixed = (xs: number[][]) => vectorFromArray(xs, new FixedSizeList(4, new Field('item', new Float32(), true)));
    const t = new Table({
      image: vectorFromArray(['im0.png', 'im1.png', 'im2.png'], new Utf8()),
      caption: vectorFromArray(['a', 'b', 'c'], new Utf8()),
      clip_i: fixed([vec(0), vec(1), vec(2)]),
      clip_t: fixed([vec(5), vec(6), vec(7)]),
    });
    writeFile(root, 'table.arrow', Buffer.from(tableToIPC(t, 'file')));
    expect((await openDataset(root)).embeddings).toBeNull();
    const ds = await openDataset(root, { columns: { image_embedding: 'clip_i', text_embedding: 'clip_t' } });
    expect(rows(ds.embeddings!.text, 4)).toEqual([vec(5), vec(6), vec(7)]);
    const r = mlens(['open', root, '--columns', 'image_embedding=clip_i,text_embedding=clip_t', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.stringify(r.json())).toMatch(/"dims":4/);
  });

  it('captions.jsonl: vector fields per line; an image gets the vector of its first line; a wrong line is named', async () => {
    const root = tmpDir();
    for (let i = 0; i < 2; i++) writePng(root, `images/im${i}.png`, i);
    writeFile(root, 'captions.jsonl', jsonl([
      { image: 'images/im0.png', caption: 'a', image_embedding: vec(0), text_embedding: vec(10) },
      { image: 'images/im0.png', caption: 'b', image_embedding: vec(0), text_embedding: vec(11) },
      { image: 'images/im1.png', caption: 'c', image_embedding: vec(1), text_embedding: vec(12, 5) },
    ]));
    const ds = await openDataset(root);
    expect(rows(ds.embeddings!.image, 4)).toEqual([vec(0), vec(1)]);
    expect(rows(ds.embeddings!.text, 4)).toEqual([vec(10), vec(11), [0, 0, 0, 0]]);
    expect(ds.problems.map((p) => [p.file, p.line, p.message])).toEqual([
      ['captions.jsonl', 3, `line 3: "text_embedding" has 5 values but captions.jsonl line 1 has 4; this caption's vector is set to 0`],
    ]);
    expect(ds.captions[0].extra).toBeUndefined();
  });

  it('only one modality is a warning without a space; embedding files beside the table win', async () => {
    const root = tmpDir();
    writePng(root, 'im0.png', 0);
    writeFile(root, 'table.parquet', Buffer.from(parquetWriteBuffer({
      columnData: [
        { name: 'image', data: ['im0.png'], type: 'STRING' },
        { name: 'caption', data: ['a'], type: 'STRING' },
        { name: 'image_embedding', data: [vec(0)] },
      ],
    } as Parameters<typeof parquetWriteBuffer>[0])));
    const ds = await openDataset(root);
    expect(ds.embeddings).toBeNull();
    expect(ds.problems).toEqual([expect.objectContaining({ severity: 'warning', file: 'table.parquet', message: expect.stringMatching(/vector column "image_embedding" but no text vector column/) })]);

    const g = makeGeneric({ nImages: 2, captionsPerImage: 1, embeddings: 'float32', dims: 3 });
    writeFile(g.root, 'captions.jsonl', jsonl([
      { image: 'images/img0.png', caption: 'x', image_embedding: [1, 2], text_embedding: [3, 4] },
      { image: 'images/img1.png', caption: 'y', image_embedding: [5, 6], text_embedding: [7, 8] },
    ]));
    writeNpyFile(g.root, 'embeddings/text.npy', matrix(2, 3), [2, 3]);
    const both = await openDataset(g.root);
    expect(both.embeddings?.dims).toBe(3);
    expect(both.problems.map((p) => p.message)).toEqual([expect.stringMatching(/vector columns \(table columns image_embedding, text_embedding\) are ignored: embeddings\/\*\.npy is used/)]);
  });
});
