// The conditional head against its unconditioned control, per aspect and direction, under the
// restricted gallery (aspect_eval.ts) and, for reference, under the per-condition gallery of every
// caption (the rule the caption type can game). What `mlens train --head cond` prints, the Train
// tab shows and the `cond` benchmark aggregates.
import { ALL_CAPTIONS_RULE, ASPECT_GALLERY_RULE, GALLERY_RULE_TEXT } from './aspect_eval.js';
import type { EvalScores } from './train.js';
import type { AspectComparison, AspectComparisonRow, DirectionComparison } from '../../../shared/views/heads.js';

export type { AspectComparison, AspectComparisonRow, DirectionComparison } from '../../../shared/views/heads.js';

function dir(c: EvalScores, k: EvalScores | null, name: string, d: 'i2t' | 't2i'): DirectionComparison {
  const a = c.aspects!.perAspect[name][d];
  const b = k?.aspects?.perAspect[name]?.[d] ?? null;
  return {
    cond: a.mapAtR,
    control: b ? b.mapAtR : null,
    delta: b ? a.mapAtR - b.mapAtR : null,
    condRPrecision: a.rPrecision,
    controlRPrecision: b ? b.rPrecision : null,
    queries: a.queries,
    gallery: a.gallery,
  };
}

/** Cond vs control per aspect and direction; null when the scores carry no per-aspect evaluation. */
export function aspectComparison(cond: { val: EvalScores; test: EvalScores | null }, control: { val: EvalScores; test: EvalScores | null } | null): AspectComparison | null {
  const role = cond.test?.aspects ? 'test' : 'val';
  const c = role === 'test' ? cond.test! : cond.val;
  if (!c.aspects) return null;
  const k = control ? (role === 'test' ? control.test : control.val) : null;
  const rows: AspectComparisonRow[] = Object.keys(c.aspects.perAspect).map((name) => {
    const pc = c.perCondition?.[name];
    const pk = k?.perCondition?.[name];
    return {
      aspect: name,
      captions: c.aspects!.perAspect[name].captions,
      i2t: dir(c, k, name, 'i2t'),
      t2i: dir(c, k, name, 't2i'),
      allCaptions: pc ? { i2t: { cond: pc.i2t, control: pk ? pk.i2t : null }, t2i: { cond: pc.t2i, control: pk ? pk.t2i : null } } : null,
    };
  });
  return {
    role,
    galleryRule: ASPECT_GALLERY_RULE,
    galleryRuleText: GALLERY_RULE_TEXT[ASPECT_GALLERY_RULE],
    referenceRule: ALL_CAPTIONS_RULE,
    referenceRuleText: GALLERY_RULE_TEXT[ALL_CAPTIONS_RULE],
    aspects: rows,
    mean: {
      i2t: { cond: c.aspects.i2tMapAtR, control: k?.aspects ? k.aspects.i2tMapAtR : null },
      t2i: { cond: c.aspects.t2iMapAtR, control: k?.aspects ? k.aspects.t2iMapAtR : null },
    },
  };
}

/** Report lines (CLI): one per aspect, both directions, cond vs control, and the rule. */
export function describeAspectComparison(a: AspectComparison): string[] {
  const f = (x: number | null): string => (x == null || Number.isNaN(x) ? 'n/a' : x.toFixed(4));
  const d = (x: DirectionComparison): string => `${f(x.cond)}${x.control != null ? ` vs control ${f(x.control)} (${x.delta! >= 0 ? '+' : ''}${f(x.delta)})` : ''}`;
  const lines = [`per aspect, ${a.role === 'test' ? 'test' : 'validation'} mAP@R, gallery rule ${a.galleryRule}: ${a.galleryRuleText}`];
  for (const r of a.aspects) lines.push(`  ${r.aspect} (${r.captions} captions): image→text ${d(r.i2t)}; text→image ${d(r.t2i)}`);
  const m = a.mean;
  lines.push(`  mean: image→text ${f(m.i2t.cond)}${m.i2t.control != null ? ` vs control ${f(m.i2t.control)}` : ''}; text→image ${f(m.t2i.cond)}${m.t2i.control != null ? ` vs control ${f(m.t2i.control)}` : ''}`);
  return lines;
}
