// Evaluation follows the split policy that training follows: on a folder without a train split the
// metrics default to the derived test images (none of which the built-in encoder trained on), the
// derived train/val splits can be asked for, and every result says the split is derived; a dataset
// with its own train split is evaluated on its labels exactly as before. The Σσ² held-out row of
// `mlens train` and the dataset summary follow the same policy.
import { join } from 'node:path';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { summarize } from '../../src/main/core/datasets/summary.js';
import { ROLE_TEST, ROLE_TRAIN, ROLE_VAL, roleCounts, splitPolicy } from '../../src/main/core/datasets/split_policy.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { trainingCaptions } from '../../src/main/core/encoders/baseline/baseline_encoder.js';
import { defaultEvalSplit, evalSplits, metricsTable, splitSubset } from '../../src/main/core/mining/evaluation.js';
import { datasetVarianceDiagnostics, describeVarianceDiagnostics } from '../../src/main/core/heads/variance_diagnostics.js';
import { mulberry32 } from '../../src/shared/random.js';
import { tempDir } from '../helpers/tmp.js';
import { openProject, runEvalCommand } from '../helpers/project.js';

const tmp = tempDir('mlens-eval-split-');
afterAll(tmp.cleanup);
const real = join(tmp.dir, 'real');
const testOnly = join(tmp.dir, 'testonly');
const dataDir = join(tmp.dir, 'data');
let spaceId = '';

beforeAll(async () => {
  await generateSample({ out: real, images: 100, seed: 5 });
  cpSync(real, testOnly, { recursive: true });
  for (const name of ['captions.jsonl', 'scenes.jsonl']) {
    const f = join(testOnly, name);
    writeFileSync(f, readFileSync(f, 'utf8').replace(/"split":"(train|val)"/g, '"split":"test"'));
  }
  const p = await openProject(testOnly, dataDir);
  try {
    const r = await encodeSpace({ dataset: p.ds, encoderSpec: 'baseline:hidden=16,dims=8,steps=4,minEpochs=1', projectDir: p.dir, inProcess: true });
    spaceId = r.record.id;
  } finally {
    p.close();
  }
}, 120_000);

