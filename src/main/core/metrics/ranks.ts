// Tie groups of one query's positives (SCIENCE 1.1, 1.7.1).
//
// Every metric here depends on the ranking only through the positives' places. For each distinct
// positive score ("level") we need G (gallery items scoring strictly higher) and E (items scoring
// exactly the same, the tie group), plus, for the `stable` mode, how many tied items come before
// each positive by gallery index. One pass over the score row finds all of that; no sort of the
// row is needed. Tie groups without positives only matter through their sizes, which end up in G.

export type TieMode = 'expected' | 'stable' | 'optimistic' | 'pessimistic';

export const TIE_MODES: readonly TieMode[] = ['expected', 'stable', 'optimistic', 'pessimistic'];

export function isTieMode(text: string): text is TieMode {
  return (TIE_MODES as readonly string[]).includes(text);
}

/** The finished picture of one query: its positives' tie groups, in decreasing score order. */
export class QueryRanking {
  private readonly cache = new Map<TieMode, Float64Array>();

  constructor(
    /** Gallery size. */
    readonly n: number,
    /** Number of positives. */
    readonly r: number,
    /** Per level: items scoring strictly higher (G). */
    readonly before: Float64Array,
    /** Per level: items with exactly this score (E), positives included. */
    readonly size: Float64Array,
    /** Per level: positives with this score (m). */
    readonly count: Float64Array,
    /** 1-based ranks of the positives under a stable argsort (ties by gallery index), ascending. */
    private readonly stableRanks: Float64Array,
  ) {}

  get levels(): number {
    return this.before.length;
  }

  /** 1-based ranks of the positives, ascending, for a deterministic tie mode. */
  ranks(mode: Exclude<TieMode, 'expected'>): Float64Array {
    if (mode === 'stable') return this.stableRanks;
    let out = this.cache.get(mode);
    if (!out) {
      out = new Float64Array(this.r);
      let j = 0;
      for (let l = 0; l < this.levels; l++) {
        // optimistic: positives take the first m places of their tie group; pessimistic: the last m.
        const first = mode === 'optimistic' ? this.before[l] + 1 : this.before[l] + this.size[l] - this.count[l] + 1;
        for (let t = 0; t < this.count[l]; t++) out[j++] = first + t;
      }
      this.cache.set(mode, out);
    }
    return out;
  }
}

/**
 * Accumulates one query's tie groups while its score row streams past, in one or more segments
 * given in increasing gallery-index order (a whole row, or one block of the gallery at a time).
 */
export class RankTally {
  /** Distinct positive scores, descending. */
  private readonly levels: Float64Array;
  private readonly levelCount: Float64Array;
  /** above[0]: items above the top level; above[l]: items strictly between levels l-1 and l. */
  private readonly above: Float64Array;
  private readonly equal: Float64Array;
  /** Positives by ascending gallery index, their level, and tied items seen before each. */
  private readonly posIndex: Int32Array;
  private readonly posLevel: Int32Array;
  private readonly eqBefore: Float64Array;
  /**
   * Bucket lookup over [lowest level, top level]: bin b = ⌊(x − low)·scale⌋. binCode[b] is the
   * number of levels above every score in the bin, or −1 when a level falls inside the bin (those
   * scores take the exact binary search). A table lookup instead of a search for most scores is
   * about 3× faster on random scores, where most of the row lies among the positives.
   */
  private readonly binCode: Int32Array;
  private readonly binScale: number;
  private next = 0;
  private scanned = 0;
  /** NaN scores met while scanning (they are left out of every count). */
  nan = 0;

