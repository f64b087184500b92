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

import { selectionCounts, selectionCsv, selectionTargets } from '../../src/renderer/src/selection/targets';

describe('a selection as flag targets and CSV rows', () => {
  // 3 images, 4 captions: caption c belongs to image [0, 0, 1, 2][c]. Map point = image i, or 3 + c.
  const captionImage = [0, 0, 1, 2];
  const m = mask(7, [0, 1, 3, 5, 6]); // images 0, 1; captions 0, 2, 3

  it('items: one item flag per selected image and caption', () => {
    expect(selectionTargets(m, 3, captionImage, 'items')).toEqual([
      { kind: 'item', modality: 'image', index: 0 },
      { kind: 'item', modality: 'image', index: 1 },
      { kind: 'item', modality: 'caption', index: 0 },
      { kind: 'item', modality: 'caption', index: 2 },
      { kind: 'item', modality: 'caption', index: 3 },
    ]);
  });

  it('pairs: only annotated pairs whose image and caption are both selected', () => {
    // caption 3's image (2) is not selected; caption 1 is not selected.
    expect(selectionTargets(m, 3, captionImage, 'pairs')).toEqual([
      { kind: 'pair', image: 0, caption: 0 },
      { kind: 'pair', image: 1, caption: 2 },
    ]);
    expect(selectionCounts(m, 3, captionImage)).toEqual({ images: 2, captions: 3, pairs: 2 });
  });

  it('CSV: one row per selected point, quoting commas and quotes in captions', () => {
    const items = {
      images: [{ id: 'a', path: 'images/a.png' }, { id: 'b', path: 'images/b.png' }, { id: 'c', path: 'images/c.png' }],
      captions: [
        { id: 'c0', text: 'a dog, running', imageIndex: 0 },
        { id: 'c1', text: 'x', imageIndex: 0 },
        { id: 'c2', text: 'the "best" cat', imageIndex: 1 },
        { id: 'c3', text: 'y', imageIndex: 2 },
      ],
    };
    const xy = new Float32Array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6.5, 6]);
    const lines = selectionCsv(m, 3, items, xy).trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('kind,index,id,image_path,caption_text,image_index,x,y');
    expect(lines[1]).toBe('image,0,a,images/a.png,,0,0,0');
    expect(lines[3]).toBe('caption,0,c0,,"a dog, running",0,3,3');
    expect(lines[4]).toBe('caption,2,c2,,"the ""best"" cat",1,5,5');
    expect(lines[5]).toBe('caption,3,c3,,y,2,6.5,6');
  });
});
