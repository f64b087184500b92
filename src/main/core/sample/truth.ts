// Exact truth on one gallery (one split): bitsets over its images per atom, built from an index of
// images by fully specified object (shape, colour, size, column, row), so a desc's image set is the
// union of a few posting lists instead of a scan of every scene (SCIENCE.md §6.2 "Truth").
import { DESC_IDS, FULL_KEYS, descId, fullKey, holds } from './atoms.js';
import type { Atom, Desc } from './atoms.js';
import { andInto, count, fullBits, hasBit, setBit, toIndices, words } from './bitset.js';
import { COLOURS, COLUMNS, ROWS, SHAPES, SIZES } from './scene.js';
import type { Scene } from './scene.js';

export class Gallery {
  readonly size: number;
  readonly words: number;
  readonly all: Uint32Array;
  private readonly postingStart: Int32Array;
  private readonly postings: Int32Array;
  private readonly existsCache: Array<Uint32Array | undefined> = new Array(DESC_IDS);
  private readonly countCache = new Map<number, Uint32Array>();
  private readonly leftCache = new Map<number, Uint32Array>();
  private readonly totalBits: Uint32Array[] = [];

  /** scenes[i] is gallery image i (local index within the split). */
  constructor(readonly scenes: readonly Scene[]) {
    this.size = scenes.length;
    this.words = words(this.size);
    this.all = fullBits(this.size);
    const counts = new Int32Array(FULL_KEYS + 1);
    for (const s of scenes) for (const o of s.objects) counts[fullKey(o) + 1]++;
    for (let k = 0; k < FULL_KEYS; k++) counts[k + 1] += counts[k];
    this.postingStart = counts.slice();
    this.postings = new Int32Array(counts[FULL_KEYS]);
    const fill = counts.slice(0, FULL_KEYS);
    scenes.forEach((s, i) => {
      for (const o of s.objects) this.postings[fill[fullKey(o)]++] = i;
    });
    for (let n = 0; n <= 4; n++) this.totalBits.push(new Uint32Array(this.words));
    scenes.forEach((s, i) => setBit(this.totalBits[Math.min(s.objects.length, 4)], i));
  }

  existsBits(d: Desc): Uint32Array {
    const id = descId(d);
    const hit = this.existsCache[id];
    if (hit) return hit;
    const b = new Uint32Array(this.words);
    const range = (value: string | undefined, all: readonly string[]): number[] =>
      value === undefined ? all.map((_, i) => i) : [all.indexOf(value)];
    for (const s of range(d.shape, SHAPES))
      for (const c of range(d.colour, COLOURS))
        for (const z of range(d.size, SIZES))
          for (const x of range(d.column, COLUMNS))
            for (const y of range(d.row, ROWS)) {
              const key = (((s * 8 + c) * 2 + z) * 3 + x) * 3 + y;
              for (let p = this.postingStart[key]; p < this.postingStart[key + 1]; p++) setBit(b, this.postings[p]);
            }
    this.existsCache[id] = b;
    return b;
  }

  /** Images where the atom holds. Count and relation atoms test only images that pass exists. */
  bits(atom: Atom): Uint32Array {
    switch (atom.type) {
      case 'exists':
        return this.existsBits(atom.desc);
      case 'total':
      case 'only':
        return atom.n >= 0 && atom.n <= 4 ? this.totalBits[atom.n] : new Uint32Array(this.words);
      case 'count': {
        const key = descId(atom.desc) * 16 + Math.min(Math.max(atom.k, 0), 15);
        let b = this.countCache.get(key);
        if (!b) {
          if (atom.k === 0) {
            b = new Uint32Array(this.words);
            const e = this.existsBits(atom.desc);
            for (let w = 0; w < b.length; w++) b[w] = this.all[w] & ~e[w];
          } else b = this.filter(this.existsBits(atom.desc), atom);
          this.countCache.set(key, b);
        }
        return b;
      }
      case 'left_of': {
        const key = descId(atom.a) * DESC_IDS + descId(atom.b);
        let b = this.leftCache.get(key);
        if (!b) {
          const both = new Uint32Array(this.words);
          andInto(both, this.existsBits(atom.a), this.existsBits(atom.b));
          b = this.filter(both, atom);
          this.leftCache.set(key, b);
        }
        return b;
      }
    }
  }

  /** Images of `within` on which the atom holds (checked per scene). */
  private filter(within: Uint32Array, atom: Atom): Uint32Array {
    const b = new Uint32Array(this.words);
    for (const i of toIndices(within)) if (holds(atom, this.scenes[i].objects)) setBit(b, i);
    return b;
  }

  /** Sorted local indices of the images on which every atom holds. */
  evaluate(atoms: readonly Atom[]): Int32Array {
    if (atoms.length === 0) return toIndices(this.all);
    // Start from the rarest atom's images and test the others bit by bit.
    const sets = atoms.map((a) => this.bits(a));
    let rarest = 0;
    for (let i = 1; i < sets.length; i++) if (this.countOf(sets[i]) < this.countOf(sets[rarest])) rarest = i;
    const first = toIndices(sets[rarest], this.countOf(sets[rarest]));
    const others = sets.filter((_, i) => i !== rarest);
    let k = 0;
    for (const i of first) if (others.every((b) => hasBit(b, i))) first[k++] = i;
    return first.slice(0, k);
  }

  private readonly counts = new WeakMap<Uint32Array, number>();
  private countOf(b: Uint32Array): number {
    let c = this.counts.get(b);
    if (c === undefined) {
      c = count(b);
      this.counts.set(b, c);
    }
    return c;
  }

  /** Keeps the images of `list` (local indices) on which every atom holds. */
  filterList(list: Int32Array, atoms: readonly Atom[]): Int32Array {
    let out = list;
    for (const atom of atoms) {
      const b = this.bits(atom);
      const next = new Int32Array(out.length);
      let k = 0;
      for (let p = 0; p < out.length; p++) {
        const i = out[p];
        if (b[i >>> 5] & (1 << (i & 31))) next[k++] = i;
      }
      out = next.subarray(0, k);
    }
    return out;
  }
}

