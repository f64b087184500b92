// The review store (decisions, undo, mining runs, imported positives) and the positive sets
// built from it.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { ReviewStore } from '../../src/main/core/review/review_store.js';
import { verifiedPositives, invertT2I } from '../../src/main/core/review/verified_positives.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-review-');
afterAll(() => tmp.cleanup());

function columns(pairs: [number, number, number][], E = 1) {
  const n = pairs.length;
  const f = (v: (k: number) => number) => Float32Array.from({ length: n }, (_, k) => v(k));
  return {
    n,
    image: pairs.map((p) => p[0]),
    caption: pairs.map((p) => p[1]),
    sources: pairs.map(() => 1),
    agreement: pairs.map(() => 1),
    rrf: f(() => 0.01),
    zMean: f(() => 1),
    margin: f(() => 0),
    lev: pairs.map(() => 0),
    tauImg: f(() => 0.5),
    tauTxt: f(() => 0.5),
    prior: f((k) => pairs[k][2]),
    p: f((k) => pairs[k][2]),
    scores: Float32Array.from({ length: n * E }, (_, j) => pairs[Math.floor(j / E)][2]),
    ranks: Int32Array.from({ length: n * E * 2 }, (_, j) => j),
  };
}

describe('review store', () => {
  it('records decisions durably, batch by batch, and undoes the last batch', () => {
    const store = new ProjectStore(join(tmp.dir, 'a', 'project.sqlite'));
    const r = new ReviewStore(store.db);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(r.canUndo()).toBe(false);
    const [d1] = r.record({ image: 3, caption: 7, label: 2, reviewer: 'ana', seconds: 4.5, clusterId: 12 });
    expect(d1).toMatchObject({ image: 3, caption: 7, label: 2, reviewer: 'ana', seconds: 4.5, clusterId: 12, undone: false });
    // A whole row in one batch; then a changed mind on (3, 7).
    const row = r.record([
      { image: 4, caption: 7, label: 1, reviewer: 'ana' },
      { image: 5, caption: 7, label: 4, reviewer: 'ana' },
    ]);
    expect(row[0].batch).toBe(row[1].batch);
    r.record({ image: 3, caption: 7, label: 3, reviewer: 'bo' });
    expect(r.decisionFor(3, 7)!.label).toBe(3);
    expect(r.countDecisions()).toEqual({ decisions: 4, pairs: 3 });
    // Undo takes back (3,7)=3 and restores (3,7)=2; a second undo takes back the whole row.
    expect(r.undo().map((d) => d.label)).toEqual([3]);
    expect(r.decisionFor(3, 7)!.label).toBe(2);
    expect(r.undo()).toHaveLength(2);
    expect(r.effectiveDecisions().map((d) => [d.image, d.caption, d.label])).toEqual([[3, 7, 2]]);
    expect(r.decisions({ includeUndone: true })).toHaveLength(4);
    r.record({ image: 9, caption: 1, label: 'invalid_image', reviewer: 'ana' });
    expect(() => r.record({ image: 1, caption: 1, label: 5 as never, reviewer: 'ana' })).toThrow(/label/);
    expect(() => r.record({ image: 1, caption: 1, label: 1, reviewer: ' ' })).toThrow(/reviewer/);
    expect(() => r.record({ image: -1, caption: 1, label: 1, reviewer: 'x' })).toThrow(/image/);
    store.close();
    // Reopened: everything is still there.
    const again = new ProjectStore(join(tmp.dir, 'a', 'project.sqlite'));
    const r2 = new ReviewStore(again.db);
    expect(r2.effectiveDecisions().map((d) => d.label)).toEqual([2, 'invalid_image']);
    again.close();
  });

  it('replaces the mining run, keeps decisions, and serves the queue', () => {
    const store = new ProjectStore(join(tmp.dir, 'b', 'project.sqlite'));
    const r = new ReviewStore(store.db);
    const cands = columns([[1, 0, 0.9], [2, 0, 0.4], [5, 3, 0.7]]);
    const unit = (position: number, captions: number[], images: number[], pairs: number[]) => ({
      kind: 'caption_card' as const, position, servedBy: 'priority' as const, priority: 1 - position, expectedValid: 1, uncertainty: 0.2, costSeconds: 9, captions, images, referenceImages: [0], pairs,
    });
    const runId = r.saveMiningRun({ spaces: ['a'], params: { kT: 5 }, platt: {}, seconds: 1 }, cands, [unit(1, [3], [5], [2]), unit(0, [0], [1, 2], [0, 1])]);
    expect(r.latestRun()).toMatchObject({ id: runId, spaces: ['a'], candidates: 3, clusters: 2 });
    expect(r.candidates().map((c) => c.p)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.7, 5), expect.closeTo(0.4, 5)]);
    expect(r.countPendingClusters()).toBe(2);
    const first = r.nextCluster()!;
    expect(first.captions).toEqual([0]);
    const pairs = r.candidates({ clusterId: first.id });
    expect(pairs.map((p) => p.image)).toEqual([1, 2]);
    expect(pairs[0].scores[0]).toBeCloseTo(0.9, 5);
    expect(pairs[0].ranks).toEqual([0, 1]);
    r.record(pairs.map((p) => ({ image: p.image, caption: p.caption, label: 1 as const, reviewer: 'ana', clusterId: first.id })));
    expect(r.nextCluster()!.captions).toEqual([3]);
    expect(r.countPendingClusters()).toBe(r.clusters({ pendingOnly: true }).length);
    expect(r.countPendingClusters()).toBe(1);
    expect(r.candidates({ unreviewedOnly: true })).toHaveLength(1);
    // A new run replaces candidates and clusters; decisions stay.
    expect(() => r.saveMiningRun({ spaces: ['a', 'b'], params: {}, platt: {}, seconds: 1 }, columns([[1, 0, 0.5]]), [])).toThrow(/2 spaces/);
    r.saveMiningRun({ spaces: ['a', 'b'], params: {}, platt: {}, seconds: 1 }, columns([[1, 0, 0.5]], 2), []);
    expect(r.countCandidates()).toBe(1);
    expect(r.countClusters()).toBe(0);
    expect(r.countDecisions().pairs).toBe(2);
    const cols = r.candidateColumns();
    expect(cols.spaces).toEqual(['a', 'b']);
    expect(cols.clusterId[0]).toBe(-1);
    store.close();
  });

  it('keeps a run\'s features between reads and reads p and the units afresh, also when another connection writes them', () => {
    const file = join(tmp.dir, 'kept', 'project.sqlite');
    const store = new ProjectStore(file);
    const r = new ReviewStore(store.db);
    r.saveMiningRun({ spaces: ['a'], params: {}, platt: {}, seconds: 1 }, columns([[1, 0, 0.9], [2, 0, 0.4], [5, 3, 0.7]]), []);
    const a = r.candidateColumns();
    expect(Array.from(a.p)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.4, 5), expect.closeTo(0.7, 5)]);
    // A caller writing into p (the refit does) does not change what the next read sees.
    a.p.fill(0);
    r.updateProbabilities([2], [0], [0.25]);
    const b = r.candidateColumns();
    expect(b.prior).toBe(a.prior);
    expect(Array.from(b.p)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.25, 5), expect.closeTo(0.7, 5)]);
    // Another process (the CLI) refits and moves a pair to a unit.
    const other = new ProjectStore(file);
    new ReviewStore(other.db).updateProbabilities([5], [3], [0.125]);
    other.db.prepare('UPDATE mining_candidates SET cluster_id = 42 WHERE caption_index = 0 AND image_index = 1').run();
    other.close();
    const c = r.candidateColumns();
    expect(Array.from(c.p)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.25, 5), expect.closeTo(0.125, 5)]);
    expect(Array.from(c.clusterId)).toEqual([42, -1, -1]);
    // A new run is read whole.
    r.saveMiningRun({ spaces: ['a'], params: {}, platt: {}, seconds: 1 }, columns([[3, 1, 0.5]]), []);
    const d = r.candidateColumns();
    expect([d.n, d.image[0], d.caption[0], d.prior[0]]).toEqual([1, 3, 1, 0.5]);
    store.close();
  });

  it('keeps imported positives per source', () => {
    const store = new ProjectStore(join(tmp.dir, 'c', 'project.sqlite'));
    const r = new ReviewStore(store.db);
    r.setExtraPositives('eccv.json', [[1, 0, 0], [2, 0, 0]]);
    r.setExtraPositives('cxc.csv', [[3, 1, 0]]);
    r.setExtraPositives('eccv.json', [[2, 0, 0]]);
    expect(r.extraSources()).toEqual([{ source: 'cxc.csv', pairs: 1 }, { source: 'eccv.json', pairs: 1 }]);
    r.removeExtraPositives('cxc.csv');
    expect(r.extraPositives()).toEqual([{ source: 'eccv.json', image: 2, caption: 0, label: 0 }]);
    store.close();
  });
});

