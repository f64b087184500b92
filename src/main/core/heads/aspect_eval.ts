// Per-aspect evaluation of conditional heads that ranking the *type* of a caption cannot game.
//
// The per-condition gallery (EvalScores.perCondition, rule 'all-captions') keeps every caption of
// the split in the image→text gallery and counts a caption the aspect does not apply to as a
// negative, even when it is true of the image. A head that only learns "under colour, rank colour
// captions first" then scores, without telling one colour from another. The restricted rule
// ('aspect-gallery', this file) takes the aspect out of the ranking:
//   image→text: the gallery is only the captions the aspect applies to (the sample: its atoms speak
//     of the aspect; real data: the keyword lexicon or aspects.jsonl tags it); the positives are the
//     true (sample) or annotated/listed (real data) ones among them; images without one are skipped;
//   text→image: the queries are only the captions the aspect applies to; the gallery is every image
//     of the split, encoded under the aspect; the positives are the images valid for the caption
//     under the aspect.
// Every caption in an image's gallery is of the same type, so a score that only depends on the type
// (tagged or not) adds the same amount to every candidate and changes no rank.
import { evaluateSpace, type SpaceOptions } from '../metrics/space_eval.js';
import { gatherRows } from './data.js';

/** The rule each per-aspect figure was scored under (named in results and reports). */
export const ASPECT_GALLERY_RULE = 'aspect-gallery';
export const ALL_CAPTIONS_RULE = 'all-captions';

export const GALLERY_RULE_TEXT: Record<string, string> = {
  [ASPECT_GALLERY_RULE]: 'image→text gallery = only the captions the aspect applies to; text→image queries = those captions, gallery = all images of the split',
  [ALL_CAPTIONS_RULE]: 'image→text gallery = every caption of the split (captions the aspect does not apply to count as negatives); text→image queries = captions the aspect applies to',
};

export interface DirectionScores {
  r1: number;
  rPrecision: number;
  mapAtR: number;
  /** Queries scored (queries without a positive are skipped) and gallery size. */
  queries: number;
  gallery: number;
}

export interface AspectScores {
  i2t: DirectionScores;
  t2i: DirectionScores;
  /** Captions of the evaluated role the aspect applies to. */
  captions: number;
}

export interface AspectEvaluation {
  rule: typeof ASPECT_GALLERY_RULE;
  /** Per aspect (condition name). */
  perAspect: Record<string, AspectScores>;
  /** Means over aspects of each direction's mAP@R, and of both. */
  i2tMapAtR: number;
  t2iMapAtR: number;
  mapAtR: number;
}

/**
 * One aspect under the restricted rule. `image` (nImages × dims) is the image side encoded under the
 * aspect, `text` (nCaptions × dims) the captions; `positives[j]` lists the images (row indices of
 * `image`) valid for caption j under the aspect, empty when the aspect does not apply to caption j.
 * Null when no caption is about the aspect.
 */
export function evaluateAspect(image: Float32Array, text: Float32Array, dims: number, positives: readonly Int32Array[], opts: Pick<SpaceOptions, 'similarity' | 'imageLogVar' | 'textLogVar'> = {}): AspectScores | null {
  const tagged: number[] = [];
  positives.forEach((p, j) => p.length > 0 && tagged.push(j));
  if (tagged.length === 0) return null;
  const sub = gatherRows(text, dims, tagged);
  const subPos = tagged.map((j) => positives[j]);
  const nImages = image.length / dims;
  const extra =
    opts.similarity === 'csd' && opts.textLogVar
      ? { similarity: 'csd' as const, imageLogVar: opts.imageLogVar, textLogVar: gatherRows(opts.textLogVar, opts.textLogVar.length / positives.length, tagged) }
      : { similarity: opts.similarity };
  const r = evaluateSpace(image, sub, dims, subPos, extra);
  const pick = (m: (typeof r)['i2t'], gallery: number): DirectionScores => ({ r1: m.recall_at['1'], rPrecision: m.r_precision, mapAtR: m.map_at_r, queries: m.queries.evaluated, gallery });
  return { i2t: pick(r.i2t, tagged.length), t2i: pick(r.t2i, nImages), captions: tagged.length };
}

/** Means over aspects (NaN directions, e.g. no image with a positive, are left out). */
export function aspectSummary(perAspect: Record<string, AspectScores>): AspectEvaluation {
  const mean = (xs: number[]): number => {
    const ok = xs.filter((x) => Number.isFinite(x));
    return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
  };
  const all = Object.values(perAspect);
  const i2t = mean(all.map((s) => s.i2t.mapAtR));
  const t2i = mean(all.map((s) => s.t2i.mapAtR));
  return { rule: ASPECT_GALLERY_RULE, perAspect, i2tMapAtR: i2t, t2iMapAtR: t2i, mapAtR: mean([i2t, t2i]) };
}
