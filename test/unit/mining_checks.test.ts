// Calibration checks: candidate pairs drawn uniformly at random from every candidate (whatever their
// p̂, below pMin too), served between the queue's units for half of the pairs while they last, so
// that the reviews can vouch for p̂ where the queue never looks (mining/checks.ts).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { chunkChecks, drawChecks } from '../../src/main/core/mining/checks.js';
import { buildReviewUnits, orderQueue, rerankUnits, type ReviewUnit } from '../../src/main/core/mining/clusters.js';

function unit(kind: ReviewUnit['kind'], pairs: number[], priority: number): ReviewUnit {
  return { kind, captions: [0], images: [0], referenceImages: [], pairs, expectedValid: priority, uncertainty: 0, priority, costSeconds: 1, position: -1, servedBy: 'priority' };
}

describe('drawing calibration checks', () => {
  it('is a seeded uniform sample without replacement of the pairs not yet reviewed', () => {
    const reviewed = new Uint8Array(20);
    reviewed[3] = reviewed[7] = 1;
    const a = drawChecks(20, reviewed, { checkPairs: 5, seed: 4 });
    expect(a).toEqual(drawChecks(20, reviewed, { checkPairs: 5, seed: 4 }));
    expect(a).not.toEqual(drawChecks(20, reviewed, { checkPairs: 5, seed: 5 }));
    expect(new Set(a).size).toBe(5);
    expect(a.some((k) => k === 3 || k === 7)).toBe(false);
    // Over many seeds every unreviewed pair is drawn about equally often (expected 5/18 of the draws).
    const hits = new Array<number>(20).fill(0);
    for (let s = 0; s < 3600; s++) for (const k of drawChecks(20, reviewed, { checkPairs: 5, seed: s })) hits[k]++;
    expect(hits[3] + hits[7]).toBe(0);
    for (let k = 0; k < 20; k++) if (k !== 3 && k !== 7) expect(Math.abs(hits[k] - 1000)).toBeLessThan(120);
  });

  it('takes every pair when fewer are left than asked for, and none when turned off', () => {
    expect(drawChecks(4, undefined, { checkPairs: 10 }).sort()).toEqual([0, 1, 2, 3]);
    expect(drawChecks(50, undefined, { checkPairs: 0 })).toEqual([]);
    expect(chunkChecks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
});

describe('checks in the review queue', () => {
  it('checks reach pairs below pMin, share no pair with another unit, and show no reference images', () => {
    const n = 60;
    const input = { n, image: Array.from({ length: n }, (_, k) => k % 12), caption: Array.from({ length: n }, (_, k) => Math.floor(k / 12)), p: Array.from({ length: n }, (_, k) => (k % 3 === 0 ? 0.01 : 0.5 + (k % 7) / 20)), lev: new Array<number>(n).fill(0) };
    const annotated = [20, 21, 22, 23, 24];
    const { units } = buildReviewUnits(input, annotated, { mode: 'caption_cards', checkPairs: 20, checkUnitPairs: 5, seed: 3 });
    const checks = units.filter((u) => u.kind === 'check');
    expect(checks.map((u) => u.pairs.length)).toEqual([5, 5, 5, 5]);
    const seen = new Set<number>();
    for (const u of units) for (const k of u.pairs) {
      expect(seen.has(k)).toBe(false);
      seen.add(k);
    }
    expect(checks.flatMap((u) => u.pairs).some((k) => input.p[k] < 0.05)).toBe(true);
    expect(checks.every((u) => u.referenceImages.length === 0 && u.servedBy === 'check')).toBe(true);
    // The ordinary units still show the captions' annotated images for reference.
    expect(units.filter((u) => u.kind !== 'check').every((u) => u.referenceImages.length > 0)).toBe(true);
    // Without checks, the same candidates above pMin all land in ordinary units.
    const plain = buildReviewUnits(input, annotated, { mode: 'caption_cards', checkPairs: 0 }).units;
    expect(plain.some((u) => u.kind === 'check')).toBe(false);
    expect(plain.reduce((s, u) => s + u.pairs.length, 0)).toBe(input.p.filter((p) => p >= 0.05).length);
  });

  it('serves checks for half of the pairs, ahead of each unit, until they run out', () => {
    const units = [
      unit('block', Array.from({ length: 30 }, (_, k) => k), 3),
      unit('caption_card', Array.from({ length: 10 }, (_, k) => 100 + k), 2),
      unit('caption_card', Array.from({ length: 10 }, (_, k) => 200 + k), 1),
      ...Array.from({ length: 6 }, (_, c) => unit('check', Array.from({ length: 10 }, (_, k) => 300 + 10 * c + k), 0)),
    ];
    const order = orderQueue(units, 0).map((u) => (u.kind === 'check' ? 'K' : u.kind === 'block' ? 'B' : 'C'));
    expect(order.join('')).toBe('KKKBKCKCK');
    const placed = orderQueue(units, 0);
    expect(placed.map((u) => u.position)).toEqual(placed.map((_, i) => i));
    expect(placed.filter((u) => u.kind === 'check').every((u) => u.servedBy === 'check')).toBe(true);
  });

  it('after reviews, the pending checks come back to the front of the checks', () => {
    const stored = [
      { id: 1, kind: 'block' as const, captions: [0], images: [0], referenceImages: [] },
      { id: 2, kind: 'check' as const, captions: [1], images: [1], referenceImages: [] },
      { id: 3, kind: 'check' as const, captions: [2], images: [2], referenceImages: [] },
    ];
    const pairsOfUnit = new Map([[1, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]], [2, [10, 11]], [3, [12, 13]]]);
    const input = { n: 14, image: new Array<number>(14).fill(0), caption: new Array<number>(14).fill(0), p: new Array<number>(14).fill(0.5), lev: new Array<number>(14).fill(0) };
    const reviewed = new Uint8Array(14);
    reviewed[10] = reviewed[11] = 1; // check 2 is done
    const rows = rerankUnits(stored, pairsOfUnit, input, reviewed, { uncertaintyShare: 0 });
    const pos = new Map(rows.map((r) => [r.id, r.position]));
    expect(pos.get(3)).toBe(0); // the pending check leads
    expect(pos.get(1)).toBe(1);
    expect(pos.get(2)).toBe(2); // the done one goes last
  });
});

describe('mlens mine --checks', () => {
  const tmp = tempDir('mlens-checks-');
  afterAll(tmp.cleanup);

  it('draws 100 checks by default, as many as asked, none with 0, and refuses a fraction', () => {
    const dir = join(tmp.dir, 'sample');
    const env = { MLENS_DATA_DIR: join(tmp.dir, 'data') };
    expect(mlens(['sample', '--out', dir, '--images', '100'], env).code).toBe(0);
    const plain = mlens(['mine', dir, '--spaces', 'dataset'], env);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/100 of them are calibration checks: pairs drawn at random from every candidate/);
    const some = mlens(['mine', dir, '--spaces', 'dataset', '--checks', '35', '--json'], env);
    expect(some.json().check_pairs).toBe(35);
    const none = mlens(['mine', dir, '--spaces', 'dataset', '--checks', '0', '--json'], env);
    expect(none.json().check_pairs).toBe(0);
    expect(none.json().clusters).toBeLessThan(some.json().clusters);
    const bad = mlens(['mine', dir, '--spaces', 'dataset', '--checks', '2.5'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--checks takes a whole number of pairs, got 2\.5/);
  }, 120_000);
});

describe('mlens mine: the prior before any review', () => {
  const tmp = tempDir('mlens-prior-');
  afterAll(tmp.cleanup);

  it('decides by the agreement check by default (not weighed on this sample), weighs by each caption’s multiplicity with --multiplicity-prior and never with --no-multiplicity-prior, on the same candidates', () => {
    const dir = join(tmp.dir, 'sample');
    const env = { MLENS_DATA_DIR: join(tmp.dir, 'data') };
    expect(mlens(['sample', '--out', dir, '--images', '100'], env).code).toBe(0);
    const text = mlens(['mine', dir, '--spaces', 'dataset'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/p̂ before any review: positive–unlabelled, one chance of annotation for every valid pair, not weighed .*disagree on which captions are generic \(Spearman -?[0-9.]+ < 0\.45\); --multiplicity-prior overrides/);
    const s = mlens(['mine', dir, '--spaces', 'dataset', '--json'], env).json();
    expect(s.multiplicity).toMatchObject({ mode: 'auto', applied: false, threshold: 0.45, captions: 500 });
    expect(s.multiplicity.agreement).toBeLessThan(0.45);
    const withM = mlens(['mine', dir, '--spaces', 'dataset', '--multiplicity-prior'], env);
    expect(withM.stdout).toMatch(/each caption's chance of being annotated with a valid image taken as 1 \/ its effective partners \(--multiplicity-prior\)/);
    const m = mlens(['mine', dir, '--spaces', 'dataset', '--multiplicity-prior', '--json'], env).json();
    expect(m.prior).toBe('pu-multiplicity');
    expect(m.multiplicity).toMatchObject({ mode: 'on', applied: true, agreement: null });
    const off = mlens(['mine', dir, '--spaces', 'dataset', '--no-multiplicity-prior', '--json'], env).json();
    expect(off.multiplicity).toMatchObject({ mode: 'off', applied: false });
    expect(s.prior).toBe('pu');
    expect(off.prior).toBe('pu');
    expect(s.candidates).toBe(m.candidates);
    // Different priors order the candidates differently: the budget figures differ somewhere.
    expect(JSON.stringify(s.precision_recall)).not.toBe(JSON.stringify(m.precision_recall));
    expect(JSON.stringify(s.precision_recall)).toBe(JSON.stringify(off.precision_recall));
    const both = mlens(['mine', dir, '--multiplicity-prior', '--no-multiplicity-prior'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/contradict each other/);
  }, 120_000);
});
