// How much an inverted-file (IVF) search misses: for a seeded sample of queries, the share of
// each query's exact top-`depth` gallery items (scored against the whole gallery) that the IVF
// search finds in its `nprobe` probed lists. Several nprobe values are measured in one pass (the
// exact scores are computed once), so the search can take the smallest nprobe that reaches a
// target recall. Reported beside every approximate mining result.
import type { DotEngine } from './dot_engine.js';
import { insertTop } from './knn_recall.js';

export interface TopRecall {
  /** List depth compared (50 unless the gallery is smaller). */
  depth: number;
  /** Lists probed per query (of nlist). */
  nprobe: number;
  nlist: number;
  sampled: number;
  /** Mean over the sampled queries, and the worst single query. */
  mean: number;
  min: number;
}

/** The IVF's layout in its engine: gallery rows grouped by list at 0, centroids at cOff. */
export interface IvfLayout {
  eng: DotEngine;
  row: number;
  n: number;
  nlist: number;
  /** List c holds positions start[c] … start[c+1]−1; order[position] is the gallery index. */
  start: Int32Array;
  order: Int32Array;
  cOff: number;
  /** One query row goes here; outOff has room for max(n, nlist) scores. */
  qOff: number;
  outOff: number;
}


/**
 * loadQuery(q) writes query q's row at L.qOff; score(q, g, dot) turns a dot product into the
 * space's score (cosine or CSD) so the comparison uses the search's own ranking. One result per
 * entry of `nprobes`.
 */
export function ivfTopRecall(L: IvfLayout, queries: Int32Array, depthWanted: number, nprobes: number[], loadQuery: (q: number) => void, score: (q: number, g: number, dot: number) => number): TopRecall[] {
  const { eng, row, n, nlist, start, order } = L;
  const mem = eng.memory;
  const depth = Math.min(depthWanted, n);
  const listAt = new Int32Array(n);
  for (let c = 0; c < nlist; c++) listAt.fill(c, start[c], start[c + 1]);
  // rankOf[c]: list c's rank by centroid score for the current query (0 = nearest).
  const rankOf = new Int32Array(nlist);
  const byScore = new Int32Array(nlist);
  const cent = new Float32Array(nlist);
  const exI = new Int32Array(depth);
  const exS = new Float32Array(depth);
  const ivI = nprobes.map(() => new Int32Array(depth));
  const ivS = nprobes.map(() => new Float32Array(depth));
  const sum = new Float64Array(nprobes.length);
  const min = new Float64Array(nprobes.length).fill(1);
  for (const q of queries) {
    loadQuery(q);
    eng.dots(L.qOff, 1, L.cOff, nlist, row, L.outOff, nlist);
    cent.set(mem.subarray(L.outOff, L.outOff + nlist));
    for (let c = 0; c < nlist; c++) byScore[c] = c;
    byScore.sort((a, b) => cent[b] - cent[a] || a - b);
    for (let r = 0; r < nlist; r++) rankOf[byScore[r]] = r;
    eng.dots(L.qOff, 1, 0, n, row, L.outOff, n);
    exS.fill(-Infinity);
    exI.fill(-1);
    for (let v = 0; v < nprobes.length; v++) {
      ivS[v].fill(-Infinity);
      ivI[v].fill(-1);
    }
    for (let p = 0; p < n; p++) {
      const g = order[p];
      const s = score(q, g, mem[L.outOff + p]);
      if (!(s > exS[depth - 1]) && !(s > ivS[0][depth - 1])) continue;
      insertTop(exI, exS, depth, g, s);
      const r = rankOf[listAt[p]];
      for (let v = 0; v < nprobes.length; v++) if (r < nprobes[v]) insertTop(ivI[v], ivS[v], depth, g, s);
    }
    const want = new Set(exI);
    for (let v = 0; v < nprobes.length; v++) {
      let hit = 0;
      for (const g of ivI[v]) if (want.has(g)) hit++;
      sum[v] += hit / depth;
      min[v] = Math.min(min[v], hit / depth);
    }
  }
  const m = queries.length;
  return nprobes.map((nprobe, v) => ({ depth, nprobe, nlist, sampled: m, mean: m ? sum[v] / m : 1, min: m ? min[v] : 1 }));
}

/** nprobe values to try: the default, doubling up to every list. */
export function nprobeLadder(first: number, nlist: number): number[] {
  const out: number[] = [];
  for (let p = Math.max(1, first); p < nlist; p *= 2) out.push(p);
  out.push(nlist);
  return out;
}
