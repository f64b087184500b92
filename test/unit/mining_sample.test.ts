// Mining on a generated sample against its complete truth: precision and recall at review budgets
// (thresholds below the measured values), what `mine` writes to the project store, active
// learning on simulated reviews, the multiplicity statistics, and `eval`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { SpaceStore } from '../../src/main/core/spaces/space_store.js';
import { projectDir } from '../../src/main/core/store/project_store.js';
import type { MineCommandOutput } from '../../src/main/core/mining/mine.js';
import { metricsTable } from '../../src/main/core/mining/evaluation.js';
import { mulberry32 } from '../../src/shared/random.js';
import { annotatedOf, projectVerified, resolveSpaces } from '../../src/main/core/mining/project.js';
import { refreshAfterReviews } from '../../src/main/core/mining/classifier.js';
import { projectMultiplicity, projectPairPush } from '../../src/main/core/mining/panels.js';
import { tempDir } from '../helpers/tmp.js';
import { openProject, runMineCommand, runEvalCommand, mineAsJob } from '../helpers/project.js';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';


const built = existsSync(fileURLToPath(new URL('../../out/main/workers/mine.js', import.meta.url)));

const tmp = tempDir('mlens-mining-');
const dir = join(tmp.dir, 'sample');
const dataDir = join(tmp.dir, 'data');
let ds: Dataset;
let mined: MineCommandOutput;

/** A second encoder: the oracle seen through a random 64 → 48 projection, plus noise. */
function perturbed(src: Float32Array, n: number, dims: number, proj: Float32Array, out: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const a = new Float32Array(n * out);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < out; o++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += src[i * dims + d] * proj[d * out + o];
      a[i * out + o] = s + 0.05 * (r() + r() + r() - 1.5);
    }
  }
  return a;
}

beforeAll(async () => {
  await generateSample({ out: dir, images: 400, preset: 'A', seed: 3, renderImages: false });
  ds = await openDataset(dir);
  const e = ds.embeddings!;
  const out = 48;
  const r = mulberry32(99);
  const proj = Float32Array.from({ length: e.dims * out }, () => (r() - 0.5) * 0.3);
  const now = new Date().toISOString();
  new SpaceStore(projectDir(ds.root, dataDir)).save(
    {
      id: 'proj48', name: 'projected oracle', encoder: 'test', weightsHash: '-', dims: out, nImages: ds.images.length, nCaptions: ds.captions.length,
      probabilistic: false, normalized: false, parent: null, condition: null,
      run: { appVersion: 'test', datasetHash: ds.hash, encoder: 'test', weightsHash: '-', params: {}, seed: 99, backend: 'js', startedAt: now, seconds: 0 },
    },
    { image: perturbed(e.image, ds.images.length, e.dims, proj, out, 1), text: perturbed(e.text, ds.captions.length, e.dims, proj, out, 2), imageLogvar: null, textLogvar: null },
  );
  mined = await runMineCommand({ dir, dataDir, spaces: ['dataset', 'proj48'], threads: 1 });
});
afterAll(() => tmp.cleanup());

