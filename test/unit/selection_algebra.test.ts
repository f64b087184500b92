import { describe, expect, it } from 'vitest';
import { combineSelection, countSelected, opFromModifiers, selectedIndices } from '../../src/renderer/src/selection/algebra';
import { mulberry32 as rng } from '../../src/shared/random.js';

const mask = (n: number, ids: number[]): Uint8Array => {
  const m = new Uint8Array(n);
  for (const i of ids) m[i] = 1;
  return m;
};
const ids = (m: Uint8Array): number[] => Array.from(selectedIndices(m));

describe('selection algebra', () => {
  const a = mask(10, [1, 2, 3, 4]);
  const b = mask(10, [3, 4, 5, 6]);

  it('replace, union, intersection and subtraction of two lassos', () => {
    expect(ids(combineSelection(a, b, 'replace'))).toEqual([3, 4, 5, 6]);
    expect(ids(combineSelection(a, b, 'union'))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ids(combineSelection(a, b, 'intersect'))).toEqual([3, 4]);
    expect(ids(combineSelection(a, b, 'subtract'))).toEqual([1, 2]);
  });

  it('from an empty selection: union gives the lasso, intersection and subtraction give nothing', () => {
    expect(ids(combineSelection(null, b, 'union'))).toEqual([3, 4, 5, 6]);
    expect(ids(combineSelection(null, b, 'intersect'))).toEqual([]);
    expect(ids(combineSelection(null, b, 'subtract'))).toEqual([]);
  });

  it('does not modify its inputs', () => {
    const a0 = a.slice();
    const b0 = b.slice();
    combineSelection(a, b, 'union');
    combineSelection(a, b, 'subtract');
    expect(a).toEqual(a0);
    expect(b).toEqual(b0);
  });

  it('obeys the set identities on random masks', () => {
    const r = rng(7);
    const n = 5000;
    for (let t = 0; t < 10; t++) {
      const x = mask(n, []);
      const y = mask(n, []);
      for (let i = 0; i < n; i++) {
        x[i] = r() < 0.3 ? 1 : 0;
        y[i] = r() < 0.5 ? 1 : 0;
      }
      const u = combineSelection(x, y, 'union');
      const inter = combineSelection(x, y, 'intersect');
      const diff = combineSelection(x, y, 'subtract');
      // |x ∪ y| = |x| + |y| − |x ∩ y|; x = (x \ y) ∪ (x ∩ y), disjoint.
      expect(countSelected(u)).toBe(countSelected(x) + countSelected(y) - countSelected(inter));
      expect(countSelected(diff) + countSelected(inter)).toBe(countSelected(x));
      expect(combineSelection(diff, inter, 'union')).toEqual(x);
      expect(countSelected(combineSelection(diff, y, 'intersect'))).toBe(0);
    }
  });

  it('rejects masks of different lengths', () => {
    expect(() => combineSelection(mask(3, []), mask(4, []), 'union')).toThrow(/differ in length/);
  });

  it('modifier keys: Shift adds, Alt subtracts, Shift+Alt intersects, none keeps the toolbar mode', () => {
    expect(opFromModifiers(true, false, 'replace')).toBe('union');
    expect(opFromModifiers(false, true, 'replace')).toBe('subtract');
    expect(opFromModifiers(true, true, 'replace')).toBe('intersect');
    expect(opFromModifiers(false, false, 'intersect')).toBe('intersect');
  });
});
