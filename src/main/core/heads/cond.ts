// Conditions for the conditional head (SCIENCE §5) and their exact positives.
//
// On the sample dataset a condition is an aspect of the caption semantics (atoms.ts): colour,
// shape, size, position, count, relation. "Caption j is valid for image i under condition c" means:
// j talks about c, and the c-part of j's atoms holds on i's scene. The c-part of a caption keeps,
// per atom, only what the aspect speaks of:
//   colour/shape/size/position: every object description reduced to that attribute (an 'exists';
//     count and left-of atoms contribute their descriptions the same way);
//   count: the count and total atoms, whole;   relation: the left-of atoms, whole.
// Truth is evaluated on the scenes of the caption's own split (scenes.jsonl), as the generator's
// truth is. On real data conditions are keyword rules over caption text: a caption tagged c keeps
// its positives (annotated, positives.jsonl, verified flags) under c.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../datasets/dataset.js';
import { ASPECTS, aspectsOf, type Aspect, type Atom, type Desc } from '../sample/atoms.js';
import type { Scene } from '../sample/scene.js';
import { Gallery } from '../sample/truth.js';
import { csrFromLists, csrRow, csrRows, type Csr } from './csr.js';
import type { ConditionPositives } from './data.js';
import type { CondMode, HeadConfig } from './config.js';
import { defaultDims } from './pcme.js';
import type { HeadSpec, TrainParams } from './train.js';

/** The sample's conditions, in this order (condition ids). */
export const SAMPLE_CONDITIONS: readonly Aspect[] = ASPECTS;

function projectDesc(d: Desc, aspect: Aspect): Desc | null {
  switch (aspect) {
    case 'colour':
      return d.colour !== undefined ? { colour: d.colour } : null;
    case 'shape':
      return d.shape !== undefined ? { shape: d.shape } : null;
    case 'size':
      return d.size !== undefined ? { size: d.size } : null;
    case 'position': {
      if (d.column === undefined && d.row === undefined) return null;
      const p: Desc = {};
      if (d.column !== undefined) p.column = d.column;
      if (d.row !== undefined) p.row = d.row;
      return p;
    }
    default:
      return null;
  }
}

/** The part of a caption's atoms that speaks of `aspect` (empty: the caption does not). */
export function projectAtoms(atoms: readonly Atom[], aspect: Aspect): Atom[] {
  const out: Atom[] = [];
  const exists = (d: Desc): void => {
    const p = projectDesc(d, aspect);
    if (p) out.push({ type: 'exists', desc: p });
  };
  for (const a of atoms) {
    switch (a.type) {
      case 'exists':
        exists(a.desc);
        break;
      case 'count':
        if (aspect === 'count') out.push(a);
        else if (a.k >= 1) exists(a.desc);
        break;
      case 'total':
      case 'only':
        if (aspect === 'count') out.push({ type: 'total', n: a.n });
        break;
      case 'left_of':
        if (aspect === 'relation') out.push(a);
        else {
          exists(a.a);
          exists(a.b);
        }
        break;
    }
  }
  return out;
}

interface SceneLine {
  image: string;
  index?: number;
  split?: string | null;
  objects: Scene['objects'];
}

/** scenes.jsonl of a sample folder, one scene per dataset image (matched by path, else index); null when absent. */
export function readSampleScenes(ds: Pick<Dataset, 'root' | 'images'>): Scene[] | null {
  const file = join(ds.root, 'scenes.jsonl');
  if (!existsSync(file)) return null;
  const byPath = new Map<string, number>();
  ds.images.forEach((im, i) => byPath.set(im.path, i));
  const scenes: Array<Scene | undefined> = new Array(ds.images.length);
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const s = JSON.parse(line) as SceneLine;
    const i = byPath.get(s.image) ?? s.index;
    if (i != null && i >= 0 && i < scenes.length && Array.isArray(s.objects)) scenes[i] = { objects: s.objects };
  }
  if (scenes.some((s) => !s)) return null;
  return scenes as Scene[];
}

function captionAtoms(extra: Record<string, unknown> | undefined): Atom[] | null {
  const atoms = extra?.atoms;
  return Array.isArray(atoms) && atoms.every((a) => a && typeof a === 'object' && typeof (a as { type?: unknown }).type === 'string') ? (atoms as Atom[]) : null;
}

/** Each caption's atoms and the aspects it speaks of (its `aspects`, else those of its atoms); null when a caption has no atoms. */
function sampleCaptionAspects(ds: Pick<Dataset, 'captions'>): { atoms: Atom[][]; tagged: Array<Set<string>> } | null {
  const atoms = ds.captions.map((c) => captionAtoms(c.extra));
  if (atoms.some((a) => !a)) return null;
  const all = atoms as Atom[][];
  const tagged = ds.captions.map((c, j) => {
    const listed = c.extra?.aspects;
    return new Set<string>(Array.isArray(listed) ? (listed as string[]) : aspectsOf(all[j]));
  });
  return { atoms: all, tagged };
}

