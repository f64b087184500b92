// Tie-aware retrieval metrics against hand-computed values and exhaustive enumeration of orderings.
import { describe, expect, it } from 'vitest';
import { evaluateScores, type MetricsResult } from '../../src/main/core/metrics/evaluate.js';
import type { TieMode } from '../../src/main/core/metrics/ranks.js';
import { mulberry32 as rng } from '../../src/shared/random.js';

const MODES: TieMode[] = ['expected', 'stable', 'optimistic', 'pessimistic'];

/** Deterministic PRNG (mulberry32) so failures reproduce. */
interface Values {
  recall: number[];
  rp: number;
  map: number;
  pmrp: number;
}

/** The definitions of SCIENCE 1.2–1.5 applied to one explicit ranked list of gallery indices. */
function reference(list: number[], positives: Set<number>, ks: number[], pmK: number): Values {
  const n = list.length;
  const r = positives.size;
  const rel: number[] = list.map((g) => (positives.has(g) ? 1 : 0));
  const recall = ks.map((k) => (rel.slice(0, Math.min(k, n)).some((x) => x) ? 1 : 0));
  const rp = rel.slice(0, r).reduce((a, b) => a + b, 0) / r;
  let map = 0;
  let found = 0;
  for (let k = 1; k <= r; k++) {
    if (rel[k - 1]) {
      found++;
      map += found / k;
    }
  }
  map /= r;
  const cut = Math.min(r, pmK, n);
  const pmrp = rel.slice(0, cut).reduce((a, b) => a + b, 0) / cut;
  return { recall, rp, map, pmrp };
}

/** Every ordering of the gallery consistent with the scores (any order inside tie groups). */
function orderings(row: number[]): number[][] {
  const values = [...new Set(row)].sort((a, b) => b - a);
  const groups = values.map((v) => row.map((x, i) => (x === v ? i : -1)).filter((i) => i >= 0));
  const perms = (items: number[]): number[][] =>
    items.length <= 1 ? [items] : items.flatMap((x, i) => perms([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]));
  let out: number[][] = [[]];
  for (const g of groups) {
    const ps = perms(g);
    out = out.flatMap((prefix) => ps.map((p) => [...prefix, ...p]));
  }
  return out;
}

function one(row: number[], positives: number[], mode: TieMode, ks: number[], pmK?: number): MetricsResult {
  return evaluateScores(Float32Array.from(row), 1, row.length, [positives], { ks, ties: mode, pm: [positives], pmK });
}

function flat(r: MetricsResult, ks: number[]): number[] {
  return [...ks.map((k) => r.recall_at[String(k)]), r.r_precision, r.map_at_r, r.pmrp ?? NaN];
}

function flatRef(v: Values): number[] {
  return [...v.recall, v.rp, v.map, v.pmrp];
}

describe('tie modes on a hand-computed case', () => {
  // scores 0.9 | 0.5 0.5 0.5 | 0.1, positives {2, 4}: the 0.5 group has G = 1, E = 3, m = 1.
  const row = [0.9, 0.5, 0.5, 0.5, 0.1];
  const ks = [1, 2, 4];
  it.each([
    ['expected', [0, 1 / 3, 1], 1 / 6, 1 / 12],
    ['stable', [0, 0, 1], 0, 0],
    ['optimistic', [0, 1, 1], 1 / 2, 1 / 4],
    ['pessimistic', [0, 0, 1], 0, 0],
  ] as const)('%s', (mode, recall, rp, map) => {
    const r = one(row, [2, 4], mode, ks);
    expect(ks.map((k) => r.recall_at[String(k)])).toEqual(recall.map((x) => expect.closeTo(x, 12)));
    expect(r.r_precision).toBeCloseTo(rp, 12);
    expect(r.map_at_r).toBeCloseTo(map, 12);
    expect(r.queries).toEqual({ evaluated: 1, skipped_empty: 0, pm_evaluated: [1] });
  });

  it('a fully tied row gives the chance level in expected mode', () => {
    // N = 4 all equal, R = 2: R@1 = 1/2, RP = E[hits in top 2]/2 = 1/2, mAP@R = (p/1 + (p + q)/2)/2
    const r = one([1, 1, 1, 1], [0, 3], 'expected', [1]);
    const p = 2 / 4;
    const q = 2 / 12;
    expect(r.recall_at['1']).toBeCloseTo(0.5, 12);
    expect(r.r_precision).toBeCloseTo(0.5, 12);
    expect(r.map_at_r).toBeCloseTo((p + (p + q) / 2) / 2, 12);
  });
});

