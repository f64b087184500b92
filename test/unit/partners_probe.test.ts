// The science bench's probe (src/main/bench/partners_probe.ts): a ridge regression from an item's
// embedding to its log N_eff, fitted on one split and ranked against multiplicity on the test split.
import { describe, expect, it } from 'vitest';
import { probeModality, ridgeFit } from '../../src/main/bench/partners_probe.js';
import { mulberry32 } from '../../src/shared/random.js';

describe('partners probe', () => {
  it('ridge regression recovers a linear function with its intercept', () => {
    const rnd = mulberry32(3);
    const dims = 3;
    const n = 200;
    const x = Float32Array.from({ length: n * dims }, () => rnd() * 2 - 1);
    const rows = Array.from({ length: n }, (_, i) => i);
    const y = rows.map((i) => 2 * x[i * dims] - x[i * dims + 1] + 0.5);
    const w = ridgeFit(x, dims, rows, y, 1e-6);
    expect(w[0]).toBeCloseTo(2, 4);
    expect(w[1]).toBeCloseTo(-1, 4);
    expect(w[2]).toBeCloseTo(0, 4);
    expect(w[3]).toBeCloseTo(0.5, 4);
  });

  it('tells a map learned on distorted training items from one learned on held-out items', () => {
    // Multiplicity m shows in the embedding's first coordinate for validation and test items, and
    // N_eff follows m. The training items' embeddings were pulled elsewhere (as an encoder's head pulls
    // the captions it trained on to their one annotated image): their first coordinate says nothing.
    const rnd = mulberry32(7);
    const dims = 8;
    const roles: string[] = [];
    const m: number[] = [];
    const x: number[] = [];
    const neff: number[] = [];
    const add = (role: string, count: number) => {
      for (let k = 0; k < count; k++) {
        const mult = 1 + Math.floor(rnd() * 20);
        roles.push(role);
        m.push(mult);
        neff.push(mult * (0.8 + 0.4 * rnd()));
        const row = Array.from({ length: dims }, () => rnd() - 0.5);
        row[0] = role === 'train' ? rnd() - 0.5 : Math.log(mult) / 3 + 0.1 * (rnd() - 0.5);
        // Training items: N_eff itself is peaked, unrelated to the embedding above.
        if (role === 'train') neff[neff.length - 1] = 1 + rnd();
        x.push(...row);
      }
    };
    add('train', 300);
    add('val', 60);
    add('test', 60);
    const r = probeModality(Float32Array.from(x), dims, neff, m, roles);
    expect(r).toMatchObject({ train: 300, val: 60, test: 60 });
    expect(r.neff_test!).toBeGreaterThan(0.8);
    expect(r.fit_val!).toBeGreaterThan(0.8);
    expect(Math.abs(r.fit_train!)).toBeLessThan(0.4);
  });

  it('gives null where a split is too small to fit', () => {
    const dims = 16;
    const r = probeModality(new Float32Array(10 * dims), dims, new Float32Array(10).fill(2), new Float32Array(10).fill(1), Array.from({ length: 10 }, (_, i) => (i < 2 ? 'val' : 'test')));
    expect(r.fit_val).toBeNull();
    expect(r.fit_train).toBeNull();
  });
});
