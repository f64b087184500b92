// Top-k lists of cross-modal search (knn_blocked.ts, knn_ivf.ts): bounded binary heaps streamed
// in flat typed arrays, turned into lists sorted best first, and the row statistics (mean, sd)
// that z-scores need.

export interface TopKLists {
  /** Number of queries. */
  n: number;
  k: number;
  /** n × k local gallery indices, best first; −1 pads when the gallery is smaller than k. */
  indices: Int32Array;
  /** n × k scores (−Infinity in padding). */
  scores: Float32Array;
}

export interface RowStats {
  /** Mean and standard deviation of a query's scores over the whole gallery. */
  mean: Float32Array;
  sd: Float32Array;
  /** 'exact' over all items, or estimated from a random sample of the gallery. */
  from: 'all' | 'sample';
}

/** Index stored in unfilled heap slots: larger than any gallery index, so it is evicted first. */
export const EMPTY = 0x7fffffff;

export function emptyLists(n: number, k: number): TopKLists {
  return { n, k, indices: new Int32Array(n * k).fill(EMPTY), scores: new Float32Array(n * k).fill(-Infinity) };
}

/**
 * Top-k lists are kept as binary min-heaps while streaming, ordered by (score ascending, index
 * descending): the root is the entry to evict, and among equal scores the higher index goes
 * first, so ties keep the lower gallery index. offer() replaces the root with (g, s) when
 * (s, −g) beats it and returns the new root score (the list's threshold).
 */
export function offer(idx: Int32Array, sc: Float32Array, base: number, k: number, g: number, s: number): number {
  const rs = sc[base];
  if (!(s > rs || (s === rs && g < idx[base]))) return rs;
  let pos = 0;
  for (;;) {
    let child = 2 * pos + 1;
    if (child >= k) break;
    let cs = sc[base + child];
    let ci = idx[base + child];
    const r = child + 1;
    if (r < k) {
      const rs2 = sc[base + r];
      const ri = idx[base + r];
      if (rs2 < cs || (rs2 === cs && ri > ci)) {
        child = r;
        cs = rs2;
        ci = ri;
      }
    }
    if (cs < s || (cs === s && ci > g)) {
      sc[base + pos] = cs;
      idx[base + pos] = ci;
      pos = child;
    } else break;
  }
  sc[base + pos] = s;
  idx[base + pos] = g;
  return sc[base];
}

/** Turns every heap into a list sorted best first (score descending, index ascending); −1 pads. */
export function finishLists(l: TopKLists): TopKLists {
  const { k, indices, scores } = l;
  const order = new Int32Array(k);
  const si = new Int32Array(k);
  const ss = new Float32Array(k);
  for (let q = 0; q < l.n; q++) {
    const base = q * k;
    for (let j = 0; j < k; j++) order[j] = j;
    order.sort((a, b) => scores[base + b] - scores[base + a] || indices[base + a] - indices[base + b]);
    for (let j = 0; j < k; j++) {
      si[j] = indices[base + order[j]];
      ss[j] = scores[base + order[j]];
    }
    for (let j = 0; j < k; j++) {
      indices[base + j] = si[j] === EMPTY ? -1 : si[j];
      scores[base + j] = ss[j];
    }
  }
  return l;
}

export function finishStats(sum: Float64Array, sq: Float64Array, n: number, from: RowStats['from']): RowStats {
  const mean = new Float32Array(sum.length);
  const sd = new Float32Array(sum.length);
  for (let q = 0; q < sum.length; q++) {
    const m = sum[q] / n;
    const v = sq[q] / n - m * m;
    mean[q] = m;
    sd[q] = v > 1e-20 ? Math.sqrt(v) : 1;
  }
  return { mean, sd, from };
}

/** Rank (1-based) of gallery item g in query q's list, or 0 when it is not in the list. */
export function rankIn(lists: TopKLists, q: number, g: number): number {
  const base = q * lists.k;
  for (let j = 0; j < lists.k; j++) if (lists.indices[base + j] === g) return j + 1;
  return 0;
}
