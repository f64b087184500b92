// PMRP: R-Precision against plausible-match sets (SCIENCE 1.5, 1.7.3).
import { hitsInTop } from './r_precision.js';
import type { QueryRanking, TieMode } from './ranks.js';

/**
 * R-Precision of one query against its plausible-match set. With `listLength` K the ranked list
 * is cut to the top K first and the denominator becomes min(R, K): the "modified PMRP" that the
 * ECCV Caption library computes on top-50 lists (optimistic when R > K). Without it, the full
 * gallery is ranked, which is PCME's original PMRP for one threshold ζ.
 */
export function pmrp(q: QueryRanking, mode: TieMode, listLength?: number): number {
  const list = listLength == null ? q.n : Math.min(listLength, q.n);
  const cut = Math.min(q.r, list);
  return hitsInTop(q, cut, mode) / cut;
}
