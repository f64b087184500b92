// A space whose rows stay on disk (the dataset's embeddings over the memory budget), as the pair
// scoring of mining needs it: score(i, c), cosImages, cosTexts over local indices of one group.
// Rows are read by positioned reads (io/row_shards.ts RowBlocks) into a bounded cache of slots in a
// dot engine; `prefetch` gathers a batch of pairs' rows in one sorted pass, a miss reads one row.
// Rows are normalised as LoadedSpace loads them and scored by the same kernel, so every score is
// the in-memory one, bit for bit. Cosine only (on-disk embeddings have no variances).
import { createDotEngine, paddedRow, type DotEngine } from '../compute/dot_engine.js';
import { loadRows } from '../compute/stream_rows.js';
import type { RowBlocks } from '../io/row_shards.js';
import { rowsWithin } from '../io/memory_budget.js';

/** What the candidate features read of a space (LoadedSpace and DiskSpace). */
export interface PairSpace {
  readonly nImages: number;
  readonly nTexts: number;
  score(i: number, c: number): number;
  cosImages(i: number, j: number): number;
  cosTexts(c: number, d: number): number;
  /** Optional: rows of these local images and captions will be scored next (a batch of pairs). */
  prefetch?(images: ArrayLike<number>, texts: ArrayLike<number>): void;
}

/** The rows a cache of `budgetBytes` holds: a quarter of the budget, at least 16 rows. */
export function cacheRows(budgetBytes: number, dims: number): number {
  return Math.max(16, rowsWithin(budgetBytes, dims, 1 / 4));
}

/** A bounded cache of rows of two matrices (images: keys ≥ 0, captions: keys −1−c) in engine slots. */
export class RowCache {
  readonly engine: DotEngine;
  readonly row: number;
  readonly capacity: number;
  /** The most rows held at once (what a test bounds). */
  maxRowsHeld = 0;
  /** Rows read from disk in all. */
  rowsRead = 0;
  private readonly slotOf = new Map<number, number>();
  private readonly keyOf: Float64Array;
  private readonly stamp: Uint32Array;
  private epoch = 1;
  /** Slots stamped by the latest prefetch (kept until the batch is read). */
  private pinned = 0;
  private hand = 0;
  private used = 0;

  constructor(
    private readonly image: RowBlocks,
    private readonly text: RowBlocks,
    capacity: number,
    private readonly cosine = true,
  ) {
    this.row = paddedRow(image.dims);
    this.capacity = Math.max(2, capacity);
    this.engine = createDotEngine(this.capacity * this.row);
    this.keyOf = new Float64Array(this.capacity).fill(NaN);
    this.stamp = new Uint32Array(this.capacity);
  }

  /** Offset of a global row in the engine, reading it when absent; `keep` (an offset) is not evicted. */
  offset(key: number, keep = -1): number {
    const s = this.slotOf.get(key);
    if (s !== undefined) return s * this.row;
    const slot = this.free(keep >= 0 ? keep / this.row : -1);
    this.put(key, slot, key >= 0 ? this.image.read(key, 1) : this.text.read(-1 - key, 1));
    return slot * this.row;
  }

  /** Loads the absent keys among `keys` (global, sorted by matrix then row) with gathering reads. */
  prefetch(keys: number[]): void {
    this.epoch++;
    this.pinned = 0;
    const want: number[] = [];
    for (const k of keys) {
      const s = this.slotOf.get(k);
      if (s !== undefined && this.stamp[s] !== this.epoch) {
        this.stamp[s] = this.epoch;
        this.pinned++;
      } else if (s === undefined) want.push(k);
    }
    const room = Math.min(want.length, this.capacity - this.pinned - 1);
    if (room <= 0) return;
    const take = want.slice(0, room);
    const imgs = take.filter((k) => k >= 0).sort((a, b) => a - b);
    const txts = take.filter((k) => k < 0).map((k) => -1 - k).sort((a, b) => a - b);
    const load = (m: RowBlocks, rows: number[], key: (r: number) => number): void => {
      if (!rows.length) return;
      const data = m.gather ? m.gather(rows) : concat(rows.map((r) => m.read(r, 1)), m.dims);
      const d = m.dims;
      rows.forEach((r, k) => {
        const slot = this.free(-1);
        this.put(key(r), slot, data.subarray(k * d, (k + 1) * d));
        this.stamp[slot] = this.epoch;
        this.pinned++;
      });
    };
    load(this.image, imgs, (r) => r);
    load(this.text, txts, (r) => -1 - r);
  }

  private put(key: number, slot: number, src: Float32Array): void {
    loadRows(this.engine.memory, slot * this.row, this.row, src, this.image.dims, this.cosine);
    this.slotOf.set(key, slot);
    this.keyOf[slot] = key;
    this.rowsRead++;
  }

  /** A free slot, else the next one (clock order) not pinned by the latest prefetch and not `keep`. */
  private free(keep: number): number {
    if (this.used < this.capacity) {
      this.maxRowsHeld = Math.max(this.maxRowsHeld, ++this.used);
      return this.used - 1;
    }
    // A batch larger than the cache: its pins are dropped (clock order from here on).
    if (this.pinned >= this.capacity - 1) {
      this.epoch++;
      this.pinned = 0;
    }
    for (;;) {
      const s = this.hand;
      this.hand = (this.hand + 1) % this.capacity;
      if (s === keep || this.stamp[s] === this.epoch) continue;
      this.slotOf.delete(this.keyOf[s]);
      return s;
    }
  }
}

