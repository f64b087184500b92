// How much an inverted-file (IVF) search misses: for a seeded sample of queries, the share of
// each query's exact top-`depth` gallery items (scored against the whole gallery) that the IVF
// search finds in its `nprobe` probed lists. Reported beside every approximate mining result.
import type { DotEngine } from '../metrics/dot_engine.js';

export interface TopRecall {
  /** List depth compared (50 unless the gallery is smaller). */
  depth: number;
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
  nprobe: number;
  /** List c holds positions start[c] … start[c+1]−1; order[position] is the gallery index. */
  start: Int32Array;
  order: Int32Array;
  cOff: number;
  /** One query row goes here; outOff has room for max(n, nlist) scores. */
  qOff: number;
  outOff: number;
}

/** Keeps the best `depth` (score, id) pairs in a sorted array (descending). */
function insertTop(ids: Int32Array, sc: Float32Array, depth: number, id: number, s: number): void {
  if (!(s > sc[depth - 1])) return;
  let j = depth - 1;
  while (j > 0 && sc[j - 1] < s) {
    sc[j] = sc[j - 1];
    ids[j] = ids[j - 1];
    j--;
  }
  sc[j] = s;
  ids[j] = id;
}

/**
 * loadQuery(q) writes query q's row at L.qOff; score(q, g, dot) turns a dot product into the
 * space's score (cosine or CSD) so the comparison uses the search's own ranking.
 */
export function ivfTopRecall(L: IvfLayout, queries: Int32Array, depthWanted: number, loadQuery: (q: number) => void, score: (q: number, g: number, dot: number) => number): TopRecall {
  const { eng, row, n, nlist, nprobe, start, order } = L;
  const mem = eng.memory;
  const depth = Math.min(depthWanted, n);
  const listAt = new Int32Array(n);
  for (let c = 0; c < nlist; c++) listAt.fill(c, start[c], start[c + 1]);
  const probed = new Uint8Array(nlist);
  const cs = new Float32Array(nprobe);
  const ci = new Int32Array(nprobe);
  const exI = new Int32Array(depth);
  const exS = new Float32Array(depth);
  const ivI = new Int32Array(depth);
  const ivS = new Float32Array(depth);
  let sum = 0;
  let min = 1;
  for (const q of queries) {
    loadQuery(q);
    eng.dots(L.qOff, 1, L.cOff, nlist, row, L.outOff, nlist);
    cs.fill(-Infinity);
    ci.fill(-1);
    for (let c = 0; c < nlist; c++) insertTop(ci, cs, nprobe, c, mem[L.outOff + c]);
    probed.fill(0);
    for (const c of ci) if (c >= 0) probed[c] = 1;
    eng.dots(L.qOff, 1, 0, n, row, L.outOff, n);
    exS.fill(-Infinity);
    ivS.fill(-Infinity);
    exI.fill(-1);
    ivI.fill(-1);
    for (let p = 0; p < n; p++) {
      const g = order[p];
      const s = score(q, g, mem[L.outOff + p]);
      insertTop(exI, exS, depth, g, s);
      if (probed[listAt[p]]) insertTop(ivI, ivS, depth, g, s);
    }
    const found = new Set(ivI);
    let hit = 0;
    for (const g of exI) if (found.has(g)) hit++;
    const r = hit / depth;
    sum += r;
    min = Math.min(min, r);
  }
  return { depth, sampled: queries.length, mean: queries.length ? sum / queries.length : 1, min: queries.length ? min : 1 };
}