describe('evaluation on a folder without a train split', () => {
  it('defaults to the derived test split: the policy’s test images, none the encoder trained on', async () => {
    const ds = await openDataset(testOnly);
    expect(new Set(ds.images.map((im) => im.split))).toEqual(new Set(['test']));
    const policy = splitPolicy(ds);
    expect(policy.source).toBe('derived');
    const n = roleCounts(policy.roles);
    const testCaptions = ds.captions.filter((c) => policy.roles[c.imageIndex] === ROLE_TEST).length;

    const r = await runEvalCommand({ dir: testOnly, dataDir, space: spaceId });
    expect(r.split).toBe('test');
    expect(r.splitDerived).toBe(true);
    expect(r.splitDescription).toBe(`test (derived 80/10/10 by image, seed 0: ${n.test} images; the dataset has no train split)`);
    expect(r.i2t.queries.evaluated + r.i2t.queries.skipped_empty).toBe(n.test);
    expect(r.t2i.queries.evaluated + r.t2i.queries.skipped_empty).toBe(testCaptions);

    // The evaluated images are exactly the derived test images, and the encoder trained on none of them.
    const sub = splitSubset(ds, defaultEvalSplit(ds));
    expect(Array.from(sub.images).every((i) => policy.roles[i] === ROLE_TEST)).toBe(true);
    expect(sub.images.length).toBe(n.test);
    const trainedImages = new Set(trainingCaptions(ds, 'auto').captions.map((c) => ds.captions[c].imageIndex));
    expect(trainedImages.size).toBe(n.train);
    expect(Array.from(sub.images).some((i) => trainedImages.has(i))).toBe(false);
    expect(Array.from(sub.captions).some((c) => trainedImages.has(ds.captions[c].imageIndex))).toBe(false);
  });

  it('--split train and val are the derived roles; all stays every item and says what the encoder saw', async () => {
    const ds = await openDataset(testOnly);
    const n = roleCounts(splitPolicy(ds).roles);
    const train = await runEvalCommand({ dir: testOnly, dataDir, space: spaceId, split: 'train' });
    expect(train).toMatchObject({ split: 'train', splitDerived: true });
    expect(train.i2t.queries.evaluated + train.i2t.queries.skipped_empty).toBe(n.train);
    const val = await runEvalCommand({ dir: testOnly, dataDir, space: spaceId, split: 'val' });
    expect(val.i2t.queries.evaluated + val.i2t.queries.skipped_empty).toBe(n.val);
    expect(val.splitDescription).toMatch(/^val \(derived 80\/10\/10 by image, seed 0/);
    const all = await runEvalCommand({ dir: testOnly, dataDir, space: spaceId, split: 'all' });
    expect(all).toMatchObject({ split: 'all', splitDerived: false });
    expect(all.i2t.queries.evaluated + all.i2t.queries.skipped_empty).toBe(ds.images.length);
    expect(all.splitDescription).toMatch(/^all items \(the dataset has no train split; the built-in encoder trained on the \d+ derived train images/);

    // The Metrics tab's splits and table use the same roles.
    expect(evalSplits(ds).map((x) => [x.name, x.images, !!x.derived])).toEqual([['test', n.test, true], ['val', n.val, true], ['train', n.train, true], ['all', ds.images.length, false]]);
    const p = await openProject(testOnly, dataDir);
    try {
      const t = metricsTable(ds, p.reviews, [p.space(spaceId)], { positives: ['annotated'], split: 'test' });
      expect(t.rows[0].i2t).toEqual((await runEvalCommand({ dir: testOnly, dataDir, space: spaceId })).i2t);
    } finally {
      p.close();
    }
  });

  it('the dataset summary says there is no train split and what is used instead', async () => {
    const ds = await openDataset(testOnly);
    const n = roleCounts(splitPolicy(ds).roles);
    expect(summarize(ds).noTrainSplit).toBe(`no train split: the built-in encoder and the heads train on a deterministic split by image (80/10/10, seed 0): ${n.train} train, ${n.val} val, ${n.test} test images; metrics default to those ${n.test} test images`);
    expect(summarize(await openDataset(real)).noTrainSplit).toBeNull();
  });

  it('the Σσ² held-out multiplicity row uses the derived val + test images, not the split labels', async () => {
    const ds = await openDataset(testOnly);
    const roles = splitPolicy(ds).roles;
    const held = ds.captions.filter((c) => roles[c.imageIndex] === ROLE_VAL || roles[c.imageIndex] === ROLE_TEST).length;
    expect(held).toBeLessThan(ds.captions.length);
    const d = datasetVarianceDiagnostics(ds, randomSpace(ds.images.length, ds.captions.length), null);
    const row = d.captions.find((x) => x.against === 'multiplicity' && x.scope === 'val+test')!;
    expect(row).toMatchObject({ n: held, derived: true });
    expect(describeVarianceDiagnostics(d)[0]).toContain(`true multiplicity (derived val + test, n = ${held})`);

    // A dataset with its own splits: the val and test labels, as before.
    const rds = await openDataset(real);
    const rHeld = rds.captions.filter((c) => ['val', 'test'].includes(rds.images[c.imageIndex].split ?? '')).length;
    const rd = datasetVarianceDiagnostics(rds, randomSpace(rds.images.length, rds.captions.length), null);
    const rRow = rd.captions.find((x) => x.against === 'multiplicity' && x.scope === 'val+test')!;
    expect(rRow.n).toBe(rHeld);
    expect(rRow.derived).toBeUndefined();
  });
});

describe('evaluation on a dataset with its own splits is unchanged', () => {
  it('defaults to its test split by label, and --split train is its train label', async () => {
    const ds = await openDataset(real);
    expect(splitPolicy(ds).source).toBe('dataset');
    const p = await openProject(real, dataDir);
    let id = '';
    try {
      id = (await encodeSpace({ dataset: p.ds, encoderSpec: 'baseline:hidden=16,dims=8,steps=4,minEpochs=1', projectDir: p.dir, inProcess: true })).record.id;
    } finally {
      p.close();
    }
    const r = await runEvalCommand({ dir: real, dataDir, space: id });
    expect(r).toMatchObject({ split: 'test', splitDescription: 'test', splitDerived: false });
    expect(r.i2t.queries.evaluated + r.i2t.queries.skipped_empty).toBe(ds.images.filter((im) => im.split === 'test').length);
    expect(r.t2i.queries.evaluated + r.t2i.queries.skipped_empty).toBe(ds.captions.filter((c) => c.split === 'test').length);
    const train = await runEvalCommand({ dir: real, dataDir, space: id, split: 'train' });
    expect(train.i2t.queries.evaluated + train.i2t.queries.skipped_empty).toBe(ds.images.filter((im) => im.split === 'train').length);
    expect(evalSplits(ds).map((x) => [x.name, x.derived])).toEqual([['test', undefined], ['val', undefined], ['train', undefined], ['all', undefined]]);
    // The policy's own roles still say train for every train-labelled image.
    const roles = splitPolicy(ds).roles;
    expect(ds.images.every((im, i) => im.split !== 'train' || roles[i] === ROLE_TRAIN || roles[i] === ROLE_VAL)).toBe(true);
    expect((await runEvalCommand({ dir: real, dataDir, space: id, split: 'all' })).splitDescription).toBe('all items');
  });
});

function randomSpace(nI: number, nC: number) {
  const rnd = mulberry32(3);
  const dims = 4;
  const arr = (n: number) => Float32Array.from({ length: n * dims }, () => rnd() - 0.5);
  return { dims, image: arr(nI), text: arr(nC), imageLogvar: arr(nI), textLogvar: arr(nC) };
}
