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
import { rankCandidates, type CandidateTable } from './candidates.js';

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
 * Counts the same-text candidates and where the prior ranks them, in rankCandidates' order by
 * prior (mean mid-rank percentile; share of the first SAME_TEXT_TOP). `captionText[c]` is
 * caption c's text, `annotated[c]` its image.
 */
export function sameTextCheck(table: Pick<CandidateTable, 'n' | 'image' | 'caption' | 'prior' | 'rrf' | 'agreement'>, captionText: readonly string[], annotated: ArrayLike<number>): SameTextCheck {
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
  const isSame = new Uint8Array(table.n);
  let pairs = 0;
  for (let k = 0; k < table.n; k++) {
    if (!onImage.has(table.image[k] * width + textId[table.caption[k]])) continue;
    isSame[k] = 1;
    pairs++;
  }
  const top = Math.min(SAME_TEXT_TOP, table.n);
  if (!pairs) return { pairs: 0, share: 0, percentile: null, top, topShare: 0 };
  // One walk down the prior's order (the budget figures' order): each run of tied priors at
  // positions s..e gets the mid-rank percentile ((n − 1 − e) + (n − s)) / 2n; the first `top` are counted.
  const order = rankCandidates(table, 'prior');
  const n = table.n;
  let sum = 0;
  let inTop = 0;
  for (let s = 0; s < n; ) {
    let e = s;
    while (e + 1 < n && table.prior[order[e + 1]] === table.prior[order[s]]) e++;
    const mid = (n - 1 - e + (n - s)) / 2 / n;
    for (let r = s; r <= e; r++) {
      if (!isSame[order[r]]) continue;
      sum += mid;
      if (r < top) inTop++;
    }
    s = e + 1;
  }
  return { pairs, share: pairs / n, percentile: sum / pairs, top, topShare: inTop / top };
}
