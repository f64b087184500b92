// The caption generator with controlled multiplicity (SCIENCE.md §6.3): for a target m, AND
// salience-ordered facts of the source scene and keep the prefix whose match count on the gallery
// (the image's split) is closest to m.
import { DESC_IDS, aspectsOf, canonicalAtom, descId, fullDesc, simplifyAtoms } from './atoms.js';
import type { Aspect, Atom, Desc } from './atoms.js';
import { andInto, toIndices } from './bitset.js';
import { COLUMNS } from './scene.js';
import type { Scene, SceneObject } from './scene.js';
import type { Rng } from './rng.js';
import { realise } from './text.js';
import type { Gallery } from './truth.js';

export interface CaptionPlan {
  atoms: Atom[];
  aspects: Aspect[];
  text: string;
  /** Sorted local indices (within the gallery) of every image the caption is valid for. */
  truth: Int32Array;
  /** The drawn target multiplicity. */
  target: number;
}

export interface MultiplicityOptions {
  /** The preset multiplier λ. */
  scale: number;
  /** Random fact orders tried per caption. */
  tries?: number;
}

/** m ~ round(λ · Gamma(8, 1.06)), clipped to [1, 25]. */
export function drawTarget(rng: Rng, scale: number): number {
  return Math.min(25, Math.max(1, Math.round(scale * rng.gamma(8, 1.06))));
}

type Fact = Atom[];

const TIER2_EXTRAS: ReadonlyArray<ReadonlyArray<'size' | 'column' | 'row'>> = [['size'], ['column'], ['row'], ['size', 'column']];

/** One salience-ordered fact sequence for the scene (a fresh random order each call). */
export function factOrder(scene: Scene, rng: Rng): Fact[] {
  const objs = scene.objects;
  const facts: Fact[] = [];
  // Tier 1: shape or shape+colour of each object, larger objects first.
  const bySize = rng.shuffle(objs.slice()).sort((a, b) => (a.size === b.size ? 0 : a.size === 'large' ? -1 : 1));
  for (const o of bySize) facts.push([{ type: 'exists', desc: rng.chance(0.5) ? { shape: o.shape } : { shape: o.shape, colour: o.colour } }]);
  // Tier 2: shape+colour plus one of {size, column, row, size+column}, shuffled.
  const tier2: Fact[] = objs.map((o) => {
    const desc: Desc = { shape: o.shape, colour: o.colour };
    for (const key of rng.pick(TIER2_EXTRAS)) {
      if (key === 'size') desc.size = o.size;
      else if (key === 'column') desc.column = o.column;
      else desc.row = o.row;
    }
    return [{ type: 'exists', desc }];
  });
  facts.push(...rng.shuffle(tier2));
  // Tier 3: a count, the total and one left-of relation, shuffled.
  const tier3: Fact[] = [];
  const o = rng.pick(objs);
  const countDesc: Desc = rng.pick<Desc>([{ shape: o.shape }, { colour: o.colour }, { shape: o.shape, colour: o.colour }]);
  const k = objs.filter((x) => (countDesc.shape === undefined || x.shape === countDesc.shape) && (countDesc.colour === undefined || x.colour === countDesc.colour)).length;
  tier3.push([{ type: 'count', desc: countDesc, k }]);
  tier3.push([{ type: 'total', n: objs.length }]);
  const pairs: Array<[SceneObject, SceneObject]> = [];
  for (const x of objs) for (const y of objs) if (COLUMNS.indexOf(x.column) < COLUMNS.indexOf(y.column)) pairs.push([x, y]);
  if (pairs.length > 0) {
    const [x, y] = rng.pick(pairs);
    tier3.push([{ type: 'left_of', a: { shape: x.shape, colour: x.colour }, b: { shape: y.shape, colour: y.colour } }]);
  }
  facts.push(...rng.shuffle(tier3));
  // Then the full description with closure.
  facts.push([...objs.map((x): Atom => ({ type: 'exists', desc: fullDesc(x) })), { type: 'only', n: objs.length }]);
  return facts;
}

/** Below this many matches the search keeps a list of images instead of a bitset. */
const SPARSE_AT = 1024;

/** A prefix's matches; the same atom set recurs across orders and captions of one scene. */
interface PrefixHit {
  count: number;
  dense: Uint32Array | null;
  list: Int32Array | null;
}

/** Per-scene memo of prefix results, keyed by the (order-free) set of atoms ANDed so far. */
export type PrefixMemo = Map<string, PrefixHit>;

