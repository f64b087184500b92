// Same-text candidates: a pair whose caption reads exactly like a caption annotated on its image
// (the same string, after trimming) is valid by the annotation itself, whatever makes that string
// true of the image makes it true of this pair too. Such pairs are rare where each caption is
// written by hand and common where captions come from a template (the digits world: 1,218 distinct
// strings for 100,000 captions at 20,000 images, and more than half of the mining pool).
//
// Identical strings share one embedding, so such a pair has its annotated twin's score and ranks;
// the PU prior's τ_txt leaves the twin out (candidates.ts, as an annotated pair leaves itself out),
// so the pair gets the twin's features. Before that, τ_txt = 1 set them apart from every annotated
// pair, the prior ranked them low, and on a 20,000-image digits world the first 1,000 candidates
// by p̂ held no valid pair (docs/science.md, bench-results/mining-digits-scale.json).
//
// This module reports them: how many, and how many of the first 1,000 by p̂ before any review. It
// tried to warn from them too, when the first candidates were no richer in same-text pairs than
// the pool; that fired where the first 1,000 were all valid (other valid pairs, ranked above the
// same-text ones), so it warns of nothing.
import type { CandidateTable } from './candidates.js';

export interface SameTextCheck {
  /** Candidates whose caption reads exactly like a caption annotated on their image. */
  pairs: number;
  /** Share of the candidates they make up. */
  share: number;
  /**
   * Their mean percentile by p̂ before any review among all candidates (mid-ranks: 1 first, 0
   * last, 0.5 no better than an average candidate); null without such pairs.
   */
  percentile: number | null;
  /** The first candidates by p̂ that the check reads: min(SAME_TEXT_TOP, all). */
  top: number;
  /** Share of those first candidates that are same-text pairs. */
  topShare: number;
}

/** The first candidates read, as the budget figures' middle budget. */
export const SAME_TEXT_TOP = 1000;

/**
 * Counts the same-text candidates and where the prior ranks them (mean mid-rank percentile; share
 * of the first SAME_TEXT_TOP). `captionText[c]` is caption c's
 * text, `annotated[c]` its image.
 */
export function sameTextCheck(table: Pick<CandidateTable, 'n' | 'image' | 'caption' | 'prior'>, captionText: readonly string[], annotated: ArrayLike<number>): SameTextCheck {
  const ids = new Map<string, number>();
  const textId = new Int32Array(captionText.length);
  for (let c = 0; c < captionText.length; c++) {
    const t = captionText[c].trim();
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    textId[c] = id;
  }
  // Keys image·(distinct texts) + text id of every annotated caption.
  const width = Math.max(1, ids.size);
  const onImage = new Set<number>();
  for (let c = 0; c < annotated.length; c++) onImage.add(annotated[c] * width + textId[c]);
  const same: number[] = [];
  for (let k = 0; k < table.n; k++) if (onImage.has(table.image[k] * width + textId[table.caption[k]])) same.push(k);
  if (!same.length) return { pairs: 0, share: 0, percentile: null, top: Math.min(SAME_TEXT_TOP, table.n), topShare: 0 };
  // Mid-rank percentile of each same-text pair's prior among every candidate's.
  const sorted = Float64Array.from({ length: table.n }, (_, k) => table.prior[k]).sort();
  const below = (x: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (sorted[m] < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const atMost = (x: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (sorted[m] <= x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  let sum = 0;
  for (const k of same) {
    const x = table.prior[k];
    sum += (below(x) + atMost(x)) / 2 / table.n;
  }
  const percentile = sum / same.length;
  const share = same.length / table.n;
  // The first `top` candidates by prior (ties: lower index first, as rankCandidates).
  const top = Math.min(SAME_TEXT_TOP, table.n);
  const order = Array.from({ length: table.n }, (_, k) => k).sort((a, b) => table.prior[b] - table.prior[a] || a - b);
  const isSame = new Uint8Array(table.n);
  for (const k of same) isSame[k] = 1;
  let inTop = 0;
  for (let r = 0; r < top; r++) inTop += isSame[order[r]];
  const topShare = top ? inTop / top : 0;
  return { pairs: same.length, share, percentile, top, topShare };
}
