// R@K as a hit rate (SCIENCE 1.2), tie-aware (SCIENCE 1.7.1).
import type { QueryRanking, TieMode } from './ranks.js';

/**
 * 1 if a positive is within the top K, else 0; for `expected`, the probability of that under a
 * uniformly random order inside tie groups. K > N is clamped to N (SCIENCE 1.7.5).
 */
export function recallAtK(q: QueryRanking, k: number, mode: TieMode): number {
  const cut = Math.min(k, q.n);
  if (mode !== 'expected') return q.ranks(mode)[0] <= cut ? 1 : 0;
  // Only the first tie group that holds a positive decides.
  const g = q.before[0];
  const e = q.size[0];
  const m = q.count[0];
  const t = cut - g; // places of the group inside the top K
  if (t <= 0) return 0;
  if (t >= e) return 1;
  // P(no positive among the group's first t places) = C(E−m, t)/C(E, t) = Π_{i<m} (E−t−i)/(E−i).
  let miss = 1;
  for (let i = 0; i < m && miss > 0; i++) miss *= Math.max(0, e - t - i) / (e - i);
  return 1 - miss;
}
