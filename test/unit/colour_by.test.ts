// Colour-by: the key beside the map describes exactly the colours sent to the GPU (every point's
// colour is one key entry, and the counts add up), for categories and for a numeric scale.
import { describe, expect, it } from 'vitest';
import { colourBy, numeric } from '../../src/renderer/src/colour/colour_by.js';
import { rampRgb } from '../../src/renderer/src/colour/palette.js';
import type { ItemTable } from '../../src/shared/api.js';

const items: ItemTable = {
  images: [
    { id: 'a', path: 'images/a.png', missing: false, split: 'train' },
    { id: 'b', path: 'images/b.png', missing: false, split: 'test' },
    { id: 'c', path: 'images/c.png', missing: false, split: null },
  ],
  captions: [
    { id: 'a0', text: 'a red square', imageIndex: 0, split: 'train' },
    { id: 'a1', text: 'two circles next to a green heart', imageIndex: 0, split: 'train' },
    { id: 'b0', text: 'blue', imageIndex: 1, split: 'test' },
  ],
};

function coloursOf(rgba: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < rgba.length; i += 4) out.push(`rgb(${rgba[i]}, ${rgba[i + 1]}, ${rgba[i + 2]})`);
  return out;
}

describe('colour by', () => {
  it('by split: one key entry per split plus "no split", each counting the points drawn in its colour', () => {
    const c = colourBy('split', { items, flags: [], units: [], columns: [] })!;
    expect(c.key.kind).toBe('categories');
    if (c.key.kind !== 'categories') return;
    expect(c.key.entries.map((e) => [e.label, e.count])).toEqual([['train', 3], ['test', 2], ['no split', 1]]);
    const drawn = coloursOf(c.rgba);
    for (const e of c.key.entries) expect(drawn.filter((d) => d === e.css).length).toBe(e.count);
    expect(new Set(c.key.entries.map((e) => e.css)).size).toBe(3);
  });

  it('by flag label: flagged pairs colour both items, the rest are "not flagged"', () => {
    const c = colourBy('label', {
      items,
      flags: [{ id: 1, target: { kind: 'pair', image: 1, caption: 0 }, label: 'false_negative', note: '', createdAt: '', annotated: false }],
      units: [],
      columns: [],
    })!;
    if (c.key.kind !== 'categories') throw new Error('expected categories');
    expect(c.key.entries.map((e) => [e.label, e.count])).toEqual([['False negative (valid, unannotated)', 2], ['not flagged', 4]]);
  });

  it('by a number: the scale ends are the values drawn at the ramp ends; items without a value are grey', () => {
    const v = new Float32Array([1, 2, 3, NaN, 5]);
    const c = numeric(v, 'caption length');
    if (c.key.kind !== 'scale') throw new Error('expected a scale');
    expect([c.key.lo, c.key.hi, c.key.count, c.key.missing]).toEqual([1, 5, 4, 1]);
    const drawn = coloursOf(c.rgba);
    expect(drawn[0]).toBe(`rgb(${rampRgb(0).join(', ')})`);
    expect(drawn[4]).toBe(`rgb(${rampRgb(1).join(', ')})`);
    expect(drawn[1]).toBe(`rgb(${rampRgb(0.25).join(', ')})`);
    expect(drawn[3]).toBe('rgb(205, 205, 205)');
  });

  it('clips a long tail to the 2nd–98th percentile and says so', () => {
    const v = new Float32Array(200).map((_, i) => i);
    v[199] = 1e6;
    const c = numeric(v, 'Σσ²');
    if (c.key.kind !== 'scale') throw new Error('expected a scale');
    expect(c.key.clipped).toBe(true);
    expect(c.key.max).toBe(1e6);
    expect(c.key.hi).toBeLessThan(200);
  });

  it('by a numeric column of the server: caption length in words, images without a value', () => {
    const c = colourBy('value:caption_words', { items, flags: [], units: [], columns: [{ id: 'caption_words', name: 'caption length (words)', image: new Float32Array(3).fill(NaN), caption: new Float32Array([3, 7, 1]) }] })!;
    if (c.key.kind !== 'scale') throw new Error('expected a scale');
    expect([c.key.lo, c.key.hi, c.key.missing]).toEqual([1, 7, 3]);
  });
});