describe('mining on the sample', () => {
  it('finds true unannotated pairs with high precision at small budgets', () => {
    // Measured (400 images, 2,000 captions, seed 3): P@100 1.00, P@1000 0.940, P@10000 0.579,
    // R@10000 0.402 of 14,395 true unannotated pairs. Thresholds sit below.
    const pr = mined.precisionRecall!;
    expect(mined.trueUnannotated).toBeGreaterThan(5000);
    expect(pr['100'].precision).toBeGreaterThan(0.85);
    expect(pr['1000'].precision).toBeGreaterThan(0.75);
    expect(pr['10000'].taken).toBe(Math.min(10000, mined.candidates));
    expect(pr['10000'].precision).toBeGreaterThan(0.45);
    expect(pr['10000'].recall).toBeGreaterThan(0.3);
    expect(pr['1000'].recall).toBeCloseTo((pr['1000'].precision * 1000) / mined.trueUnannotated!, 10);
    expect(mined.clusters).toBeGreaterThan(50);
    expect(mined.spaces).toEqual(['dataset', 'proj48']);
    // The recall denominator holds only pairs mining could propose (inside a split); the sample's
    // truth is per split, so no true pair crosses splits, and the cross-split count says so.
    expect(mined.trueUnannotatedCrossSplit).toBe(0);
  });

  it('counts true pairs across splits on their own, outside the recall denominator', async () => {
    // The same folder, with five true pairs added that join a train caption to a test image.
    const copy = join(tmp.dir, 'cross');
    cpSync(dir, copy, { recursive: true });
    const testImage = ds.images.findIndex((im) => im.split === 'test');
    const trainCaptions = ds.captions.map((c, i) => (c.split === 'train' ? i : -1)).filter((i) => i >= 0).slice(0, 5);
    const lines = readFileSync(join(copy, 'truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { caption_index: number; images: number[] });
    for (const l of lines) if (trainCaptions.includes(l.caption_index)) l.images = [...new Set([...l.images, testImage])].sort((a, b) => a - b);
    writeFileSync(join(copy, 'truth.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const crossMined = await runMineCommand({ dir: copy, dataDir: join(tmp.dir, 'data-cross'), spaces: ['dataset'], threads: 1 });
    expect(crossMined.trueUnannotatedCrossSplit).toBe(5);
    expect(crossMined.trueUnannotated).toBe(mined.trueUnannotated);
  });

  it('writes candidates and review units to the project store', async () => {
    const p = await openProject(dir, dataDir);
    try {
      const { reviews } = p;
      expect(reviews.latestRun()).toMatchObject({ id: mined.runId, candidates: mined.candidates, clusters: mined.clusters });
      expect(reviews.countCandidates()).toBe(mined.candidates);
      const units = reviews.clusters({ limit: 40 });
      expect(units.map((u) => u.position)).toEqual(units.map((_, i) => i));
      // Every 5th ordinary unit is served for uncertainty; calibration checks come between them.
      const regular = units.filter((u) => u.kind !== 'check');
      expect(regular[4].servedBy).toBe('uncertainty');
      expect(units.some((u) => u.kind === 'check')).toBe(true);
      const checks = reviews.clusters().filter((u) => u.kind === 'check');
      expect(checks.every((u) => u.servedBy === 'check' && u.referenceImages.length === 0)).toBe(true);
      expect(checks.reduce((s, u) => s + u.pairs, 0)).toBe(100);
      const annotated = annotatedOf(ds);
      for (const c of reviews.candidates({ limit: 200 })) {
        expect(annotated[c.caption]).not.toBe(c.image);
        expect(ds.images[c.image].split).toBe(ds.captions[c.caption].split); // mined inside splits
        expect(c.p).toBeGreaterThanOrEqual(0);
        expect(c.p).toBeLessThanOrEqual(1);
      }
    } finally {
      p.close();
    }
  });

  it('refits on simulated reviews, then reports multiplicity and capture–recapture', async () => {
    const p = await openProject(dir, dataDir);
    try {
      const { reviews } = p;
      const nI = ds.images.length;
      const truth = new Set<number>();
      ds.truth!.forEach((imgs, c) => imgs.forEach((i) => truth.add(c * nI + i)));
      // Review the first units of the queue with the truth as the reviewer.
      for (let step = 0; step < 25; step++) {
        const u = reviews.nextCluster()!;
        const pairs = reviews.candidates({ clusterId: u.id, unreviewedOnly: true });
        reviews.record(pairs.map((c) => ({ image: c.image, caption: c.caption, label: truth.has(c.caption * nI + c.image) ? (1 as const) : (4 as const), reviewer: 'truth', seconds: 2, clusterId: u.id })));
      }
      const refresh = refreshAfterReviews(reviews);
      expect(refresh.labelled).toBeGreaterThanOrEqual(50);
      expect(refresh.refit).toBe(true);
      expect(refresh.trainAuc!).toBeGreaterThan(0.7);
      expect(reviews.latestRun()!.classifier).toMatchObject({ features: expect.any(Array) });

      const verified = projectVerified(ds, reviews);
      const stats = projectMultiplicity(ds, reviews);
      const confirmed = reviews.effectiveDecisions().filter((d) => d.label === 1).length;
      expect(verified.counts.fromReviews).toBe(confirmed);
      expect(stats.perSpace.reduce((n, r) => Math.max(n, r.confirmed), 0)).toBeLessThanOrEqual(confirmed);
      expect(stats.imagesPerCaption.annotated.mean).toBe(1);
      expect(stats.imagesPerCaption.verified.mean).toBeGreaterThan(1);
      expect(stats.imagesPerCaption.true!.mean).toBeGreaterThan(stats.imagesPerCaption.verified.mean);
      expect(stats.perSpace[0].precision!).toBeGreaterThan(0.5);
      expect(stats.perSpace[0].truthPrecision!).toBeGreaterThan(0.2);
      const cr = stats.captureRecapture[0];
      expect(cr.spaceIds).toEqual(['dataset', 'proj48']);
      expect(cr.queries).toBeGreaterThan(0);
      // Chapman is a lower bound here: the encoders miss the same hard pairs.
      expect(cr.bias!).toBeLessThan(0);

      // The push panel for one confirmed pair.
      const d = reviews.effectiveDecisions().find((x) => x.label === 1)!;
      const [space] = resolveSpaces(ds, p.dir, ['dataset']);
      const push = projectPairPush(ds, reviews, space, d.image, d.caption, { batchSize: 64 });
      expect(push.validFrom).toBe('truth');
      expect(push.infoNce.expectedValidInBatchCol).toBeGreaterThan(1);
      expect(push.infoNce.expectedForce).toBeGreaterThan(0);
      expect(push.infoNce.expectedForce).toBeLessThan(push.infoNce.conditionalForce);
      expect(push.bce.push).toBeGreaterThan(0);
    } finally {
      p.close();
    }
  });

  it('evaluates a space against annotated, verified and true positives', async () => {
    const keys = ['recall_at', 'r_precision', 'map_at_r', 'pmrp', 'queries'];
    const ann = await runEvalCommand({ dir, dataDir, space: 'dataset', positives: 'annotated', split: 'test' });
    expect(Object.keys(ann)).toEqual(['space', 'split', 'splitDescription', 'splitDerived', 'i2t', 't2i']);
    expect(ann).toMatchObject({ splitDescription: 'test', splitDerived: false });
    expect(ann.space).toMatchObject({ id: 'dataset', name: 'oracle (built from truth)' });
    // Without --split the test split is evaluated, and the result says so; 'all' takes every item.
    const byDefault = await runEvalCommand({ dir, dataDir, space: 'dataset', positives: 'annotated' });
    expect(byDefault).toEqual(ann);
    expect(ann.split).toBe('test');
    const all = await runEvalCommand({ dir, dataDir, space: 'dataset', positives: 'annotated', split: 'all' });
    expect(all.split).toBe('all');
    expect(all.t2i.queries.evaluated).toBe(ds.captions.length);
    expect(Object.keys(ann.t2i)).toEqual(keys);
    expect(ann.t2i.queries.evaluated).toBe(ds.captions.filter((c) => c.split === 'test').length);
    const truth = await runEvalCommand({ dir, dataDir, space: 'dataset', positives: 'truth', split: 'test', ks: [1, 5] });
    expect(Object.keys(truth.i2t.recall_at)).toEqual(['1', '5']);
    // With the complete truth, R@1 rises: the annotated image is rarely the only valid one.
    expect(truth.t2i.recall_at['1']).toBeGreaterThan(ann.t2i.recall_at['1']);
    await expect(runEvalCommand({ dir, dataDir, space: 'nope', positives: 'annotated' })).rejects.toThrow(/no space with id nope/);
    await expect(runEvalCommand({ dir, dataDir, space: 'dataset', split: 'holdout' })).rejects.toThrow(/split "holdout"/);

    const p = await openProject(dir, dataDir);
    try {
      const table = metricsTable(ds, p.reviews, resolveSpaces(ds, p.dir, ['dataset', 'proj48']), { split: 'test' });
      expect(table.rows.map((r) => `${r.space}/${r.positives}`)).toEqual(['dataset/annotated', 'proj48/annotated', 'dataset/verified', 'proj48/verified', 'dataset/truth', 'proj48/truth']);
      expect(Object.keys(table.rankCorrelation)).toEqual(['annotated', 'verified', 'truth']);
    } finally {
      p.close();
    }
  });

  // Needs the built bundle (`npm test` builds it first).
  it.skipIf(!built)('mines identically in worker threads (the app job), with progress', async () => {
    const phases = new Set<string>();
    const r = await mineAsJob({ dir, dataDir, spaces: ['dataset', 'proj48'], threads: 2 }, { onProgress: (p) => phases.add(p.phase.split(' ')[0]) });
    expect(r.candidates).toBe(mined.candidates);
    expect(r.precisionRecall).toEqual(mined.precisionRecall);
    expect(r.reviews.refit).toBe(true); // the reviews above are still in the store
    expect(phases.has('knn')).toBe(true);
    const abort = new AbortController();
    const cancelled = mineAsJob({ dir, dataDir, spaces: ['dataset'] }, { signal: abort.signal });
    abort.abort();
    await expect(cancelled).rejects.toThrow(/cancelled/);
  });
});