/**
 * How a sample caption is valid under a condition:
 * - 'filter': the caption talks about the condition's aspect and is valid for the image (the truth
 *   restricted to the aspect's captions; per (image, condition) the positive set shrinks, as in
 *   SCIENCE §5's multiplicity reduction; needs only truth.jsonl and the captions' aspects);
 * - 'project': the caption talks about the aspect and its aspect part holds on the scene
 *   ("similar in colour"; needs scenes.jsonl; positive sets grow).
 */
export type ConditionSemantics = 'filter' | 'project';

/**
 * Exact per-condition positives of a sample folder; null when the folder is not a sample (no atoms
 * or aspects on its captions, no truth, or for 'project' no scenes.jsonl). Default semantics:
 * 'project' when scenes.jsonl is there, else 'filter'. Galleries are the splits, as in truth.jsonl.
 * Conditions without any caption are left out (relation is rare in small samples).
 */
export function sampleConditions(
  ds: Pick<Dataset, 'root' | 'images' | 'captions' | 'truth'>,
  opts: { semantics?: ConditionSemantics; aspects?: readonly Aspect[] } = {},
): ConditionPositives | null {
  const semantics = opts.semantics ?? (existsSync(join(ds.root, 'scenes.jsonl')) ? 'project' : 'filter');
  const aspects = opts.aspects ?? SAMPLE_CONDITIONS;
  const own = sampleCaptionAspects(ds);
  if (!own) return null;
  const { atoms, tagged } = own;
  let positives: Csr[];
  if (semantics === 'filter') {
    const truth = ds.truth;
    if (!truth) return null;
    positives = aspects.map((aspect) => csrFromLists(ds.captions.map((_, j) => (tagged[j].has(aspect) ? truth[j] : null)), ds.captions.length));
  } else {
    const scenes = readSampleScenes(ds);
    if (!scenes) return null;
    const splitKey = (s: string | null): string => s ?? '';
    const members = new Map<string, number[]>();
    ds.images.forEach((im, i) => {
      const k = splitKey(im.split);
      if (!members.has(k)) members.set(k, []);
      members.get(k)!.push(i);
    });
    const galleries = new Map<string, { gallery: Gallery; global: number[] }>();
    for (const [k, idx] of members) galleries.set(k, { gallery: new Gallery(idx.map((i) => scenes[i])), global: idx });
    positives = aspects.map((aspect) => {
      const lists = ds.captions.map((c, j) => {
        const part = projectAtoms(atoms[j], aspect);
        if (part.length === 0) return [];
        const g = galleries.get(splitKey(ds.images[c.imageIndex]?.split ?? c.split));
        if (!g) return [];
        return Array.from(g.gallery.evaluate(part), (local) => g.global[local]);
      });
      return csrFromLists(lists, ds.captions.length);
    });
  }
  const keep = aspects.map((_, k) => positives[k].items.length > 0);
  const counts = aspects.map((a) => tagged.reduce((n, t) => n + (t.has(a) ? 1 : 0), 0));
  return { names: aspects.filter((_, k) => keep[k]), positives: positives.filter((_, k) => keep[k]), source: `sample:${semantics}`, tagged: { aspects, counts } };
}

// ---------------------------------------------------------------------------------------------
// Keyword rules (real data)

export interface KeywordRule {
  /** Condition name shown in the selector. */
  name: string;
  /** Words or phrases, matched case-insensitively on word boundaries; a trailing * matches any ending; '#' (alone or in a phrase) any numeral. */
  keywords: string[];
  /** A match directly followed by this (a regular expression) does not count, e.g. size words in "larger than five". */
  notBefore?: string;
  /**
   * Phrases (same syntax as keywords) that are not this aspect although they contain one of its
   * keywords: they are blanked out of the caption before the keywords are matched, e.g. "near the
   * top" for relation ("near" alone is one), "left of" for position.
   */
  ignore?: string[];
}

