// Chart axis labels never overlap: long space names are staggered onto a second row or cut with
// an ellipsis, and the cut ones keep their full text.
import { describe, expect, it } from 'vitest';
import { cutToFit, fitLabels } from '../../src/renderer/src/charts/labels.js';

const measure = (t: string) => t.length * 6; // 6 px per character

/** Horizontal extents of centred labels on slots of `slot` px, per row. */
function collide(labels: ReturnType<typeof fitLabels>, slot: number): boolean {
  const spans = labels.map((l, i) => ({ row: l.row, a: i * slot + slot / 2 - measure(l.text) / 2, b: i * slot + slot / 2 + measure(l.text) / 2 }));
  return spans.some((s, i) => spans.some((t, j) => j > i && s.row === t.row && s.a < t.b && t.a < s.b));
}

describe('chart labels', () => {
  it('keeps short labels on one row, uncut', () => {
    const l = fitLabels(['annotated', 'verified'], 100, measure);
    expect(l.map((x) => [x.text, x.row, x.cut])).toEqual([['annotated', 0, false], ['verified', 0, false]]);
  });

  it('staggers labels too wide for their slot, and cuts only what two slots cannot hold', () => {
    const names = ['Built-in baseline · annotated', 'Built-in baseline · verified', 'PCME++ head on baseline (probabilistic) · annotated', 'PCME++ head on baseline (probabilistic) · verified'];
    const slot = 120;
    const l = fitLabels(names, slot, measure);
    expect(l.map((x) => x.row)).toEqual([0, 1, 0, 1]);
    expect(l[0].cut).toBe(false);
    expect(l[2].cut).toBe(true);
    expect(l[2].text.endsWith('…')).toBe(true);
    expect(l[2].full).toBe(names[2]);
    expect(measure(l[2].text)).toBeLessThanOrEqual(2 * slot - 4);
    expect(collide(l, slot)).toBe(false);
  });

  it('never overlaps, whatever the slot width', () => {
    const names = Array.from({ length: 8 }, (_, i) => `space number ${i} with a rather long name · verified`);
    for (const slot of [20, 45, 80, 150, 400]) expect(collide(fitLabels(names, slot, measure), slot)).toBe(false);
  });

  it('cuts to the widest prefix that fits', () => {
    expect(cutToFit('abcdefghij', 36, measure)).toBe('abcde…');
    expect(cutToFit('abc', 36, measure)).toBe('abc');
  });
});