function concat(parts: Float32Array[], dims: number): Float32Array {
  const out = new Float32Array(parts.length * dims);
  parts.forEach((p, k) => out.set(p, k * dims));
  return out;
}

export interface DiskSpaceOptions {
  /** Global image and caption indices of the group (ascending); default all. */
  images?: Int32Array;
  texts?: Int32Array;
  /** Rows the cache holds (default `cacheRows(budgetBytes, dims)`). */
  capacity?: number;
  budgetBytes: number;
}

/** One group of an on-disk space for the pair features (local indices, as LoadedSpace). */
export class DiskSpace implements PairSpace {
  readonly nImages: number;
  readonly nTexts: number;
  readonly cache: RowCache;
  private readonly imageRows: Int32Array | null;
  private readonly textRows: Int32Array | null;

  constructor(image: RowBlocks, text: RowBlocks, opts: DiskSpaceOptions) {
    this.imageRows = opts.images ?? null;
    this.textRows = opts.texts ?? null;
    this.nImages = this.imageRows ? this.imageRows.length : image.rows;
    this.nTexts = this.textRows ? this.textRows.length : text.rows;
    this.cache = new RowCache(image, text, opts.capacity ?? cacheRows(opts.budgetBytes, image.dims));
  }

  private img(i: number): number {
    return this.imageRows ? this.imageRows[i] : i;
  }

  private txt(c: number): number {
    return -1 - (this.textRows ? this.textRows[c] : c);
  }

  private dot(a: number, b: number): number {
    const oa = this.cache.offset(a);
    const ob = this.cache.offset(b, oa);
    // A miss for b may not evict a (keep); a's slot holds a still.
    return this.cache.engine.dot(oa, ob, this.cache.row);
  }

  score(i: number, c: number): number {
    return this.dot(this.img(i), this.txt(c));
  }

  cosImages(i: number, j: number): number {
    return this.dot(this.img(i), this.img(j));
  }

  cosTexts(c: number, d: number): number {
    return this.dot(this.txt(c), this.txt(d));
  }

  prefetch(images: ArrayLike<number>, texts: ArrayLike<number>): void {
    const keys = new Set<number>();
    for (let k = 0; k < images.length; k++) keys.add(this.img(images[k]));
    for (let k = 0; k < texts.length; k++) keys.add(this.txt(texts[k]));
    this.cache.prefetch([...keys]);
  }
}

/**
 * The fused caption similarity of clusters.ts (`fusedTextSimilarity`) when a space is on disk:
 * each caption's fused row (every space's normalised row, scaled by 1/√E, side by side) is built on
 * demand, as the in-memory function builds it, and kept in a bounded cache.
 */
export function fusedTextSimilarityRows(spaces: readonly { dims: number; textRow(c: number): Float32Array }[], capacity: number): (a: number, b: number) => number {
  const width = spaces.reduce((w, s) => w + s.dims, 0);
  const row = paddedRow(width);
  const cap = Math.max(2, capacity);
  const engine = createDotEngine(cap * row);
  const mem = engine.memory;
  const scale = 1 / Math.sqrt(spaces.length);
  const slotOf = new Map<number, number>();
  const keyOf = new Int32Array(cap).fill(-1);
  let hand = 0;
  const slot = (c: number, keep: number): number => {
    const s0 = slotOf.get(c);
    if (s0 !== undefined) return s0;
    if (hand === keep) hand = (hand + 1) % cap;
    const s = hand;
    hand = (hand + 1) % cap;
    if (keyOf[s] >= 0) slotOf.delete(keyOf[s]);
    keyOf[s] = c;
    slotOf.set(c, s);
    let off = s * row;
    mem.fill(0, off, off + row);
    for (const sp of spaces) {
      const text = sp.textRow(c);
      const dims = sp.dims;
      let q = 0;
      for (let d = 0; d < dims; d++) q += text[d] * text[d];
      const inv = q > 0 ? scale / Math.sqrt(q) : 0;
      for (let d = 0; d < dims; d++) mem[off + d] = text[d] * inv;
      off += dims;
    }
    return s;
  };
  return (a, b) => {
    const sa = slot(a, -1);
    const sb = slot(b, sa);
    return engine.dot(sa * row, sb * row, row);
  };
}

/** Pairs whose rows candidates.ts gathers at once for a space with `prefetch`. */
export const PAIR_BATCH = 512;

/** Prefetches the annotated pairs (ann[c], c) of captions c0..c1−1. */
export function prefetchAnnotated(space: PairSpace, ann: Int32Array, c0: number, c1: number): void {
  const imgs: number[] = [];
  const txts: number[] = [];
  for (let c = c0; c < c1; c++) {
    if (ann[c] < 0) continue;
    imgs.push(ann[c]);
    txts.push(c);
  }
  space.prefetch?.(imgs, txts);
}

/**
 * Prefetches what the pool's features read for pairs k0..k0+PAIR_BATCH−1: the image, the caption,
 * the caption's annotated image and the image's annotated captions.
 */
export function prefetchPool(space: PairSpace, pi: number[], pc: number[], k0: number, ann: Int32Array, annOf: Int32Array, annCount: Int32Array): void {
  const imgs: number[] = [];
  const txts: number[] = [];
  for (let k = k0; k < Math.min(pi.length, k0 + PAIR_BATCH); k++) {
    const i = pi[k];
    const c = pc[k];
    imgs.push(i);
    txts.push(c);
    if (ann[c] >= 0) imgs.push(ann[c]);
    for (let j = annCount[i]; j < annCount[i + 1]; j++) txts.push(annOf[j]);
  }
  space.prefetch?.(imgs, txts);
}
