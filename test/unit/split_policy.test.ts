// One split policy for the built-in encoder's head and every head: the dataset's splits when it has
// a train split, else a deterministic 80/10/10 split by image that is said out loud.
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { ROLE_TEST, ROLE_TRAIN, ROLE_VAL, splitPolicy } from '../../src/main/core/datasets/split_policy.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { trainingCaptions } from '../../src/main/core/encoders/baseline/baseline_encoder.js';
import { buildTrainInput } from '../../src/main/core/heads/data.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const images = (splits: Array<string | null>) => ({ images: splits.map((split, i) => ({ id: String(i), path: `${i}.png`, split, missing: false })) });
const count = (roles: Int8Array, r: number) => roles.filter((x) => x === r).length;

describe('split policy', () => {
  it("keeps the dataset's own splits when it has a train split", () => {
    const p = splitPolicy(images(['train', 'train', 'val', 'test', 'restval', null]));
    expect(Array.from(p.roles)).toEqual([ROLE_TRAIN, ROLE_TRAIN, ROLE_VAL, ROLE_TEST, ROLE_TRAIN, ROLE_TRAIN]);
    expect(p).toMatchObject({ source: 'dataset', note: null });
  });

  it("reads COCO's year-suffixed splits (train2017, val2017, test2015) as train, val and test", () => {
    const p = splitPolicy(images(['train2017', 'train2014', 'val2017', 'test-2015', 'Train_2017']));
    expect(Array.from(p.roles)).toEqual([ROLE_TRAIN, ROLE_TRAIN, ROLE_VAL, ROLE_TEST, ROLE_TRAIN]);
    expect(p).toMatchObject({ source: 'dataset', note: null });
  });

  it('without a val split, a seeded 10 % of train validates, and says so', () => {
    const p = splitPolicy(images([...Array(40).fill('train'), ...Array(10).fill('test')]));
    expect([count(p.roles, ROLE_TRAIN), count(p.roles, ROLE_VAL), count(p.roles, ROLE_TEST)]).toEqual([36, 4, 10]);
    expect(p.note).toMatch(/no val split: 4 of the 40 train images/);
  });

  it('a test-only set gets a deterministic 80/10/10 split by image, the same for the same seed', () => {
    const ds = images(Array(50).fill('test'));
    const a = splitPolicy(ds, 3);
    expect(a.source).toBe('derived');
    expect([count(a.roles, ROLE_TRAIN), count(a.roles, ROLE_VAL), count(a.roles, ROLE_TEST)]).toEqual([40, 5, 5]);
    expect(Array.from(splitPolicy(ds, 3).roles)).toEqual(Array.from(a.roles));
    expect(Array.from(splitPolicy(ds, 4).roles)).not.toEqual(Array.from(a.roles));
    expect(a.note).toMatch(/no train split: a deterministic split by image from seed 3: 40 train, 5 val, 5 test \(80\/10\/10\)/);
    // a folder without any split labels is treated the same way
    expect(splitPolicy(images(Array(30).fill(null))).source).toBe('derived');
  });

  it('a tiny set without a train split trains on everything and says nothing is held out', () => {
    const p = splitPolicy(images(Array(6).fill('test')));
    expect(p.source).toBe('all');
    expect(count(p.roles, ROLE_TRAIN)).toBe(6);
    expect(p.note).toMatch(/only 6 images: everything trains/);
  });
});

describe('the encoder and the heads follow it on a test-only folder', () => {
  it('the built-in encoder trains only on the derived train images and warns; heads get the same roles', async () => {
    const dir = join(tmp.dir, 'testonly');
    await generateSample({ out: dir, images: 100, seed: 5 });
    const f = join(dir, 'captions.jsonl');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/"split":"(train|val)"/g, '"split":"test"'));
    const ds = await openDataset(dir);
    expect(new Set(ds.images.map((i) => i.split))).toEqual(new Set(['test']));
    const policy = splitPolicy(ds);
    const trainCaptionCount = ds.captions.filter((c) => policy.roles[c.imageIndex] === ROLE_TRAIN).length;
    const chosen = trainingCaptions(ds, 'auto');
    expect(chosen.split).toBe('derived-train');
    expect(chosen.captions).toHaveLength(trainCaptionCount);
    expect(chosen.captions.every((c) => policy.roles[ds.captions[c].imageIndex] === ROLE_TRAIN)).toBe(true);

    const r = await encodeSpace({ dataset: ds, encoderSpec: 'baseline:hidden=16,dims=8,steps=4,minEpochs=1', projectDir: join(dir, '.mlens'), inProcess: true });
    expect(r.stats.trainPairs).toBe(trainCaptionCount);
    expect(r.problems.find((p) => p.file === 'splits')?.message).toMatch(/built-in encoder: no train split: a deterministic split by image/);

    const d = r.record.dims;
    const input = buildTrainInput(ds, { image: new Float32Array(ds.images.length * d), text: new Float32Array(ds.captions.length * d), dims: d });
    expect(Array.from(input.imageRole)).toEqual(Array.from(policy.roles));
  });
});
