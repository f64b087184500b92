// mAP@R of Musgrave et al. (SCIENCE 1.4), tie-aware (SCIENCE 1.7.1).
import type { QueryRanking, TieMode } from './ranks.js';

/** (1/R) Σ_{k≤R} rel(k)·Prec@k; the denominator is always R. */
export function mapAtR(q: QueryRanking, mode: TieMode): number {
  const r = q.r;
  let sum = 0;
  if (mode !== 'expected') {
    const ranks = q.ranks(mode);
    for (let j = 0; j < ranks.length && ranks[j] <= r; j++) sum += (j + 1) / ranks[j];
    return sum / r;
  }
  // E[rel_k·C_k] = p(1+M) + (k−G−1)·q inside a tie group (p = m/E, q = m(m−1)/(E(E−1)),
  // M = positives in strictly better groups); places outside positive groups contribute 0.
  let better = 0;
  for (let v = 0; v < q.levels; v++) {
    const g = q.before[v];
    if (g >= r) break;
    const e = q.size[v];
    const m = q.count[v];
    const p = m / e;
    const pq = e > 1 ? (m * (m - 1)) / (e * (e - 1)) : 0;
    const end = Math.min(g + e, r);
    for (let k = g + 1; k <= end; k++) sum += (p * (1 + better) + (k - g - 1) * pq) / k;
    better += m;
  }
  return sum / r;
}