describe('verified positives', () => {
  const base = { nImages: 5, annotated: [0, 0, 1, 2] };
  const dec = (image: number, caption: number, label: 1 | 2 | 3 | 4 | 'invalid_image' | 'invalid_caption') => ({ id: 0, batch: 0, image, caption, label, reviewer: 'x', seconds: null, clusterId: null, at: '', undone: false });

  it('unites annotated, dataset, imported and reviewed positives (lenient and strict)', () => {
    const src = {
      ...base,
      datasetPositives: [[3, 0, 0], [4, 0, 3]] as [number, number, number][],
      extra: [{ source: 'f', image: 4, caption: 1, label: 2 }],
      decisions: [dec(1, 0, 1), dec(2, 0, 2), dec(3, 2, 4)],
    };
    const lenient = verifiedPositives(src);
    expect(lenient.t2i.map((a) => Array.from(a))).toEqual([[0, 1, 2, 3], [0, 4], [1], [2]]);
    expect(lenient.counts).toMatchObject({ annotated: 4, fromDataset: 1, fromImports: 1, fromReviews: 2, total: 8 });
    const strict = verifiedPositives(src, { strict: true });
    expect(strict.t2i.map((a) => Array.from(a))).toEqual([[0, 1, 3], [0], [1], [2]]);
    expect(invertT2I(strict.t2i, 5).map((a) => Array.from(a))).toEqual([[0, 1], [0, 2], [3], [0], []]);
  });

  it('drops invalid items and, on request, rejected annotated pairs', () => {
    const src = { ...base, decisions: [dec(0, 1, 'invalid_image'), dec(9, 3, 'invalid_caption'), dec(1, 2, 4)] };
    const v = verifiedPositives(src);
    expect(v.t2i.map((a) => Array.from(a))).toEqual([[], [], [1], []]);
    expect(v.invalidImages).toEqual([0]);
    expect(v.invalidCaptions).toEqual([3]);
    expect(v.counts.droppedInvalid).toBe(3);
    expect(verifiedPositives(src, { dropRejectedAnnotated: true }).t2i[2].length).toBe(0);
  });
});