export const DEFAULT_KEYWORD_RULES: readonly KeywordRule[] = [
  { name: 'colour', keywords: ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'brown', 'black', 'white', 'gray', 'grey', 'colou*'] },
  { name: 'count', keywords: ['two', 'three', 'four', 'five', 'six', 'several', 'many', 'pair', 'group', 'couple', 'one', 'single', 'only'] },
  { name: 'size', keywords: ['small', 'large', 'big', 'little', 'tiny', 'huge', 'tall', 'short'] },
  { name: 'position', keywords: ['left', 'right', 'top', 'bottom', 'middle', 'center', 'centre', 'corner', 'front', 'behind', 'background', 'foreground'] },
  { name: 'relation', keywords: ['next to', 'beside', 'on top of', 'under', 'above', 'below', 'near', 'holding', 'with', 'left of', 'right of'] },
];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function keywordPattern(rule: KeywordRule, k: string): string {
  const t = k.trim().toLowerCase();
  if (!t) throw new Error(`condition "${rule.name}" has an empty keyword`);
  if (t === '#') return '\\d+(?:[.,]\\d+)?'; // any numeral
  const star = t.endsWith('*');
  // "upper left" also matches "upper-left"; "medium-sized" also "medium sized" and "mediumsized".
  const body = escapeRe(star ? t.slice(0, -1) : t)
    .replace(/-/g, '[-\\s]?')
    .replace(/\s+/g, '[-\\s]+')
    .replace(/#/g, '\\d+(?:[.,]\\d+)?'); // a numeral inside a phrase: "than #"
  return star ? `${body}\\w*` : body;
}

export function keywordRegex(rule: KeywordRule): RegExp {
  if (!rule.keywords.length) throw new Error(`condition "${rule.name}" has no keywords`);
  const parts = rule.keywords.map((k) => keywordPattern(rule, k));
  return new RegExp(`(?<![\\w])(?:${parts.join('|')})(?![\\w])${rule.notBefore ? `(?!${rule.notBefore})` : ''}`, 'i');
}

/** The rule's `ignore` phrases as one global expression (null when it has none). */
export function ignoreRegex(rule: KeywordRule): RegExp | null {
  if (!rule.ignore?.length) return null;
  return new RegExp(`(?<![\\w])(?:${rule.ignore.map((k) => keywordPattern(rule, k)).join('|')})(?![\\w])`, 'gi');
}

export interface KeywordConditions {
  names: string[];
  /** tags[c][j] = 1 when caption j matches rule c. */
  tags: Uint8Array[];
  /** Captions per condition. */
  counts: number[];
}

/** Tags every caption with the rules it matches. */
export function conditionsFromKeywords(rules: readonly KeywordRule[], captions: ReadonlyArray<{ text: string }>): KeywordConditions {
  const names = rules.map((r) => r.name);
  if (new Set(names).size !== names.length) throw new Error('condition names must be distinct');
  const res = rules.map(keywordRegex);
  const ignores = rules.map(ignoreRegex);
  const tags = rules.map(() => new Uint8Array(captions.length));
  const counts = rules.map(() => 0);
  captions.forEach((c, j) => {
    res.forEach((re, k) => {
      const ig = ignores[k];
      if (re.test(ig ? c.text.replace(ig, ' ') : c.text)) {
        tags[k][j] = 1;
        counts[k]++;
      }
    });
  });
  return { names, tags, counts };
}

/** Per-condition positives from keyword tags: a tagged caption keeps its base positives. */
export function keywordConditionPositives(kc: KeywordConditions, base: Csr): ConditionPositives {
  const n = csrRows(base);
  const positives = kc.tags.map((tag) => {
    if (tag.length !== n) throw new RangeError(`tags for ${tag.length} captions, positives for ${n}`);
    return csrFromLists(Array.from({ length: n }, (_, j) => (tag[j] ? csrRow(base, j) : null)), n);
  });
  return { names: kc.names.slice(), positives, source: 'keywords' };
}

/**
 * SCIENCE §5 "multiplicity reduction": mean number of valid captions per image (base positives)
 * against the mean per (image, condition) over pairs that have at least one.
 */
export function multiplicityReduction(base: Csr, cond: ConditionPositives, nImages: number): { perImage: number; perImageCondition: Record<string, number> } {
  const count = (m: Csr): { sum: number; nonEmpty: number } => {
    const per = new Int32Array(nImages);
    for (const i of m.items) per[i]++;
    let sum = 0;
    let nonEmpty = 0;
    for (const v of per) {
      sum += v;
      if (v > 0) nonEmpty++;
    }
    return { sum, nonEmpty };
  };
  const b = count(base);
  const perImageCondition: Record<string, number> = {};
  cond.names.forEach((name, k) => {
    const c = count(cond.positives[k]);
    perImageCondition[name] = c.nonEmpty ? c.sum / c.nonEmpty : 0;
  });
  return { perImage: b.nonEmpty ? b.sum / b.nonEmpty : 0, perImageCondition };
}

// ---------------------------------------------------------------------------------------------
// The conditional head's spec

export const COND_CONFIG: Partial<HeadConfig> = { condMode: 'film', probabilistic: false, loss: 'bce', ppAlpha: 0 };
export const COND_TRAIN: Partial<TrainParams> = { epochs: 20, batchSize: 128, lr: 2e-3, patience: 4 };

/**
 * The conditional head (FiLM by default, or CSN masks), or with mode 'none' the same head without
 * the condition (γ ≡ 1, β ≡ 0): the ablation it is compared with. Conditions come from
 * TrainInput.conditions.
 */
export function condSpec(inDims: number, o: { mode?: CondMode; config?: Partial<HeadConfig>; train?: Partial<TrainParams> } = {}): HeadSpec {
  return {
    head: 'cond',
    positives: 'annotated',
    config: { dims: defaultDims(inDims), ...COND_CONFIG, condMode: o.mode ?? 'film', ...o.config },
    train: { ...COND_TRAIN, ...o.train },
  };
}
