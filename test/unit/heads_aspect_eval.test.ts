// Per-aspect evaluation of the conditional head: the gallery restriction shown by a case where
// caption-type ranking would otherwise score. Real arrays through the real evaluation code
// (metrics/space_eval.ts, heads/aspect_eval.ts); no training.
import { describe, expect, it } from 'vitest';
import { evaluateSpace } from '../../src/main/core/metrics/space_eval.js';
import { aspectSummary, evaluateAspect } from '../../src/main/core/heads/aspect_eval.js';
import { aspectComparison, describeAspectComparison } from '../../src/main/core/heads/cond_report.js';
import type { EvalScores } from '../../src/main/core/heads/train.js';
import { Rng } from '../../src/main/core/sample/rng.js';
import { conditionsFromKeywords, keywordConditionPositives } from '../../src/main/core/heads/cond.js';
import { LEXICON_RULES } from '../../src/main/core/heads/aspect_lexicon.js';
import { csrFromLists, csrRow } from '../../src/main/core/heads/csr.js';

// 12 images; each has two true captions with noisy copies of its content: one the aspect applies
// to ("tagged": valid under the aspect for its own image) and one it does not apply to.
// Axes: 8 content dimensions, then one "tagged caption" axis and one "untagged caption" axis.
const N = 12;
const C = 8;
const D = C + 2;
const TAGGED = C;
const UNTAGGED = C + 1;

function unit(v: Float64Array): Float64Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function world() {
  const rng = new Rng(11, 'aspect-gallery-case');
  const content = Array.from({ length: N }, () => unit(Float64Array.from({ length: C }, () => rng.normal())));
  const nCaptions = 2 * N;
  const text = new Float32Array(nCaptions * D);
  const positives: Int32Array[] = [];
  for (let j = 0; j < nCaptions; j++) {
    const i = j >> 1;
    const tagged = j % 2 === 0;
    const c = unit(content[i].map((x) => x + 0.45 * rng.normal()));
    // every caption has the same norm and the same weight on its type axis: only the axis differs
    for (let d = 0; d < C; d++) text[j * D + d] = 0.8 * c[d];
    text[j * D + (tagged ? TAGGED : UNTAGGED)] = 0.6;
    positives.push(tagged ? Int32Array.of(i) : new Int32Array(0));
  }
  // The control: the image's content only. The "type ranker": the same content, plus a weight on
  // the tagged-caption axis, so under the aspect it scores every tagged caption up by one constant.
  const control = new Float32Array(N * D);
  const typeRanker = new Float32Array(N * D);
  content.forEach((c, i) => {
    for (let d = 0; d < C; d++) {
      control[i * D + d] = c[d];
      typeRanker[i * D + d] = 0.6 * c[d];
    }
    typeRanker[i * D + TAGGED] = 0.8;
  });
  return { text, positives, control, typeRanker };
}