describe('tie modes against exhaustive enumeration (N ≤ 7, R ≤ 4)', () => {
  const ks = [1, 2, 3, 5, 10];
  const random = rng(20240611);
  const cases = Array.from({ length: 250 }, (_, c) => {
    const n = 1 + Math.floor(random() * 7);
    const levels = 1 + Math.floor(random() * 4); // few distinct values: many ties
    const row = Array.from({ length: n }, () => Math.floor(random() * levels) / 4);
    const r = 1 + Math.floor(random() * Math.min(4, n));
    const idx = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5).slice(0, r);
    const pmK = 1 + Math.floor(random() * 5);
    return { c, row, positives: idx, pmK };
  });

  it.each(cases)('case $c: $row / $positives', ({ row, positives, pmK }) => {
    const set = new Set(positives);
    const all = orderings(row).map((list) => flatRef(reference(list, set, ks, pmK)));
    const mean = all[0].map((_, j) => all.reduce((a, v) => a + v[j], 0) / all.length);
    const max = all[0].map((_, j) => Math.max(...all.map((v) => v[j])));
    const min = all[0].map((_, j) => Math.min(...all.map((v) => v[j])));
    const stableList = row.map((_, i) => i).sort((a, b) => row[b] - row[a] || a - b);
    const stable = flatRef(reference(stableList, set, ks, pmK));

    const got = Object.fromEntries(MODES.map((m) => [m, flat(one(row, positives, m, ks, pmK), ks)])) as Record<TieMode, number[]>;
    for (let j = 0; j < mean.length; j++) {
      expect(Math.abs(got.expected[j] - mean[j])).toBeLessThan(1e-9);
      expect(got.stable[j]).toBeCloseTo(stable[j], 12);
      expect(got.optimistic[j]).toBeCloseTo(max[j], 12);
      expect(got.pessimistic[j]).toBeCloseTo(min[j], 12);
      expect(got.optimistic[j]).toBeGreaterThanOrEqual(got.expected[j] - 1e-12);
      expect(got.expected[j]).toBeGreaterThanOrEqual(got.pessimistic[j] - 1e-12);
    }
  });
});

describe('edge cases', () => {
  it('skips and counts queries without positives, averaging over the rest', () => {
    const scores = Float32Array.from([0.9, 0.1, 0.5, /**/ 0.2, 0.8, 0.1, /**/ 0.3, 0.3, 0.3]);
    const r = evaluateScores(scores, 3, 3, [[0], [], undefined as unknown as number[]], { ks: [1] });
    expect(r.queries).toEqual({ evaluated: 1, skipped_empty: 2 });
    expect(r.recall_at['1']).toBe(1);
    const m = evaluateScores(scores, 3, 3, new Map([[1, [2]]]), { ks: [1] });
    expect(m.queries).toEqual({ evaluated: 1, skipped_empty: 2 });
    expect(m.recall_at['1']).toBe(0);
    expect(m.r_precision).toBe(0);
  });

  it('gives NaN means (JSON null) when no query has a positive', () => {
    const r = evaluateScores(Float32Array.from([1, 2]), 1, 2, [[]]);
    expect(r.queries).toEqual({ evaluated: 0, skipped_empty: 1 });
    expect(r.r_precision).toBeNaN();
    expect(JSON.parse(JSON.stringify(r)).map_at_r).toBeNull();
  });

  it('handles R larger than K (R@K stays a hit rate)', () => {
    // ranks of positives: 2, 3, 5, 6, 7 (R = 5)
    const row = [0.99, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3];
    const r = one(row, [1, 2, 4, 5, 6], 'stable', [1, 2, 3]);
    expect(r.recall_at).toEqual({ '1': 0, '2': 1, '3': 1 });
    expect(r.r_precision).toBeCloseTo(3 / 5, 12); // top 5 holds ranks 2, 3, 5
    expect(r.map_at_r).toBeCloseTo((1 / 2 + 2 / 3 + 3 / 5) / 5, 12);
    // modified PMRP on a top-3 list: min(R, K) = 3 → 2/3; without a cut it is R-Precision
    expect(one(row, [1, 2, 4, 5, 6], 'stable', [1], 3).pmrp).toBeCloseTo(2 / 3, 12);
    expect(one(row, [1, 2, 4, 5, 6], 'stable', [1]).pmrp).toBeCloseTo(3 / 5, 12);
  });

  it('de-duplicates positives and counts the duplicates', () => {
    const row = Float32Array.from([0.1, 0.9, 0.8, 0.2]);
    const dup = evaluateScores(row, 1, 4, [[1, 1, 2, 2, 2]]);
    const clean = evaluateScores(row, 1, 4, [[2, 1]]);
    expect(dup.dropped).toEqual({ out_of_range: 0, duplicates: 3 });
    expect(dup.r_precision).toBe(1);
    expect(dup.map_at_r).toBe(clean.map_at_r);
  });

  it('drops and counts positives outside the gallery; a query left empty is skipped', () => {
    const row = Float32Array.from([0.1, 0.9, 0.8, 0.2, /**/ 0.5, 0.5, 0.5, 0.5]);
    const r = evaluateScores(row, 2, 4, [[1, 7, -1, 2.5], [4, 9]]);
    expect(r.dropped).toEqual({ out_of_range: 5, duplicates: 0 });
    expect(r.queries).toEqual({ evaluated: 1, skipped_empty: 1 });
    expect(r.r_precision).toBe(1);
  });

  it('clamps K > N to N: R@K = 1 for any query with a positive', () => {
    for (const mode of MODES) {
      const r = one([0.5, 0.2, 0.1], [2], mode, [3, 10, 1000]);
      expect(r.recall_at).toEqual({ '3': 1, '10': 1, '1000': 1 });
    }
  });

  it('rejects NaN scores, a query index out of range, and bad K', () => {
    expect(() => evaluateScores(Float32Array.from([0.1, NaN]), 1, 2, [[0]])).toThrow(/row 0 contains NaN/);
    expect(() => evaluateScores(Float32Array.from([0.1, 0.2, NaN, 0]), 2, 2, [[0], [0]])).toThrow(/row 1 contains NaN/);
    expect(() => evaluateScores(Float32Array.from([0.1, 0.2]), 1, 2, new Map([[3, [0]]]))).toThrow(/query index 3/);
    expect(() => evaluateScores(Float32Array.from([0.1, 0.2]), 1, 2, [[0]], { ks: [0] })).toThrow(/positive integer/);
    expect(() => evaluateScores(Float32Array.from([0.1, 0.2]), 2, 2, [[0]])).toThrow(/expected 2 × 2/);
  });

  it('macro-averages over queries and averages several plausible-match sets', () => {
    const scores = Float32Array.from([0.9, 0.1, 0.5, 0.2, 0.8, 0.1]);
    const r = evaluateScores(scores, 2, 3, [[0], [0]], { ks: [1], pmSets: [[[0], [1]], [[2], [0, 2]]] });
    expect(r.recall_at['1']).toBe(0.5);
    // set 1: q0 RP({0}) = 1, q1 RP({1}) = 1 → 1; set 2: q0 RP({2}) = 0, q1 RP({0,2}) = 1/2 → 1/4
    expect(r.pmrp).toBeCloseTo((1 + 0.25) / 2, 12);
    expect(r.queries.pm_evaluated).toEqual([2, 2]);
  });
});

