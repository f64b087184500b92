// Identical captions and byte-identical images get one embedding, bit for bit, so that the metrics'
// tie modes see the ties they exist for.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { firstOccurrence, shareDuplicateRows } from '../../src/main/core/encoders/duplicate_rows.js';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { SpaceStore } from '../../src/main/core/spaces/space_store.js';
import { cleanupTmp, jsonl, tmpDir, writeFile, writePng } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

const row = (m: Float32Array, i: number, d: number) => Array.from(m.subarray(i * d, (i + 1) * d));

describe('duplicate inputs share one row', () => {
  it('firstOccurrence maps each key to its first index; missing keys stay alone', () => {
    expect(Array.from(firstOccurrence(['a', 'b', 'a', null, 'b', null]))).toEqual([0, 1, 0, 3, 1, 5]);
  });

  it('rows of copies that differ in the last bits (batching, accumulation order) become identical, variances too', () => {
    const ds = { captions: ['a', 'b', 'a'].map((text, i) => ({ id: String(i), text, imageIndex: i, split: null })) } as unknown as Dataset;
    const text = Float32Array.from([1, 0, 0, 1, 1 + 1e-7, -1e-7]);
    const textLogvar = Float32Array.from([-1, -2, 0, 0, -1.0000001, -2]);
    const image = Float32Array.from([0.6, 0.8, 0.6, 0.8000001, 1, 0]);
    const shared = shareDuplicateRows(ds, ['h1', 'h1', 'h2'], 2, { image, text, textLogvar });
    expect(shared).toEqual({ captions: 1, images: 1 });
    expect(Array.from(text.subarray(4))).toEqual(Array.from(text.subarray(0, 2)));
    expect(Array.from(textLogvar.subarray(4))).toEqual([-1, -2]);
    expect(Array.from(image.subarray(2, 4))).toEqual(Array.from(image.subarray(0, 2)));
    expect(Array.from(image.subarray(4))).toEqual([1, 0]);
  });

  it('the built-in encoder gives copied captions and copied image files identical rows', async () => {
    const root = tmpDir();
    for (let i = 0; i < 6; i++) writePng(root, `images/p${i}.png`, i + 1);
    writePng(root, 'images/copy_of_p1.png', 2); // the same bytes as p1.png
    const lines = [];
    for (let i = 0; i < 6; i++) lines.push({ image: `images/p${i}.png`, caption: `picture number ${i} of a coloured square` });
    lines.push({ image: 'images/p3.png', caption: 'a dog on grass' }, { image: 'images/p4.png', caption: 'a dog on grass' });
    lines.push({ image: 'images/copy_of_p1.png', caption: 'the copy' });
    writeFile(root, 'captions.jsonl', jsonl(lines));
    const ds = await openDataset(root);
    const r = await encodeSpace({ dataset: ds, encoderSpec: 'baseline:hidden=16,dims=8,steps=4,minEpochs=1', projectDir: join(root, '.mlens'), inProcess: true });
    expect(r.stats).toMatchObject({ duplicateCaptionsShared: 1, duplicateImagesShared: 1 });
    const s = new SpaceStore(join(root, '.mlens')).load(r.record.id);
    const d = r.record.dims;
    expect(row(s.text, 7, d)).toEqual(row(s.text, 6, d));
    const p1 = ds.images.findIndex((im) => im.path === 'images/p1.png');
    const copy = ds.images.findIndex((im) => im.path === 'images/copy_of_p1.png');
    expect(row(s.image, copy, d)).toEqual(row(s.image, p1, d));
    // and the rows are real embeddings, not zeros
    expect(row(s.text, 6, d).some((v) => v !== 0)).toBe(true);
  });
});
