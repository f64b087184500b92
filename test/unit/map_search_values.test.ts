// Searching a real dataset folder (captions by text, images by file name or id) and the numbers
// per item the map can colour by, read from the same folder with its truth.jsonl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDataset } from '../../src/main/core/datasets/open.js';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { searchItems } from '../../src/main/core/datasets/search.js';
import { itemValueColumns } from '../../src/main/core/datasets/item_values.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-search-');
let ds: Dataset;
// 1×1 PNG, so every image exists on disk.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605b40000000049454e44ae426082', 'hex');

beforeAll(async () => {
  const dir = tmp.dir;
  mkdirSync(join(dir, 'images'));
  for (const n of ['cat.png', 'dog.png', 'Harbour-12.png']) writeFileSync(join(dir, 'images', n), PNG);
  const lines = [
    { image: 'images/cat.png', caption: 'A cat sleeps on a red sofa', id: 'c1' },
    { image: 'images/cat.png', caption: 'red cat', id: 'c2' },
    { image: 'images/dog.png', caption: 'A dog chases the CAT across the yard', id: 'c3' },
    { image: 'images/Harbour-12.png', caption: 'Boats in a harbour at dusk', id: '12' },
  ];
  writeFileSync(join(dir, 'captions.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  writeFileSync(join(dir, 'truth.jsonl'), [{ caption_index: 0, images: [0] }, { caption_index: 1, images: [0, 1] }, { caption_index: 2, images: [0, 1] }, { caption_index: 3, images: [2] }].map((l) => JSON.stringify(l)).join('\n') + '\n');
  ds = await openDataset(dir);
});
afterAll(() => tmp.cleanup());

describe('search', () => {
  it('finds captions by a word in any case, in file order', () => {
    const r = searchItems(ds, 'Cat');
    expect(r.hits.filter((h) => h.kind === 'caption').map((h) => h.index)).toEqual([0, 1, 2]);
    // "cat.png" is an image file name, so the image is found too.
    expect(r.hits.filter((h) => h.kind === 'image').map((h) => h.index)).toEqual([0]);
    expect(r.total).toBe(4);
  });

  it('finds an image by its file name and puts an exact id first', () => {
    expect(searchItems(ds, 'harbour-12').hits.map((h) => `${h.kind}${h.index}`)).toEqual(['image2']);
    const byId = searchItems(ds, '12');
    expect(byId.hits[0]).toMatchObject({ kind: 'caption', index: 3, id: '12' });
    expect(byId.hits.map((h) => `${h.kind}${h.index}`)).toContain('image2');
  });

  it('cuts the list at the limit and still counts every match', () => {
    const r = searchItems(ds, 'a', 2);
    expect(r.hits).toHaveLength(2);
    expect(r.total).toBeGreaterThan(2);
    expect(searchItems(ds, '   ').hits).toHaveLength(0);
  });
});

describe('values to colour by', () => {
  it('has caption length, annotated partners and (with truth) true multiplicity', () => {
    const cols = Object.fromEntries(itemValueColumns(ds).map((c) => [c.id, c]));
    expect(Array.from(cols.caption_words.caption)).toEqual([7, 2, 8, 6]);
    expect(cols.caption_words.image.every((v) => Number.isNaN(v))).toBe(true);
    expect(Array.from(cols.annotated.image)).toEqual([2, 1, 1]);
    expect(Array.from(cols.true_multiplicity.caption)).toEqual([1, 2, 2, 1]);
    expect(Array.from(cols.true_multiplicity.image)).toEqual([3, 2, 1]);
  });
});
