// Mining, review, metrics, multiplicity and push through the real server (the calls the UI makes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { connectApi, startServe, until, type ServeHandle } from '../helpers/server.js';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-analysis-');
const dataset = join(tmp.dir, 'sample');
let server: ServeHandle;
let api: Awaited<ReturnType<typeof connectApi>>;

beforeAll(async () => {
  const r = mlens(['sample', '--out', dataset, '--images', '150', '--seed', '5', '--json']);
  expect(r.code, r.stderr).toBe(0);
  server = await startServe({ dataDir: join(tmp.dir, 'data'), dataset });
  api = await connectApi(server);
  await until(async () => (await api.call('app.session')).dataset, 'the dataset to open');
}, 120_000);

afterAll(async () => {
  api?.close();
  await server?.stop();
  tmp.cleanup();
});

describe('analysis API', () => {
  it('lists the folder embeddings as the active space', async () => {
    const s = await api.call('app.session');
    expect(s.spaceId).toBe('dataset');
    expect(s.spaces[0]).toMatchObject({ id: 'dataset', dims: 64, name: 'oracle (built from truth)' });
  });

  it('mines candidates, serves review units, records and undoes decisions, and the metrics move', async () => {
    const summary = await api.call('mining.run', { jobId: 'mine-1' });
    expect(summary.candidates).toBeGreaterThan(50);
    expect(summary.clusters).toBeGreaterThan(5);
    expect(summary.precisionRecall['100'].precision).toBeGreaterThan(0.5);
    expect((await api.call('app.session')).lastMining).toEqual(summary);
    const next = await api.call('review.unit', {});
    expect(next.pending).toBe(summary.clusters);
    // The queue mixes in calibration checks (random candidates, any split); this takes its first
    // ordinary unit, whose valid pairs are the likeliest to move the metrics.
    const queue = await api.call('review.queue', { limit: 50 });
    expect(queue.some((u: any) => u.kind === 'check')).toBe(true);
    const unit = await api.call('review.unit', { clusterId: queue.find((u: any) => u.kind !== 'check').id });
    expect(unit.candidates.length).toBeGreaterThan(0);
    // The table defaults to the test split (as `mlens eval`) and names it; reviews land in any
    // split, so their effect is read on every item.
    const byDefault = await api.call('metrics.table', {});
    const testSplit = byDefault.splits.find((x: any) => x.name === 'test');
    expect(byDefault.split).toBe('test');
    expect(byDefault.splits.map((x: any) => x.name)).toEqual(expect.arrayContaining(['test', 'val', 'train', 'all']));
    expect(byDefault.splits.at(-1).name).toBe('all');
    expect(byDefault.rows[0].i2t.queries.evaluated).toBe(testSplit.images);
    expect(byDefault.rows[0].t2i.queries.evaluated).toBe(testSplit.captions);
    expect(byDefault.droppedOutside.truth).toBe(0); // the sample's truth lies within each split
    await expect(api.call('metrics.table', { split: 'holdout' })).rejects.toThrow(/no split "holdout".*test, val, train, all/);
    const before = await api.call('metrics.table', { split: 'all' });
    expect(before.split).toBe('all');
    expect(before.rows[0].i2t.queries.evaluated).toBe(byDefault.splits.at(-1).images);
    const verifiedBefore = before.rows.find((r: any) => r.positives === 'verified');
    // Accept every truly valid candidate of the unit, reject the rest, as one batch.
    const decisions = unit.candidates.map((c: any) => ({ image: c.image, caption: c.caption, label: c.truth ? 1 : 4 }));
    expect(await api.call('review.record', { decisions, reviewer: 'tester', seconds: 12, clusterId: unit.cluster.id })).toEqual({ recorded: decisions.length });
    const after = await api.call('metrics.table', { split: 'all' });
    const verifiedAfter = after.rows.find((r: any) => r.positives === 'verified');
    const valid = decisions.filter((d: any) => d.label === 1).length;
    if (valid > 0) expect(verifiedAfter.t2i.map_at_r).not.toBe(verifiedBefore.t2i.map_at_r);
    const m = await api.call('metrics.multiplicity');
    expect(m.imagesPerCaption.verified.mean).toBeGreaterThanOrEqual(1);
    expect(m.imagesPerCaption.true.mean).toBeGreaterThan(m.imagesPerCaption.annotated.mean);
    const again = await api.call('review.unit', { clusterId: unit.cluster.id });
    expect(again.candidates.every((c: any) => c.decision !== null)).toBe(true);
    expect(await api.call('review.undo')).toBe(true);
    const undone = await api.call('review.unit', { clusterId: unit.cluster.id });
    expect(undone.candidates.every((c: any) => c.decision === null)).toBe(true);
  });

  it('encodes the dataset with the built-in baseline encoder into a new active space, reused from cache', async () => {
    const first = await api.call('spaces.encode', { jobId: 'enc-1', encoder: 'baseline' });
    expect(first).toMatchObject({ encoder: 'baseline', cached: false });
    expect(first.dims).toBeGreaterThan(8);
    const s = await api.call('app.session');
    expect(s.spaceId).toBe(first.id);
    expect(s.spaces.map((x: any) => x.id)).toEqual(['dataset', first.id]);
    const jobEvents = api.events.filter((e: any) => e.type === 'job' && e.jobId === 'enc-1');
    expect(jobEvents.some((e: any) => e.state === 'running' && e.total > 1)).toBe(true);
    expect(jobEvents.at(-1).state).toBe('done');
    const again = await api.call('spaces.encode', { jobId: 'enc-2', encoder: 'baseline' });
    expect(again).toMatchObject({ id: first.id, cached: true });
    const detail = await api.call('spaces.itemDetail', { kind: 'caption', index: 0, k: 5 });
    expect(detail.neighbors).toHaveLength(5);
    await api.call('spaces.setActive', { spaceId: 'dataset' });
  }, 180_000);

  it('trains a PCME++ head with live epochs, then serves uncertainty, glyphs and the exact CSD', async () => {
    const r = await api.call('heads.train', { jobId: 'train-1', head: 'pcme', spaceId: 'dataset', epochs: 3 });
    expect(r.space.probabilistic).toBe(true);
    expect(r.space.parent).toBeTruthy();
    expect(typeof r.spearman).toBe('number');
    const epochs = api.events.filter((e: any) => e.type === 'train' && e.jobId === 'train-1');
    expect(epochs.map((e: any) => e.epoch)).toEqual([1, 2, 3]);
    expect(Number.isFinite(epochs[0].loss)).toBe(true);
    expect((await api.call('app.session')).spaceId).toBe(r.space.id);
    const u = await api.call('heads.uncertainty', {});
    expect(u.text.b64.length).toBeGreaterThan(0);
    const heads = await api.call('heads.list');
    expect(heads.some((h: any) => h.spaces.some((sp: any) => sp.id === r.space.id) && h.curves.length === 3)).toBe(true);
    const csd = await api.call('heads.pairCsd', { image: 0, caption: 0 });
    expect(csd.csd).toBeCloseTo(csd.meanDistance2 + csd.imageTrace + csd.textTrace, 5);
    expect(csd.probability).toBeCloseTo(1 / (1 + Math.exp(csd.a * csd.csd - csd.b)), 6);
    const g = await api.call('projection.glyphs', { jobId: 'glyphs-1' });
    expect(g.spaceId).toBe(r.space.id);
    expect(g.radius.$typed).toBe('f32');
    await api.call('spaces.setActive', { spaceId: 'dataset' });
    expect(await api.call('heads.pairCsd', { image: 0, caption: 0 })).toBeNull();
  }, 180_000);

  it('trains a conditional head beside its unconditioned control and shows them per aspect and direction', async () => {
    const r = await api.call('heads.train', { jobId: 'train-cond', head: 'cond', spaceId: 'dataset', epochs: 1 });
    const cmp = r.aspectComparison;
    expect(cmp.galleryRule).toBe('aspect-gallery');
    expect(cmp.galleryRuleText).toMatch(/only the captions the aspect applies to/);
    expect(cmp.aspects.length).toBeGreaterThan(1);
    for (const a of cmp.aspects) {
      for (const d of [a.i2t, a.t2i]) {
        expect(Number.isFinite(d.cond)).toBe(true);
        expect(Number.isFinite(d.control)).toBe(true);
      }
    }
    await api.call('spaces.setActive', { spaceId: 'dataset' });
  }, 180_000);

  it('refuses the inclusion option for a negative weight and for another head than PCME++', async () => {
    await expect(api.call('heads.train', { jobId: 'train-bad-1', head: 'pcme', spaceId: 'dataset', epochs: 1, inclusion: -1 })).rejects.toThrow(/inclusion/);
    await expect(api.call('heads.train', { jobId: 'train-bad-2', head: 'cond', spaceId: 'dataset', epochs: 1, inclusion: 0.3 })).rejects.toThrow(/--inclusion applies to --head pcme only/);
    expect((await api.call('heads.list')).every((h: any) => !/inclusion/.test(h.name))).toBe(true);
  }, 60_000);

  it('reports the InfoNCE push beside the BCE equivalent for a pair', async () => {
    const p = await api.call('metrics.pairPush', { image: 3, caption: 40 });
    expect(p.validFrom).toBe('truth');
    expect(p.infoNce.expectedForce).toBeGreaterThan(0);
    expect(p.bce.push).toBeGreaterThan(0);
    expect(p.bce.push).toBeLessThan(1);
  });
});
