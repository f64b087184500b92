// Realises a caption's atoms as English with synonyms and varied templates (SCIENCE.md §6.2), so
// the text is not a lookup table of the atoms. The atoms, not the words, define the truth.
import type { Atom, Desc } from './atoms.js';
import type { Colour, Column, Row, Shape } from './scene.js';
import type { Rng } from './rng.js';

type Noun = readonly [singular: string, plural: string];

const SHAPE_NOUNS: Readonly<Record<Shape, readonly Noun[]>> = {
  circle: [['circle', 'circles'], ['disc', 'discs'], ['round shape', 'round shapes']],
  square: [['square', 'squares'], ['square shape', 'square shapes']],
  triangle: [['triangle', 'triangles'], ['triangular shape', 'triangular shapes']],
  star: [['star', 'stars'], ['star shape', 'star shapes']],
  heart: [['heart', 'hearts'], ['heart shape', 'heart shapes']],
  hexagon: [['hexagon', 'hexagons'], ['six-sided shape', 'six-sided shapes']],
  cross: [['cross', 'crosses'], ['plus sign', 'plus signs']],
  diamond: [['diamond', 'diamonds'], ['rhombus', 'rhombuses']],
};
const GENERIC_NOUNS: readonly Noun[] = [['shape', 'shapes'], ['object', 'objects'], ['figure', 'figures']];
const COLOUR_WORDS: Readonly<Record<Colour, readonly string[]>> = {
  red: ['red'],
  blue: ['blue'],
  green: ['green'],
  yellow: ['yellow'],
  purple: ['purple', 'violet'],
  orange: ['orange'],
  pink: ['pink'],
  brown: ['brown'],
};
const SIZE_WORDS = { small: ['small', 'little', 'tiny'], large: ['large', 'big'] } as const;
const COLUMN_PHRASES: Readonly<Record<Column, readonly string[]>> = {
  left: ['on the left', 'at the left', 'in the left column', 'on the left side'],
  center: ['in the centre column', 'in the middle column', 'in the central column'],
  right: ['on the right', 'at the right', 'in the right column', 'on the right side'],
};
const ROW_PHRASES: Readonly<Record<Row, readonly string[]>> = {
  top: ['at the top', 'in the top row', 'near the top'],
  middle: ['in the middle row', 'halfway down', 'in the central row'],
  bottom: ['at the bottom', 'in the bottom row', 'near the bottom'],
};
const ROW_WORD: Readonly<Record<Row, string>> = { top: 'top', middle: 'middle', bottom: 'bottom' };
const COLUMN_WORD: Readonly<Record<Column, string>> = { left: 'left', center: 'centre', right: 'right' };
const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

const EMPTY = [
  'a picture with some shapes',
  'an image of a few shapes',
  'some shapes on a grey background',
  'a picture of geometric shapes',
  'an image with shapes on a plain background',
  'a few coloured shapes',
];

function position(d: Desc, rng: Rng): string {
  if (d.column && d.row) {
    if (d.column === 'center' && d.row === 'middle') return rng.pick(['in the centre', 'in the middle', 'in the central cell']);
    const r = ROW_WORD[d.row];
    const c = COLUMN_WORD[d.column];
    const forms = [`in the ${r}-${c} cell`, `at the ${r} ${c}`];
    if (d.row !== 'middle' && d.column !== 'center') forms.push(`in the ${r} ${c} corner`);
    return rng.pick(forms);
  }
  if (d.column) return rng.pick(COLUMN_PHRASES[d.column]);
  if (d.row) return rng.pick(ROW_PHRASES[d.row]);
  return '';
}

/** Noun phrase without determiner: "small red circle on the left", "discs that are blue". */
function nounPhrase(d: Desc, plural: boolean, rng: Rng): string {
  const noun = rng.pick(d.shape ? SHAPE_NOUNS[d.shape] : GENERIC_NOUNS)[plural ? 1 : 0];
  const size = d.size ? rng.pick(SIZE_WORDS[d.size]) : '';
  const colour = d.colour ? rng.pick(COLOUR_WORDS[d.colour]) : '';
  const where = position(d, rng);
  // Colour sometimes follows the noun ("a circle that is red", "a small disc in red at the top").
  if (colour && rng.chance(0.2)) {
    const head = [size, noun].filter(Boolean).join(' ');
    return where ? `${head} in ${colour} ${where}` : `${head} that ${plural ? 'are' : 'is'} ${colour}`;
  }
  return [size, colour, noun, where].filter(Boolean).join(' ');
}