  /**
   * @param positives gallery indices, ascending and unique (see toPositiveLists)
   * @param positiveScore the score of positives[j] for this query
   */
  constructor(positives: Int32Array, positiveScore: (j: number) => number) {
    const r = positives.length;
    if (r === 0) throw new RangeError('RankTally needs at least one positive');
    const scores = new Float64Array(r);
    for (let j = 0; j < r; j++) {
      const s = positiveScore(j);
      if (Number.isNaN(s)) throw new RangeError(`score of positive ${positives[j]} is NaN`);
      scores[j] = s;
    }
    const sorted = scores.slice().sort();
    const levels: number[] = [];
    for (let j = r - 1; j >= 0; j--) if (levels.length === 0 || levels[levels.length - 1] !== sorted[j]) levels.push(sorted[j]);
    const lv = Float64Array.from(levels);
    this.levels = lv;
    const u = lv.length;
    this.levelCount = new Float64Array(u);
    this.above = new Float64Array(u);
    this.equal = new Float64Array(u);
    this.posIndex = positives;
    this.posLevel = new Int32Array(r);
    this.eqBefore = new Float64Array(r);
    for (let j = 0; j < r; j++) {
      const l = this.levelOf(scores[j]);
      this.posLevel[j] = l;
      this.levelCount[l]++;
    }
    // Bins: 32 per level (at most 65,536). Infinite levels give scale 0 or NaN: one bin, always exact.
    const low = lv[u - 1];
    const bins = u > 1 ? Math.min(65536, 32 * u) : 1;
    const scale = u > 1 ? bins / (lv[0] - low) : 0;
    this.binScale = Number.isFinite(scale) ? scale : 0;
    const code = new Int32Array(bins + 1);
    for (let l = 0; l < u; l++) code[((lv[l] - low) * this.binScale) | 0]++;
    let higher = 0;
    for (let b = bins; b >= 0; b--) {
      const inBin = code[b];
      code[b] = inBin ? -1 : higher;
      higher += inBin;
    }
    this.binCode = code;
  }

  private levelOf(x: number): number {
    // first level <= x (levels descending)
    const lv = this.levels;
    let lo = 0;
    let hi = lv.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lv[mid] > x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Counts `count` scores data[offset + t·stride], which belong to gallery items
   * galleryStart + t. Segments must arrive in increasing gallery order.
   */
  scan(data: Float32Array, offset: number, stride: number, count: number, galleryStart: number): void {
    const lv = this.levels;
    const last = lv.length - 1;
    const low = lv[last];
    const top = lv[0];
    const above = this.above;
    const equal = this.equal;
    const code = this.binCode;
    const scale = this.binScale;
    const posIndex = this.posIndex;
    const r = posIndex.length;
    let next = this.next;
    let nextIndex = next < r ? posIndex[next] : -1;
    let nan = 0;
    for (let t = 0, o = offset; t < count; t++, o += stride) {
      const x = data[o];
      if (x > top) {
        above[0]++;
        continue;
      }
      if (!(x >= low)) {
        if (x !== x) nan++;
        continue; // below every positive: never ahead of one
      }
      const c = code[((x - low) * scale) | 0];
      if (c >= 0) {
        above[c]++;
        continue;
      }
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (lv[mid] > x) lo = mid + 1;
        else hi = mid;
      }
      if (lv[lo] === x) {
        if (galleryStart + t === nextIndex) {
          this.eqBefore[next] = equal[lo];
          next++;
          nextIndex = next < r ? posIndex[next] : -1;
        }
        equal[lo]++;
      } else above[lo]++;
    }
    this.next = next;
    this.nan += nan;
    this.scanned += count;
  }

  /**
   * Starts this tally at gallery item `galleryStart` instead of 0 (one image partition of a
   * parallel evaluation): positives before it are taken as met elsewhere. Call before scan().
   */
  startAt(galleryStart: number): void {
    if (this.scanned !== 0) throw new RangeError('startAt() must come before scan()');
    let next = 0;
    const r = this.posIndex.length;
    while (next < r && this.posIndex[next] < galleryStart) next++;
    this.next = next;
    this.first = next;
  }

  private first = 0;

  /** Floats writeState() needs. */
  stateSize(): number {
    return TALLY_HEADER + 3 * this.levels.length + 2 * this.posIndex.length;
  }

  /**
   * Writes the counts of this (partial) tally at out[offset..]; returns the offset after it.
   * Layout: u, r, first, next, scanned, nan, above[u], equal[u], levelCount[u], eqBefore[r], posLevel[r].
   */
  writeState(out: Float64Array, offset: number): number {
    const u = this.levels.length;
    const r = this.posIndex.length;
    let o = offset;
    out[o++] = u;
    out[o++] = r;
    out[o++] = this.first;
    out[o++] = this.next;
    out[o++] = this.scanned;
    out[o++] = this.nan;
    out.set(this.above, o);
    o += u;
    out.set(this.equal, o);
    o += u;
    out.set(this.levelCount, o);
    o += u;
    out.set(this.eqBefore, o);
    o += r;
    for (let j = 0; j < r; j++) out[o + j] = this.posLevel[j];
    return o + r;
  }

