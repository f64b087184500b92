// Aspect tagging for the conditional head on vocabularies never seen: the documented lexicon
// (CSS/X11 colours, sizes, counts, positions, relations, multi-word forms), a dataset's own
// aspects.jsonl, and the coverage per aspect with a warning when it is low.
import { afterAll, describe, expect, it } from 'vitest';
import { aspectCoverage, LEXICON_RULES, LOW_COVERAGE } from '../../src/main/core/heads/aspect_lexicon.js';
import { readAspectsFile } from '../../src/main/core/heads/aspects_file.js';
import { conditionsFromKeywords } from '../../src/main/core/heads/cond.js';
import { cleanupTmp, tmpDir, writeFile } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

const tagsOf = (text: string): string[] => {
  const kc = conditionsFromKeywords(LEXICON_RULES, [{ text }]);
  return kc.names.filter((_, k) => kc.tags[k][0] === 1);
};

describe('the aspect lexicon', () => {
  it.each([
    ['A crimson sedan parked by the curb.', 'colour'],
    ['the teal door of a cafe', 'colour'],
    ['a light-blue shirt', 'colour'],
    ['a dark slate grey wall', 'colour'],
    ['a reddish sky at dusk', 'colour'],
    ['a medium-sized dog', 'size'],
    ['a medium sized dog', 'size'],
    ['an enormous truck', 'size'],
    ['12 sheep in a field', 'count'],
    ['a dozen eggs', 'count'],
    ['a cat in the upper left', 'position'],
    ['a bird at the top-right corner', 'position'],
    ['a lamp in front of a mirror', 'relation'],
    ['a dog underneath the table', 'relation'],
    ['a circle in the central column', 'position'],
    ['a disc in the middle row', 'position'],
    ['a vase at the center-left', 'position'],
    ['a star near the top', 'position'],
    ['a cup to the left of a plate', 'relation'],
    ['a red disc left of a blue square', 'relation'],
    ['a cat on top of the car', 'relation'],
    ['a cat next to a dog', 'relation'],
    ['two dogs on a lawn', 'count'],
    ['a pair of shoes', 'count'],
    ['twenty-five cows', 'count'],
    ['three-ish people at a table', 'count'],
    ['3-4 birds on a wire', 'count'],
  ])('%s → %s', (text, aspect) => {
    expect(tagsOf(text)).toContain(aspect);
  });

  it('does not tag words that only contain a colour or a number', () => {
    expect(tagsOf('a redwood forest')).not.toContain('colour');
    expect(tagsOf('someone is waiting')).not.toContain('count');
    expect(tagsOf('a bathroom mirror')).not.toContain('colour');
  });

  it('a bare preposition is not a relation, and a place in the picture is not one either', () => {
    expect(tagsOf('A grey canvas with a yellow diamond')).not.toContain('relation');
    expect(tagsOf('a cat on a table in a kitchen')).not.toContain('relation');
    expect(tagsOf('a star near the top')).not.toContain('relation');
    expect(tagsOf('Two objects, among them a red triangle')).not.toContain('relation');
  });

  it('a number in a compound adjective, compared with or named with an article is not a count', () => {
    for (const text of ['a digit smaller than three', 'a number larger than 50', 'a 5 left of a 7', 'a six-sided shape', 'a red six sided shape', 'a two-tone car', 'a three-legged stool', 'a 3-legged stool', 'a two story house', 'a one-way street']) {
      expect(tagsOf(text), text).not.toContain('count');
    }
  });

  it('"left of" and "on top of" relate two things: not a position; "medium blue" is not a size', () => {
    expect(tagsOf('a red disc left of a blue square')).not.toContain('position');
    expect(tagsOf('a cat on top of the car')).not.toContain('position');
    expect(tagsOf('a circle in the upper left of the picture')).toContain('position');
    expect(tagsOf('a medium blue car')).toEqual(['colour']);
  });

  it('reports the share of captions per aspect and warns when it is low', () => {
    const caps = ['a red car', 'a blue car', 'a car', 'a car on a road', ...Array.from({ length: 16 }, () => 'a truck')].map((text) => ({ text }));
    const kc = conditionsFromKeywords(LEXICON_RULES, caps);
    const cov = aspectCoverage(kc.names, kc.counts, caps.length, 'lexicon');
    expect(cov.share.colour).toBeCloseTo(2 / 20, 6);
    expect(cov.share.size).toBe(0);
    expect(cov.warnings.some((w) => w.startsWith('aspect "size" tags 0.0 %'))).toBe(true);
    expect(cov.warnings.some((w) => w.startsWith('aspect "colour"'))).toBe(2 / 20 < LOW_COVERAGE);
  });

  it('the low-coverage warning names the source used and what to do for it', () => {
    const warn = (source: Parameters<typeof aspectCoverage>[3]): string => aspectCoverage(['hue'], [1], 100, source).warnings[0];
    expect(warn('lexicon')).toMatch(/from the aspect lexicon\): .*supply aspects\.jsonl .*for this vocabulary$/);
    expect(warn('aspects.jsonl')).toMatch(/from aspects\.jsonl\): .*label more captions with this aspect in aspects\.jsonl$/);
    expect(warn('aspects.jsonl')).not.toMatch(/supply aspects\.jsonl/);
    expect(warn('sample')).toMatch(/from the sample's caption atoms\): .*generate more images/);
    expect(warn('sample')).not.toMatch(/supply aspects\.jsonl/);
    expect(warn('rules')).toMatch(/from keyword rules\): .*widen the keyword rules/);
    expect(aspectCoverage(['hue'], [5], 100, 'sample').warnings).toEqual([]);
  });
});

describe('aspects.jsonl', () => {
  it("a dataset's own aspects replace the lexicon; bad lines are listed by number", async () => {
    const root = tmpDir();
    writeFile(
      root,
      'aspects.jsonl',
      [
        JSON.stringify({ caption_index: 0, aspects: { hue: 'vermilion', pose: 'sitting' } }),
        JSON.stringify({ caption_id: 'c2', aspects: { hue: ['ochre', 'umber'] } }),
        JSON.stringify({ caption_index: 9, aspects: { hue: 'x' } }),
        '{"caption_index": 1, "aspects": 3}',
        JSON.stringify({ caption_index: 1, aspects: { pose: false } }),
      ].join('\n'),
    );
    const ds = { root, captions: ['c0', 'c1', 'c2'].map((id) => ({ id, text: id, imageIndex: 0, split: null })) };
    const f = await readAspectsFile(ds);
    expect(f!.conditions.names).toEqual(['hue', 'pose']);
    expect(f!.conditions.counts).toEqual([2, 1]);
    expect(Array.from(f!.conditions.tags[0])).toEqual([1, 0, 1]);
    expect(f!.values[0].get(2)).toEqual(['ochre', 'umber']);
    expect(f!.problems.map((p) => p.line)).toEqual([3, 4]);
    expect(f!.problems[0].message).toMatch(/no caption at index 9/);
  });
});

describe('numeric comparisons are not sizes', () => {
  it.each([
    ['a digit larger than five', false],
    ['a digit smaller than 3', false],
    ['a number bigger than 50', false],
    ['a larger dog', true],
    ['a dog larger than a cat', true],
    ['the tallest of the three towers', true],
  ])('%s → size %s', (text, size) => {
    expect(tagsOf(text).includes('size')).toBe(size);
  });
});