function article(np: string): string {
  return /^[aeiou]/i.test(np) ? `an ${np}` : `a ${np}`;
}

function indefinite(d: Desc, rng: Rng): string {
  return article(nounPhrase(d, false, rng));
}

function countPhrase(d: Desc, k: number, rng: Rng): string {
  if (k === 1) {
    const np = nounPhrase(d, false, rng);
    return rng.pick([`exactly one ${np}`, `a single ${np}`, `just one ${np}`]);
  }
  const np = nounPhrase(d, true, rng);
  const num = NUMBERS[k] ?? String(k);
  return rng.pick([`${num} ${np}`, `exactly ${num} ${np}`]);
}

function relationPhrase(a: Desc, b: Desc, rng: Rng): string {
  const x = indefinite(a, rng);
  const y = indefinite(b, rng);
  return rng.pick([`${x} left of ${y}`, `${x} to the left of ${y}`, `${y} to the right of ${x}`, `${y} right of ${x}`]);
}

function shapesWord(n: number, rng: Rng): string {
  const noun = rng.pick(GENERIC_NOUNS);
  return n === 1 ? `one ${noun[0]}` : `${NUMBERS[n] ?? n} ${noun[1]}`;
}

function list(items: string[], rng: Rng): string {
  if (items.length <= 1) return items.join('');
  const last = items[items.length - 1];
  const head = items.slice(0, -1).join(', ');
  return `${head}${items.length > 2 && rng.chance(0.3) ? ',' : ''} and ${last}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** One caption text for the atoms (already simplified: no atom implied by another). */
export function realise(atoms: readonly Atom[], rng: Rng): string {
  if (atoms.length === 0) return finish([rng.pick(EMPTY)], rng);
  const things: string[] = [];
  const extras: string[] = [];
  let only: number | null = null;
  let total: number | null = null;
  for (const a of atoms) if (a.type === 'only') only = a.n;
  for (const a of atoms) {
    if (a.type === 'exists') things.push(indefinite(a.desc, rng));
    else if (a.type === 'only') continue;
    else if (a.type === 'total') total = a.n;
    else if (a.type === 'count') (only != null || rng.chance(0.5) ? extras : things).push(countPhrase(a.desc, a.k, rng));
    else (rng.chance(0.5) ? extras : things).push(relationPhrase(a.a, a.b, rng));
  }
  const sentences: string[] = [];
  if (only != null) {
    const l = list(things, rng);
    sentences.push(
      rng.pick([
        `only ${l}`,
        `${l} and nothing else`,
        `${l}, nothing more`,
        `just ${l} on a grey background`,
        things.length === only ? `exactly ${shapesWord(only, rng)}: ${l}` : `only ${l}`,
      ]),
    );
  } else if (things.length > 0) {
    const l = list(things, rng);
    const opener = rng.pick(['', 'a picture of ', 'an image showing ', 'there is ', 'a grey canvas with ', 'this shows ']);
    let s = opener === 'there is ' && /^(two|three|four|exactly (two|three|four))/.test(l) ? `there are ${l}` : `${opener}${l}`;
    if (total != null) {
      const n = total;
      const forms =
        n === 1
          ? [`${s}, one shape in total`, `a single object: ${l}`, `${s}, a single shape overall`]
          : [`${s}, ${shapesWord(n, rng)} in total`, `${shapesWord(n, rng)}, among them ${l}`, `${shapesWord(n, rng)} including ${l}`];
      s = rng.pick(forms);
      total = null;
    }
    sentences.push(s);
  } else if (total != null) {
    sentences.push(rng.pick([`a picture with ${shapesWord(total, rng)}`, `${shapesWord(total, rng)} on a grey background`, `an image containing exactly ${shapesWord(total, rng)}`]));
    total = null;
  }
  for (const e of extras) {
    const there = /^(two|three|four)/.test(e) || /^exactly (two|three|four)/.test(e) ? 'there are' : 'there is';
    sentences.push(rng.chance(0.5) ? `${there} ${e}` : e);
  }
  if (total != null) sentences.push(`${shapesWord(total, rng)} in total`);
  return finish(sentences, rng);
}

function finish(sentences: string[], rng: Rng): string {
  const text = sentences.map(capitalise).join('. ');
  return sentences.length > 1 || rng.chance(0.5) ? `${text}.` : text;
}