describe('per-aspect evaluation of the conditional head', () => {
  it('the gallery restriction shown by a case where caption-type ranking would otherwise score', () => {
    const { text, positives, control, typeRanker } = world();
    // Old rule (the per-condition gallery): every caption of the split in the image→text gallery.
    const oldControl = evaluateSpace(control, text, D, positives);
    const oldRanker = evaluateSpace(typeRanker, text, D, positives);
    // The type ranker wins there: each image's untagged true caption, a negative under this rule,
    // no longer outranks its tagged one.
    expect(oldRanker.i2t.map_at_r).toBeGreaterThan(oldControl.i2t.map_at_r + 0.1);
    expect(oldRanker.i2t.r_precision).toBeGreaterThan(oldControl.i2t.r_precision);
    // New rule: the image→text gallery is only the captions the aspect applies to.
    const newControl = evaluateAspect(control, text, D, positives)!;
    const newRanker = evaluateAspect(typeRanker, text, D, positives)!;
    expect(newControl.i2t.gallery).toBe(N);
    expect(newControl.i2t.queries).toBe(N);
    expect(newControl.t2i.queries).toBe(N);
    expect(newControl.t2i.gallery).toBe(N);
    // Ranking the caption type earns nothing, in either direction (cosines are rescaled, not reordered).
    expect(newRanker.i2t.mapAtR).toBeCloseTo(newControl.i2t.mapAtR, 6);
    expect(newRanker.i2t.rPrecision).toBeCloseTo(newControl.i2t.rPrecision, 6);
    expect(newRanker.i2t.r1).toBeCloseTo(newControl.i2t.r1, 6);
    expect(newRanker.t2i.mapAtR).toBeCloseTo(newControl.t2i.mapAtR, 6);
    // and the content still matters: the restricted scores are not degenerate
    expect(newControl.i2t.mapAtR).toBeGreaterThan(0.3);
    expect(newControl.i2t.mapAtR).toBeLessThan(1);
  });

  it('reports cond vs control per aspect and direction with the gallery rule named', () => {
    const { text, positives, control, typeRanker } = world();
    const scores = (img: Float32Array): EvalScores => {
      const old = evaluateSpace(img, text, D, positives);
      const a = evaluateAspect(img, text, D, positives)!;
      const d = (m: typeof old.i2t) => ({ r1: m.recall_at['1'], rPrecision: m.r_precision, mapAtR: m.map_at_r });
      return {
        rPrecision: (old.i2t.r_precision + old.t2i.r_precision) / 2,
        mapAtR: (old.i2t.map_at_r + old.t2i.map_at_r) / 2,
        i2t: d(old.i2t),
        t2i: d(old.t2i),
        perCondition: { colour: { rPrecision: 0, mapAtR: 0, i2t: old.i2t.map_at_r, t2i: old.t2i.map_at_r } },
        perConditionRule: 'all-captions',
        aspects: aspectSummary({ colour: a }),
      };
    };
    const cmp = aspectComparison({ val: scores(typeRanker), test: null }, { val: scores(control), test: null })!;
    expect(cmp.role).toBe('val');
    expect(cmp.galleryRule).toBe('aspect-gallery');
    const row = cmp.aspects[0];
    expect(row.aspect).toBe('colour');
    expect(row.i2t.delta).toBeCloseTo(0, 6);
    expect(row.t2i.delta).toBeCloseTo(0, 6);
    // the old rule's gain stays visible beside it, as a reference
    expect(row.allCaptions!.i2t.cond).toBeGreaterThan(row.allCaptions!.i2t.control! + 0.1);
    const text2 = describeAspectComparison(cmp).join('\n');
    expect(text2).toMatch(/gallery rule aspect-gallery: image→text gallery = only the captions the aspect applies to/);
    expect(text2).toMatch(/colour \(12 captions\): image→text \d\.\d{4} vs control \d\.\d{4} \(\+?-?0\.0000\); text→image/);
  });

  it('on data without exact truth the galleries come from the tags: untagged true captions are left out, not negatives', () => {
    const captions = [
      { text: 'a red car on the road' }, // image 0, colour
      { text: 'a car on the road' }, // image 0, no colour word
      { text: 'a blue bus' }, // image 1, colour
      { text: 'a bus in the city' }, // image 1
      { text: 'a green tree' }, // image 2, colour
    ];
    const annotated = csrFromLists([[0], [0], [1], [1], [2]]);
    const kc = conditionsFromKeywords(LEXICON_RULES, captions);
    const colour = keywordConditionPositives(kc, annotated).positives[kc.names.indexOf('colour')];
    const positives = captions.map((_, j) => Int32Array.from(csrRow(colour, j)));
    expect(positives.map((p) => p.length)).toEqual([1, 0, 1, 0, 1]);
    // Images and captions on one axis each: image i is closest to its untagged caption, then its tagged one.
    const dims = 4;
    const image = new Float32Array(3 * dims);
    const text = new Float32Array(captions.length * dims);
    [0, 1, 2].forEach((i) => (image[i * dims + i] = 1));
    captions.forEach((_, j) => {
      const i = csrRow(annotated, j)[0];
      text[j * dims + i] = j % 2 === 1 ? 1 : 0.8;
      text[j * dims + 3] = j % 2 === 1 ? 0 : 0.6;
    });
    const a = evaluateAspect(image, text, dims, positives)!;
    expect(a.captions).toBe(3);
    expect(a.i2t.gallery).toBe(3);
    // each image's tagged caption ranks first among the tagged ones: perfect, although the untagged
    // caption scores higher and would have been a negative ranked above it in the old gallery
    expect(a.i2t.mapAtR).toBe(1);
    expect(evaluateSpace(image, text, dims, positives).i2t.map_at_r).toBeLessThan(1);
  });
});
