// The positive–unlabelled prior, with and without each caption's multiplicity (prior.ts puPrior).
// A caption is annotated with one of its m valid images, so a valid pair of a generic caption is
// rarely the annotated one; the plain PU assumption (one chance of annotation for every valid
// pair) then ranks a specific caption's near misses above a generic caption's valid pairs.
import { describe, expect, it } from 'vitest';
import { puPrior, softCap, softCapWide } from '../../src/main/core/mining/prior.js';
import { mulberry32 } from '../../src/shared/random.js';

/** One feature per row (a similarity); returns the flat feature arrays and per-row multiplicity. */
function world() {
  const u = mulberry32(3);
  // Box–Muller normal draws.
  const rng = { normal: (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()) };
  const pos: number[] = [];
  const posM: number[] = [];
  const unl: number[] = [];
  const unlM: number[] = [];
  const valid: boolean[] = [];
  // 200 specific captions (m = 1): their annotated pair scores about 0.8, and each has 3 near
  // misses at about 0.7 (not valid).
  for (let c = 0; c < 200; c++) {
    pos.push(0.8 + 0.05 * rng.normal());
    posM.push(1);
    for (let k = 0; k < 3; k++) {
      unl.push(0.7 + 0.05 * rng.normal());
      unlM.push(1);
      valid.push(false);
    }
  }
  // 20 generic captions (m = 40): their annotated pair and their 39 other valid images all score
  // about 0.5 (a generic caption is equally far from everything it fits).
  for (let c = 0; c < 20; c++) {
    pos.push(0.5 + 0.05 * rng.normal());
    posM.push(40);
    for (let k = 0; k < 39; k++) {
      unl.push(0.5 + 0.05 * rng.normal());
      unlM.push(40);
      valid.push(true);
    }
  }
  return { pos, posM, unl, unlM, valid };
}

function precisionOfTop(prior: Float32Array, valid: boolean[], k: number): number {
  const order = Array.from(prior.keys()).sort((a, b) => prior[b] - prior[a]);
  return order.slice(0, k).filter((i) => valid[i]).length / k;
}

describe('positive–unlabelled prior', () => {
  it('ranks generic captions’ valid pairs first once each caption’s chance of annotation is 1/m', () => {
    const w = world();
    const plain = new Float32Array(w.unl.length);
    const withM = new Float32Array(w.unl.length);
    const a = puPrior(w.pos, w.unl, 1, plain)!;
    const b = puPrior(w.pos, w.unl, 1, withM, { pos: w.posM, unl: w.unlM })!;
    expect(a.multiplicity).toBe(false);
    expect(b.multiplicity).toBe(true);
    // 780 valid pairs among 1,380 candidates; the top 500 by each prior (measured: 0.002 and 0.612):
    expect(precisionOfTop(plain, w.valid, 500)).toBeLessThan(0.05);
    expect(precisionOfTop(withM, w.valid, 500)).toBeGreaterThan(0.5);
    // With m = 1 everywhere the two agree below the squash (0.9) and rank alike above it.
    const ones = new Float32Array(w.unl.length);
    puPrior(w.pos, w.unl, 1, ones, { pos: w.posM.map(() => 1), unl: w.unlM.map(() => 1) });
    const order = (p: Float32Array) => Array.from(p.keys()).sort((a, b) => p[b] - p[a] || a - b);
    expect(order(ones)).toEqual(order(plain));
    expect(Array.from(ones).filter((v) => v <= 0.9)).toEqual(Array.from(plain).filter((v) => v <= 0.9));
  });

  it('squashes values above 0.9 below 1 and keeps their order', () => {
    expect(softCap(0.5)).toBe(0.5);
    expect(softCap(0.9)).toBeCloseTo(0.9, 12);
    expect(softCap(1.5)).toBeLessThan(1);
    expect(softCap(1.5)).toBeGreaterThan(softCap(1.2));
    // In float32 the exponential tail ties large values at 1; the wide one (the multiplicity
    // prior's, whose values run to thousands) keeps them apart.
    const f = (x: number) => Math.fround(x);
    expect(f(softCap(5))).toBe(f(softCap(50)));
    expect(f(softCapWide(5))).toBeLessThan(f(softCapWide(50)));
    expect(f(softCapWide(500))).toBeLessThan(f(softCapWide(5000)));
    expect(softCapWide(0.9)).toBeCloseTo(0.9, 12);
    expect((softCapWide(0.9 + 1e-6) - softCapWide(0.9)) / 1e-6).toBeCloseTo(1, 4);
  });
});