  /** Closes the tally once the whole gallery (n items) has been scanned. */
  finish(n: number): QueryRanking {
    const r = this.posIndex.length;
    if (this.next !== r) {
      throw new RangeError(`positive ${this.posIndex[this.next]} was not met while scanning (its score changed?)`);
    }
    if (this.scanned !== n) throw new RangeError(`scanned ${this.scanned} gallery items, expected ${n}`);
    const u = this.levels.length;
    const before = new Float64Array(u);
    let g = 0;
    for (let l = 0; l < u; l++) {
      g += this.above[l];
      before[l] = g;
      g += this.equal[l];
    }
    const stable = new Float64Array(r);
    for (let j = 0; j < r; j++) stable[j] = before[this.posLevel[j]] + this.eqBefore[j] + 1;
    stable.sort();
    return new QueryRanking(n, r, before, this.equal.slice(), this.levelCount, stable);
  }
}

const TALLY_HEADER = 6;

/** A cursor over the partial tallies written by writeState(), one per caption in order. */
export interface TallyStateCursor {
  data: Float64Array;
  offset: number;
}

/**
 * Merges the partial tallies of one query over consecutive gallery partitions (parts in gallery
 * order, each advanced past its record) and closes it, exactly as one tally over the whole
 * gallery would: counts are integers, so the sums are exact.
 */
export function finishTallyStates(parts: TallyStateCursor[], n: number): { ranking: QueryRanking; nan: number } {
  const head = parts[0];
  const d0 = head.data;
  const o0 = head.offset;
  const u = d0[o0];
  const r = d0[o0 + 1];
  const above = new Float64Array(u);
  const equal = new Float64Array(u);
  const levelCount = d0.slice(o0 + TALLY_HEADER + 2 * u, o0 + TALLY_HEADER + 3 * u);
  const posLevel = d0.subarray(o0 + TALLY_HEADER + 3 * u + r, o0 + TALLY_HEADER + 3 * u + 2 * r);
  const eqBefore = new Float64Array(r);
  let next = 0;
  let scanned = 0;
  let nan = 0;
  for (const part of parts) {
    const d = part.data;
    const o = part.offset;
    if (d[o] !== u || d[o + 1] !== r) throw new RangeError('partial tallies of different queries');
    const first = d[o + 2];
    const pNext = d[o + 3];
    if (first !== next) throw new RangeError(`partial tally starts at positive ${first}, expected ${next} (partitions out of order?)`);
    const oAbove = o + TALLY_HEADER;
    const oEqual = oAbove + u;
    const oEqB = oEqual + 2 * u;
    // Tied items before a positive met in this part: all tied items of the earlier parts plus
    // those before it inside this part.
    for (let j = first; j < pNext; j++) eqBefore[j] = equal[posLevel[j]] + d[oEqB + j];
    for (let l = 0; l < u; l++) {
      above[l] += d[oAbove + l];
      equal[l] += d[oEqual + l];
    }
    next = pNext;
    scanned += d[o + 4];
    nan += d[o + 5];
    part.offset = oEqB + 2 * r;
  }
  if (next !== r) throw new RangeError(`positive ${next} of ${r} was not met while scanning (its score changed?)`);
  if (scanned !== n) throw new RangeError(`scanned ${scanned} gallery items, expected ${n}`);
  const before = new Float64Array(u);
  let g = 0;
  for (let l = 0; l < u; l++) {
    g += above[l];
    before[l] = g;
    g += equal[l];
  }
  const stable = new Float64Array(r);
  for (let j = 0; j < r; j++) stable[j] = before[posLevel[j]] + eqBefore[j] + 1;
  stable.sort();
  return { ranking: new QueryRanking(n, r, before, equal, levelCount, stable), nan };
}

/** Tie groups of one query from its full score row (gallery length = row.length). */
export function rankQuery(row: Float32Array, positives: Int32Array): QueryRanking {
  const tally = new RankTally(positives, (j) => row[positives[j]]);
  tally.scan(row, 0, 1, row.length, 0);
  if (tally.nan > 0) throw new RangeError(`score row contains NaN`);
  return tally.finish(row.length);
}
