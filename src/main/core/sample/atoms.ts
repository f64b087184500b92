// Caption semantics (SCIENCE.md §6.2): a caption is a conjunction of atoms, each a predicate on a
// scene. These are the generator's definitions; test/unit/sample_checker.ts re-implements them apart.
import { COLOURS, COLUMNS, ROWS, SHAPES, SIZES } from './scene.js';
import type { Colour, Column, Row, SceneObject, Shape, Size } from './scene.js';

/** Any subset of an object's attributes; an absent key matches every value. */
export interface Desc {
  shape?: Shape;
  colour?: Colour;
  size?: Size;
  column?: Column;
  row?: Row;
}

export type Atom =
  /** At least one object matches desc. */
  | { type: 'exists'; desc: Desc }
  /** Exactly k objects match desc. */
  | { type: 'count'; desc: Desc; k: number }
  /** The scene holds exactly n objects. */
  | { type: 'total'; n: number }
  /** Some x matching a and some y matching b have column(x) < column(y). */
  | { type: 'left_of'; a: Desc; b: Desc }
  /** Closure of a full description: the scene holds exactly the n mentioned objects (total = n). */
  | { type: 'only'; n: number };

export type Aspect = 'colour' | 'shape' | 'size' | 'position' | 'count' | 'relation';
export const ASPECTS: readonly Aspect[] = ['colour', 'shape', 'size', 'position', 'count', 'relation'];

export function matches(desc: Desc, o: SceneObject): boolean {
  return (
    (desc.shape === undefined || desc.shape === o.shape) &&
    (desc.colour === undefined || desc.colour === o.colour) &&
    (desc.size === undefined || desc.size === o.size) &&
    (desc.column === undefined || desc.column === o.column) &&
    (desc.row === undefined || desc.row === o.row)
  );
}

export function holds(atom: Atom, objects: readonly SceneObject[]): boolean {
  switch (atom.type) {
    case 'exists':
      return objects.some((o) => matches(atom.desc, o));
    case 'count': {
      let k = 0;
      for (const o of objects) if (matches(atom.desc, o)) k++;
      return k === atom.k;
    }
    case 'total':
    case 'only':
      return objects.length === atom.n;
    case 'left_of':
      for (const x of objects) {
        if (!matches(atom.a, x)) continue;
        for (const y of objects) {
          if (matches(atom.b, y) && COLUMNS.indexOf(x.column) < COLUMNS.indexOf(y.column)) return true;
        }
      }
      return false;
  }
}

/** Dense id of a desc in [0, DESC_IDS): each attribute index + 1, 0 meaning "any". */
export const DESC_IDS = 9 * 9 * 3 * 4 * 4;
export function descId(d: Desc): number {
  const s = d.shape ? SHAPES.indexOf(d.shape) + 1 : 0;
  const c = d.colour ? COLOURS.indexOf(d.colour) + 1 : 0;
  const z = d.size ? SIZES.indexOf(d.size) + 1 : 0;
  const x = d.column ? COLUMNS.indexOf(d.column) + 1 : 0;
  const y = d.row ? ROWS.indexOf(d.row) + 1 : 0;
  return (((s * 9 + c) * 3 + z) * 4 + x) * 4 + y;
}

/** Dense id of a fully specified object in [0, FULL_KEYS). */
export const FULL_KEYS = 8 * 8 * 2 * 3 * 3;
export function fullKey(o: SceneObject): number {
  return (
    (((SHAPES.indexOf(o.shape) * 8 + COLOURS.indexOf(o.colour)) * 2 + SIZES.indexOf(o.size)) * 3 + COLUMNS.indexOf(o.column)) * 3 +
    ROWS.indexOf(o.row)
  );
}

/** The desc as a plain object with keys in a fixed order (stable JSON). */
export function canonicalDesc(d: Desc): Desc {
  const out: Desc = {};
  if (d.shape !== undefined) out.shape = d.shape;
  if (d.colour !== undefined) out.colour = d.colour;
  if (d.size !== undefined) out.size = d.size;
  if (d.column !== undefined) out.column = d.column;
  if (d.row !== undefined) out.row = d.row;
  return out;
}

export function fullDesc(o: SceneObject): Desc {
  return { shape: o.shape, colour: o.colour, size: o.size, column: o.column, row: o.row };
}

function atomKey(a: Atom): string {
  switch (a.type) {
    case 'exists':
      return `e${descId(a.desc)}`;
    case 'count':
      return `c${descId(a.desc)}:${a.k}`;
    case 'total':
      return `t${a.n}`;
    case 'only':
      return `o${a.n}`;
    case 'left_of':
      return `l${descId(a.a)}:${descId(a.b)}`;
  }
}

/** d1 ⊆ d2: every attribute d1 names, d2 names with the same value (so d2-objects are d1-objects). */
export function descWithin(d1: Desc, d2: Desc): boolean {
  return (
    (d1.shape === undefined || d1.shape === d2.shape) &&
    (d1.colour === undefined || d1.colour === d2.colour) &&
    (d1.size === undefined || d1.size === d2.size) &&
    (d1.column === undefined || d1.column === d2.column) &&
    (d1.row === undefined || d1.row === d2.row)
  );
}

/**
 * Drops atoms that other atoms of the caption imply, so the text does not say "a circle and a red
 * circle" for one object. Only logical implications are used: the conjunction's truth is unchanged.
 */
export function simplifyAtoms(atoms: readonly Atom[]): Atom[] {
  const seen = new Set<string>();
  const unique: Atom[] = [];
  for (const a of atoms) {
    const key = atomKey(a);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(a);
  }
  const hasOnly = unique.some((a) => a.type === 'only');
  return unique.filter((a, i) => {
    if (a.type === 'total') return !(hasOnly && unique.some((b) => b.type === 'only' && b.n === a.n));
    if (a.type !== 'exists') return true;
    return !unique.some((b, j) => {
      if (j === i) return false;
      if (b.type === 'exists') return descWithin(a.desc, b.desc);
      if (b.type === 'count') return b.k >= 1 && descWithin(a.desc, b.desc);
      if (b.type === 'left_of') return descWithin(a.desc, b.a) || descWithin(a.desc, b.b);
      return false;
    });
  });
}

export function aspectsOf(atoms: readonly Atom[]): Aspect[] {
  const has = new Set<Aspect>();
  const fromDesc = (d: Desc): void => {
    if (d.colour !== undefined) has.add('colour');
    if (d.shape !== undefined) has.add('shape');
    if (d.size !== undefined) has.add('size');
    if (d.column !== undefined || d.row !== undefined) has.add('position');
  };
  for (const a of atoms) {
    if (a.type === 'exists') fromDesc(a.desc);
    else if (a.type === 'count') {
      fromDesc(a.desc);
      has.add('count');
    } else if (a.type === 'total' || a.type === 'only') has.add('count');
    else {
      fromDesc(a.a);
      fromDesc(a.b);
      has.add('relation');
    }
  }
  return ASPECTS.filter((x) => has.has(x));
}

/** Atom as written to captions.jsonl (descs with keys in a fixed order). */
export function canonicalAtom(a: Atom): Atom {
  switch (a.type) {
    case 'exists':
      return { type: 'exists', desc: canonicalDesc(a.desc) };
    case 'count':
      return { type: 'count', desc: canonicalDesc(a.desc), k: a.k };
    case 'left_of':
      return { type: 'left_of', a: canonicalDesc(a.a), b: canonicalDesc(a.b) };
    default:
      return { ...a };
  }
}