describe('longer rows against a sort-based reference', () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7])('seed %i: N = 300, up to 60 positives, mixed ties', (seed) => {
    const random = rng(1000 + seed);
    const n = 300;
    const ks = [1, 5, 10, 50];
    const quantum = [0, 1 / 8, 1 / 1024][seed % 3];
    const row = Array.from({ length: n }, () => {
      const x = Math.fround(random() * 2 - 1);
      return quantum ? Math.round(x / quantum) * quantum : x;
    });
    const r = 1 + Math.floor(random() * 60);
    const positives = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5).slice(0, r);
    const set = new Set(positives);
    const order = (posFirst: number) => row.map((_, i) => i).sort((a, b) => row[b] - row[a] || posFirst * ((set.has(b) ? 1 : 0) - (set.has(a) ? 1 : 0)) || a - b);
    const want = { stable: order(0), optimistic: order(1), pessimistic: order(-1) };
    for (const mode of ['stable', 'optimistic', 'pessimistic'] as const) {
      const got = flat(one(row, positives, mode, ks, 20), ks);
      const ref = flatRef(reference(want[mode], set, ks, 20));
      got.forEach((v, j) => expect(v).toBeCloseTo(ref[j], 12));
    }
    const e = flat(one(row, positives, 'expected', ks, 20), ks);
    const o = flat(one(row, positives, 'optimistic', ks, 20), ks);
    const p = flat(one(row, positives, 'pessimistic', ks, 20), ks);
    e.forEach((v, j) => {
      expect(v).toBeLessThanOrEqual(o[j] + 1e-12);
      expect(v).toBeGreaterThanOrEqual(p[j] - 1e-12);
    });
    if (!quantum) e.forEach((v, j) => expect(v).toBeCloseTo(o[j], 12)); // no ties: all modes agree
  });

  it('handles infinite scores like any monotone relabelling of the row', () => {
    const inf = [Infinity, 1, -Infinity, 1, Infinity, -Infinity, 0.5];
    const fin = [9, 1, -9, 1, 9, -9, 0.5];
    for (const mode of MODES) {
      for (const pos of [[0], [2, 5], [1, 4, 6], [0, 2, 3]]) {
        expect(one(inf, pos, mode, [1, 2, 3])).toEqual(one(fin, pos, mode, [1, 2, 3]));
      }
    }
  });
});
