// Positive sets per query, normalised to a compact CSR layout (SCIENCE 1.7.3–1.7.4).

/**
 * Positives as callers hand them in: an array indexed by query (missing or short entries mean
 * "no positives"), or a Map from query index to gallery indices.
 */
export type PositivesLike = ArrayLike<ArrayLike<number> | null | undefined> | Map<number, ArrayLike<number>>;

/** Positives of every query: sorted, de-duplicated, in-range gallery indices. */
export interface PositiveLists {
  nQueries: number;
  nGallery: number;
  /** items[offsets[q] .. offsets[q + 1]) are query q's positives, ascending. */
  offsets: Int32Array;
  items: Int32Array;
  /** Entries dropped because they are not an integer index into the gallery. */
  outOfRange: number;
  /** Entries dropped because they repeat a positive already listed for the same query. */
  duplicates: number;
}

/**
 * Normalises positives. Gallery indices outside 0..nGallery-1 (or not integers) are dropped and
 * counted; duplicates are dropped and counted. A query index outside 0..nQueries-1 is a caller
 * error and throws RangeError.
 */
export function toPositiveLists(positives: PositivesLike, nQueries: number, nGallery: number): PositiveLists {
  const perQuery: (ArrayLike<number> | null | undefined)[] = new Array(nQueries);
  if (positives instanceof Map) {
    for (const [q, list] of positives) {
      if (!Number.isInteger(q) || q < 0 || q >= nQueries) {
        throw new RangeError(`positives: query index ${q} is outside 0..${nQueries - 1}`);
      }
      perQuery[q] = list;
    }
  } else {
    if (positives.length > nQueries) {
      throw new RangeError(`positives: ${positives.length} lists for ${nQueries} queries`);
    }
    for (let q = 0; q < positives.length; q++) perQuery[q] = positives[q];
  }
  const offsets = new Int32Array(nQueries + 1);
  const chunks: Int32Array[] = new Array(nQueries);
  let outOfRange = 0;
  let duplicates = 0;
  let total = 0;
  for (let q = 0; q < nQueries; q++) {
    const list = perQuery[q];
    const n = list ? list.length : 0;
    const kept = new Int32Array(n);
    let k = 0;
    for (let j = 0; j < n; j++) {
      const g = list![j];
      if (Number.isInteger(g) && g >= 0 && g < nGallery) kept[k++] = g;
      else outOfRange++;
    }
    const sorted = kept.subarray(0, k).sort();
    let u = 0;
    for (let j = 0; j < k; j++) {
      if (u > 0 && sorted[j] === sorted[u - 1]) duplicates++;
      else sorted[u++] = sorted[j];
    }
    chunks[q] = sorted.subarray(0, u);
    total += u;
    offsets[q + 1] = total;
  }
  const items = new Int32Array(total);
  for (let q = 0; q < nQueries; q++) items.set(chunks[q], offsets[q]);
  return { nQueries, nGallery, offsets, items, outOfRange, duplicates };
}

/** Query q's positives (a view, ascending). */
export function positivesOf(lists: PositiveLists, q: number): Int32Array {
  return lists.items.subarray(lists.offsets[q], lists.offsets[q + 1]);
}

/** The other direction: gallery item g's positives among the queries (t2i lists → i2t lists). */
export function invertPositives(lists: PositiveLists): PositiveLists {
  const n = lists.nGallery;
  const offsets = new Int32Array(n + 1);
  for (let j = 0; j < lists.items.length; j++) offsets[lists.items[j] + 1]++;
  for (let g = 0; g < n; g++) offsets[g + 1] += offsets[g];
  const fill = offsets.slice(0, n);
  const items = new Int32Array(lists.items.length);
  // Walking queries in increasing order keeps every inverted list ascending.
  for (let q = 0; q < lists.nQueries; q++) {
    for (let j = lists.offsets[q]; j < lists.offsets[q + 1]; j++) items[fill[lists.items[j]]++] = q;
  }
  return { nQueries: n, nGallery: lists.nQueries, offsets, items, outOfRange: 0, duplicates: 0 };
}
