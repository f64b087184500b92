// ProLIP's inclusion loss (Chun et al. 2025, "Probabilistic Language-Image Pre-Training"), on a
// frozen encoder: a Gaussian Z₁ is "included" in Z₂ when most of Z₁'s mass sits where Z₂ is dense.
// Per dimension, with variances s₁, s₂ and mean gap d, the measure used here is the exact
// log ∫ p₁(x)² p₂(x) dx = −½ log s₁ − ½ log(s₁ + 2 s₂) − d²/(s₁ + 2 s₂) + const (derived for this
// file; ProLIP weighs the log-variance terms differently), and the loss on a pair that should read
// Z₁ ⊂ Z₂ is softplus(−k · [incl(1 ⊂ 2) − incl(2 ⊂ 1)]), averaged over dimensions and pairs. It
// rises when Z₁ is the wider one, so it pushes the including item's variance up.
//
// Two kinds of pairs, each with its own weight in HeadConfig:
// - image ⊂ its annotated caption (ProLIP's image–text inclusion: a caption describes a set of images);
// - a caption ⊂ a more general caption of the train split, one whose content words are a proper
//   subset of its own ("a red circle" ⊂ "a circle"). ProLIP masks a caption's tokens and asks the
//   masked caption to include the original; on frozen features a masked caption cannot be
//   re-encoded, so the dataset's own captions with fewer of the same words stand in for it.
import { tf } from './tf.js';
import { contentTokens } from '../datasets/caption_words.js';
import { csrFromLists, type Csr } from './csr.js';

/**
 * Per caption, the captions of the same role whose content words (datasets/caption_words.ts
 * contentTokens) are a non-empty proper subset of its own. Only captions with `keep[c]` take part.
 */
export function generalCaptions(texts: readonly string[], keep: (c: number) => boolean): Csr {
  const words = texts.map((t) => contentTokens(t));
  // Posting lists: the kept captions of each word.
  const byWord = new Map<string, number[]>();
  texts.forEach((_, c) => {
    if (!keep(c) || words[c].length === 0) return;
    for (const w of words[c]) {
      if (!byWord.has(w)) byWord.set(w, []);
      byWord.get(w)!.push(c);
    }
  });
  const lists: number[][] = texts.map(() => []);
  texts.forEach((_, c) => {
    if (!keep(c) || words[c].length < 2) return;
    const mine = new Set(words[c]);
    // Candidates share at least one word; keep those whose every word is one of mine, with fewer words.
    const seen = new Set<number>();
    for (const w of mine) {
      for (const g of byWord.get(w) ?? []) {
        if (seen.has(g) || g === c) continue;
        seen.add(g);
        const gw = words[g];
        if (gw.length < mine.size && gw.every((x) => mine.has(x))) lists[c].push(g);
      }
    }
  });
  return csrFromLists(lists, texts.length);
}

/**
 * incl(1 ⊂ 2) − incl(2 ⊂ 1) per row and dimension (B × D), from means and log-variances.
 * Positive where Z₁ sits inside a wider Z₂.
 */
export function inclusionLogit(m1: tf.Tensor2D, lv1: tf.Tensor2D, m2: tf.Tensor2D, lv2: tf.Tensor2D): tf.Tensor2D {
  const s1 = tf.exp(lv1);
  const s2 = tf.exp(lv2);
  const d2 = tf.square(tf.sub(m1, m2));
  const a12 = tf.add(s1, tf.mul(2, s2)); // s₁ + 2 s₂
  const a21 = tf.add(s2, tf.mul(2, s1));
  const in12 = tf.sub(tf.add(tf.mul(-0.5, lv1), tf.mul(-0.5, tf.log(a12))), tf.div(d2, a12));
  const in21 = tf.sub(tf.add(tf.mul(-0.5, lv2), tf.mul(-0.5, tf.log(a21))), tf.div(d2, a21));
  return tf.sub(in12, in21) as tf.Tensor2D;
}

/** mean softplus(−k · logit) over the rows with mask 1 (all rows without a mask) and every dimension. */
export function inclusionLoss(m1: tf.Tensor2D, lv1: tf.Tensor2D, m2: tf.Tensor2D, lv2: tf.Tensor2D, k: number, mask: Float32Array | null = null): tf.Scalar {
  const per = tf.softplus(tf.mul(-k, inclusionLogit(m1, lv1, m2, lv2))); // B × D
  if (!mask) return tf.mean(per) as tf.Scalar;
  let n = 0;
  for (const v of mask) n += v;
  if (n === 0) return tf.scalar(0);
  const rows = tf.mean(per, 1); // B
  return tf.div(tf.sum(tf.mul(rows, tf.tensor1d(mask))), n) as tf.Scalar;
}
