// Membership in a truth table without one Set key per pair: large worlds with generic captions
// have more valid pairs than a JavaScript Set can hold (2^24), which made `mlens mine` fail with
// "Set maximum size exceeded" on a 5,000-image digits world.
import { describe, expect, it } from 'vitest';
import { TruthPairs } from '../../src/main/core/mining/truth_pairs.js';
import { precisionRecallAtBudgets, trueUnannotatedPairs } from '../../src/main/core/mining/mine.js';
import { multiplicityStats } from '../../src/main/core/mining/multiplicity_stats.js';

describe('truth pairs', () => {
  it('leaves out annotated, known and cross-split pairs, and reads unsorted lists with repeats', () => {
    // 4 images, 3 captions; caption c is annotated with image c.
    const truth = [[2, 0, 1, 1], [1, 3], [0, 2, 3]];
    const known = new Set([0 * 4 + 2]);
    const groups = { imageGroup: [0, 0, 1, 1], captionGroup: [0, 0, 1] };
    const t = new TruthPairs(truth, 4, { annotated: [0, 1, 2], exclude: known, groups });
    // caption 0: image 1 (image 2 is known, 0 annotated); caption 1: image 3 is in another split;
    // caption 2: image 3 (image 0 is in another split, 2 annotated).
    expect(t.size).toBe(2);
    expect(t.crossGroup).toBe(2);
    expect(t.has(0 * 4 + 1)).toBe(true);
    expect(t.has(0 * 4 + 2)).toBe(false);
    expect(t.has(0 * 4 + 0)).toBe(false);
    expect(t.has(1 * 4 + 3)).toBe(false);
    expect(t.hasPair(2, 3)).toBe(true);
    expect(t.hasPair(2, 1)).toBe(false);
    const all = new TruthPairs(truth, 4);
    expect(all.size).toBe(8);
    expect(all.hasPair(0, 0)).toBe(true);
  });

  it('counts and looks up more valid pairs than a Set can hold', () => {
    const nImages = 4000;
    const nCaptions = 5000;
    const every = Int32Array.from({ length: nImages }, (_, i) => i);
    const truth = Array.from({ length: nCaptions }, () => every);
    const annotated = Int32Array.from({ length: nCaptions }, (_, c) => c % nImages);
    const pairs = trueUnannotatedPairs(truth, annotated, nImages);
    expect(pairs.size).toBe(nCaptions * (nImages - 1));
    expect(pairs.size).toBeGreaterThan(2 ** 24);
    // Three candidates: one valid, one the annotated pair, one valid; budget 2 takes the first two.
    const table = { n: 3, caption: Int32Array.from([10, 10, 4999]), image: Int32Array.from([3, 10, 7]) };
    const figures = precisionRecallAtBudgets(table, [0, 1, 2], pairs, nImages, [2, 3]);
    expect(figures['2'].precision).toBeCloseTo(0.5, 10);
    expect(figures['3'].precision).toBeCloseTo(2 / 3, 10);
    const stats = multiplicityStats({
      nImages,
      annotated,
      verified: Array.from(annotated, (i) => [i]),
      truth,
      spaces: ['a'],
      candidates: { n: 3, image: table.image, caption: table.caption, sources: [1, 1, 1], agreement: [1, 1, 1] },
      labels: [-1, -1, -1],
    });
    expect(stats.perSpace[0].truthPrecision).toBeCloseTo(2 / 3, 10);
  });
});
