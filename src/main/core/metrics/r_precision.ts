// R-Precision (SCIENCE 1.3), tie-aware (SCIENCE 1.7.1).
import type { QueryRanking, TieMode } from './ranks.js';

/**
 * Positives among the top L; for `expected`, the expected number: a tie group straddling L
 * contributes (L − G)·m/E.
 */
export function hitsInTop(q: QueryRanking, l: number, mode: TieMode): number {
  if (mode !== 'expected') {
    const ranks = q.ranks(mode);
    let hits = 0;
    while (hits < ranks.length && ranks[hits] <= l) hits++;
    return hits;
  }
  let hits = 0;
  for (let v = 0; v < q.levels; v++) {
    const g = q.before[v];
    if (g >= l) break;
    const e = q.size[v];
    hits += g + e <= l ? q.count[v] : ((l - g) * q.count[v]) / e;
  }
  return hits;
}

/** |P ∩ top-R| / R with R = |P|. */
export function rPrecision(q: QueryRanking, mode: TieMode): number {
  return hitsInTop(q, q.r, mode) / q.r;
}