/** A number naming the atom (its kind and descs), for memo keys. */
function atomId(a: Atom): number {
  switch (a.type) {
    case 'exists':
      return descId(a.desc);
    case 'count':
      return DESC_IDS * (1 + a.k) + descId(a.desc);
    case 'total':
      return DESC_IDS * 20 + a.n;
    case 'only':
      return DESC_IDS * 21 + a.n;
    case 'left_of':
      return DESC_IDS * (22 + descId(a.a)) + descId(a.b);
  }
}

/**
 * The prefix search of §6.3 step 3. Returns the atoms of the best prefix (before simplification)
 * and its match count. The source image matches every prefix, since all facts come from its scene.
 * Pass one memo per scene (new Map() when unsure).
 */
export function searchPrefix(
  scene: Scene,
  gallery: Gallery,
  m: number,
  rng: Rng,
  tries: number,
  memo: PrefixMemo = new Map(),
): { atoms: Atom[]; matches: number } {
  let bestFacts: Fact[] = [];
  let bestCount = gallery.size;
  let bestDiff = Math.abs(gallery.size - m);
  // Every order ends with the full description and closure, which implies every other fact: its
  // match count is the least any prefix reaches, so no order can beat a diff of floor - m.
  const floor = fullDescriptionMatches(scene, gallery, memo);
  const bound = Math.max(0, floor - m);
  for (let t = 0; t < tries && bestDiff > bound; t++) {
    const facts = factOrder(scene, rng);
    let prev: PrefixHit | null = null;
    const ids: number[] = [];
    for (let j = 0; j < facts.length; j++) {
      let hit: PrefixHit | undefined;
      if (prev?.list) hit = extend(gallery, prev, facts[j]);
      else {
        // Memoise only the costly dense steps; list filtering is cheaper than a key.
        for (const a of facts[j]) ids.push(atomId(a));
        const key = ids.slice().sort((x, y) => x - y).join(',');
        hit = memo.get(key);
        if (!hit) {
          hit = extend(gallery, prev, facts[j]);
          memo.set(key, hit);
        }
      }
      prev = hit;
      const c = hit.count;
      const diff = Math.abs(c - m);
      if (diff < bestDiff) {
        bestDiff = diff;
        bestCount = c;
        bestFacts = facts.slice(0, j + 1);
      }
      if (c <= m) break;
    }
  }
  return { atoms: bestFacts.flat(), matches: bestCount };
}

function fullDescriptionMatches(scene: Scene, gallery: Gallery, memo: PrefixMemo): number {
  const key = '#full';
  let hit = memo.get(key);
  if (!hit) {
    const atoms: Atom[] = [...scene.objects.map((o): Atom => ({ type: 'exists', desc: fullDesc(o) })), { type: 'only', n: scene.objects.length }];
    hit = { count: gallery.evaluate(atoms).length, dense: null, list: null };
    memo.set(key, hit);
  }
  return hit.count;
}

/** The matches of prev ∧ fact: bitset AND while large, list filtering once small. */
function extend(gallery: Gallery, prev: PrefixHit | null, fact: readonly Atom[]): PrefixHit {
  if (prev?.list) {
    const list = gallery.filterList(prev.list, fact);
    return { count: list.length, dense: null, list };
  }
  const dense = new Uint32Array(gallery.words);
  let c = 0;
  let from = prev?.dense ?? gallery.all;
  for (const atom of fact) {
    c = andInto(dense, from, gallery.bits(atom));
    from = dense;
  }
  if (c <= SPARSE_AT) return { count: c, dense: null, list: toIndices(dense, c) };
  return { count: c, dense, list: null };
}

/** One annotated caption for the scene: target, prefix search, simplification, text, exact truth. */
export function planCaption(
  scene: Scene,
  gallery: Gallery,
  rng: Rng,
  opts: MultiplicityOptions,
  textRng: Rng = rng,
  memo: PrefixMemo = new Map(),
): CaptionPlan {
  const target = drawTarget(rng, opts.scale);
  const found = searchPrefix(scene, gallery, target, rng, opts.tries ?? 8, memo);
  const atoms = simplifyAtoms(found.atoms).map(canonicalAtom);
  const truth = gallery.evaluate(atoms);
  if (truth.length !== found.matches) {
    throw new Error(`sample generator: simplified atoms changed the truth (${found.matches} → ${truth.length})`);
  }
  return { atoms, aspects: aspectsOf(atoms), text: realise(atoms, textRng), truth, target };
}
