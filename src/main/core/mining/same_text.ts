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
import { readLabels, verdictOf } from '../labels/label_model.js';
import type { ReviewStore } from '../review/review_store.js';

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

/** Per caption, an id of its text (trimmed): identical strings share one id. */
export function captionTextIds(captionText: readonly string[]): Int32Array {
  const ids = new Map<string, number>();
  const out = new Int32Array(captionText.length);
  for (let c = 0; c < captionText.length; c++) {
    const t = captionText[c].trim();
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    out[c] = id;
  }
  return out;
}

/** How many distinct texts `textId` holds: keys image·width + text id name one text on one image. */
function textKeyWidth(textId: ArrayLike<number>): number {
  let width = 1;
  for (let c = 0; c < textId.length; c++) if (textId[c] + 1 > width) width = textId[c] + 1;
  return width;
}

/**
 * Marks the same-text candidates: 1 where candidate k's caption text (`textId`, captionTextIds) is
 * the text of a caption annotated on its image (`annotated[c]`: caption c's image).
 */
export function sameTextMask(table: { n: number; image: ArrayLike<number>; caption: ArrayLike<number> }, textId: ArrayLike<number>, annotated: ArrayLike<number>): Uint8Array {
  const width = textKeyWidth(textId);
  // Keys image·(distinct texts) + text id of every annotated caption.
  const onImage = new Set<number>();
  for (let c = 0; c < annotated.length; c++) onImage.add(annotated[c] * width + textId[c]);
  const out = new Uint8Array(table.n);
  for (let k = 0; k < table.n; k++) if (onImage.has(table.image[k] * width + textId[table.caption[k]])) out[k] = 1;
  return out;
}

/**
 * Counts the same-text candidates (`isSame`, sameTextMask) and where the prior ranks them, in
 * rankCandidates' order by prior (mean mid-rank percentile; share of the first SAME_TEXT_TOP).
 */
export function sameTextCheck(table: Pick<CandidateTable, 'n' | 'image' | 'caption' | 'prior' | 'rrf' | 'agreement'>, isSame: ArrayLike<number>): SameTextCheck {
  let pairs = 0;
  for (let k = 0; k < table.n; k++) if (isSame[k]) pairs++;
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

/** The flags' source and provenance for pairs accepted by the same-text rule. */
export const SAME_TEXT_SOURCE = 'rule';
export const SAME_TEXT_PROVENANCE = 'same text as a caption annotated on the image';

export interface SameTextAcceptance {
  /** Same-text candidates of the latest run flagged valid now. */
  accepted: number;
  /** Same-text candidates left alone: a flag or review already labels them. */
  labelled: number;
  /** Same-text candidates whose twin's annotation is flagged wrong (their caption on the image): left alone. */
  twinRejected: number;
}

/**
 * Flags the latest mining run's same-text candidates as false negatives (valid, unannotated) in
 * one batch, source 'rule': one undo takes them back. A pair that already carries a label keeps
 * it, and a pair whose annotated twin is flagged as a wrong annotation (or reviewed 3–4) is left
 * for a reviewer, since the rule only holds where the annotation does. The classifier does not
 * learn from these flags (classifier.ts): they are a rule, not a judgement.
 */
export function acceptSameText(
  ds: { captions: readonly { text: string; imageIndex: number }[]; images: readonly unknown[] },
  flags: { addFlags(list: { target: { kind: 'pair'; image: number; caption: number }; label: 'false_negative'; note: string; annotated: boolean }[], origin: { source: typeof SAME_TEXT_SOURCE; provenance: string; who: string | null }): unknown[] },
  reviews: Pick<ReviewStore, 'db' | 'candidatePairs'>,
  who: string | null,
): SameTextAcceptance {
  const nI = ds.images.length;
  const cands = reviews.candidatePairs();
  const textId = captionTextIds(ds.captions.map((c) => c.text));
  const annotated = Int32Array.from(ds.captions, (c) => c.imageIndex);
  const isSame = sameTextMask(cands, textId, annotated);
  const width = textKeyWidth(textId);
  const labelled = new Set<number>();
  // Annotated pairs judged wrong: their text on their image is no evidence.
  const rejected = new Set<number>();
  for (const l of readLabels(reviews.db, { kinds: ['flag', 'review'] })) {
    if (l.target !== 'pair' || l.image == null || l.caption == null) continue;
    labelled.add(l.caption * nI + l.image);
    if (verdictOf(l) === 'not_valid' && annotated[l.caption] === l.image) rejected.add(l.image * width + textId[l.caption]);
  }
  const list: Parameters<typeof flags.addFlags>[0] = [];
  let already = 0;
  let twinRejected = 0;
  for (let k = 0; k < cands.n; k++) {
    if (!isSame[k]) continue;
    const c = cands.caption[k];
    const i = cands.image[k];
    if (labelled.has(c * nI + i)) {
      already++;
      continue;
    }
    if (rejected.has(i * width + textId[c])) {
      twinRejected++;
      continue;
    }
    list.push({ target: { kind: 'pair', image: i, caption: c }, label: 'false_negative', note: '', annotated: false });
  }
  if (list.length) flags.addFlags(list, { source: SAME_TEXT_SOURCE, provenance: `${SAME_TEXT_PROVENANCE} (${list.length} pairs)`, who });
  return { accepted: list.length, labelled: already, twinRejected };
}
