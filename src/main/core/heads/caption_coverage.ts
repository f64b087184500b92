// Caption coverage: how many images of a caption's split the dataset's *other* captions already
// describe with every content word of this caption. A caption whose words all occur among the
// captions of many images ("a red circle") is generic; one whose words co-occur on few images
// ("two small red circles left of a blue star") is specific. Read from the annotation's text alone,
// no encoder and no truth, in the spirit of ECCV Caption's and CxC's use of caption–caption
// agreement to find positives; the residual-variance head (residual.ts) blends it into caption Σσ²
// only where it ranks captions the way the space's effective partners do (a dataset whose generic
// captions use words the specific ones never use, like the digits world's "an even digit", gets
// the opposite ranking from its words, and is left out by that check).
//
// Content words: lower-cased runs of letters or digits, minus a short list of English function
// words, minus words on the captions of more than half of the images (filler such as "a picture
// of", which says nothing about which images). An image's words are the union over its captions;
// a caption's own image is judged on its other captions only.
//
// The transpose gives images theirs: how many captions of the split (not the image's own) its
// captions' words cover; an image described by many captions' words fits many captions.
//
// Cost: captions × content words × images / 32 (one bitset per word over the images), plus one step
// per covered (caption, image) pair for the images' counts.

/** English function words that never say which images a caption fits. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'of', 'is', 'are', 'there', 'this', 'that', 'with', 'and', 'in', 'on', 'at', 'to', 'it', 'its']);
/** Words on the captions of more than this share of the images are filler. */
export const COVERAGE_MAX_DOC_SHARE = 0.5;

export function contentTokens(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) if (!FUNCTION_WORDS.has(m[0])) out.add(m[0]);
  return [...out];
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export interface CoverageResult {
  /** Per caption: images of its split (its own judged without it) whose captions hold all its content words. */
  count: Int32Array;
  /**
   * Per image, the transpose: captions of its split, not its own, whose content words its captions
   * all hold (an image described by many captions' words fits many captions).
   */
  imageCount: Int32Array;
  /** Content words kept, and words dropped as filler (on more than half of the images). */
  words: number;
  filler: string[];
}

/**
 * Coverage of every caption within its image's group (`group[image]`: the split role; captions of
 * images in one group are judged against that group's images only, as truth is per split).
 */
export function captionCoverage(texts: readonly string[], captionImage: ArrayLike<number>, group: ArrayLike<number>, nImages: number): CoverageResult {
  const nC = texts.length;
  const tokens = texts.map(contentTokens);
  const vocab = new Map<string, number>();
  const ids = tokens.map((ws) => ws.map((w) => vocab.get(w) ?? (vocab.set(w, vocab.size), vocab.size - 1)));
  const V = vocab.size;
  const W32 = (nImages + 31) >>> 5;
  // Per word, the images on whose captions it occurs.
  const bits = new Uint32Array(V * W32);
  for (let c = 0; c < nC; c++) {
    const i = captionImage[c];
    for (const w of ids[c]) bits[w * W32 + (i >>> 5)] |= 1 << (i & 31);
  }
  const docs = new Int32Array(V);
  for (let w = 0; w < V; w++) {
    let n = 0;
    for (let k = 0; k < W32; k++) n += popcount(bits[w * W32 + k]);
    docs[w] = n;
  }
  const words = [...vocab.keys()];
  const filler = new Set<number>();
  for (let w = 0; w < V; w++) if (docs[w] > COVERAGE_MAX_DOC_SHARE * nImages) filler.add(w);
  // Each group's images as a bitset.
  const groups = new Map<number, Uint32Array>();
  for (let i = 0; i < nImages; i++) {
    const g = group[i];
    if (!groups.has(g)) groups.set(g, new Uint32Array(W32));
    groups.get(g)![i >>> 5] |= 1 << (i & 31);
  }
  const groupSize = new Map([...groups].map(([g, b]) => [g, b.reduce((s, x) => s + popcount(x), 0)] as const));
  const captionsOf: number[][] = Array.from({ length: nImages }, () => []);
  for (let c = 0; c < nC; c++) captionsOf[captionImage[c]].push(c);

  const count = new Int32Array(nC);
  const imageCount = new Int32Array(nImages);
  const acc = new Uint32Array(W32);
  // Every image of each group, for captions of filler only (they fit every image of their split).
  const groupImages = new Map<number, number[]>();
  for (let i = 0; i < nImages; i++) (groupImages.get(group[i]) ?? groupImages.set(group[i], []).get(group[i])!).push(i);
  for (let c = 0; c < nC; c++) {
    const own = captionImage[c];
    const gBits = groups.get(group[own])!;
    const ws = ids[c].filter((w) => !filler.has(w));
    if (!ws.length) {
      count[c] = groupSize.get(group[own])!;
      for (const i of groupImages.get(group[own])!) if (i !== own) imageCount[i]++;
      continue;
    }
    acc.set(gBits);
    for (const w of ws) for (let k = 0; k < W32; k++) acc[k] &= bits[w * W32 + k];
    let n = 0;
    for (let k = 0; k < W32; k++) {
      let x = acc[k];
      n += popcount(x);
      while (x) {
        const b = 31 - Math.clz32(x & -x);
        const i = (k << 5) + b;
        if (i !== own) imageCount[i]++;
        x &= x - 1;
      }
    }
    // The caption's own image, on its other captions only.
    const ownIn = (acc[own >>> 5] >>> (own & 31)) & 1;
    if (ownIn) {
      const others = new Set<number>();
      for (const o of captionsOf[own]) if (o !== c) for (const w of ids[o]) others.add(w);
      if (!ws.every((w) => others.has(w))) n--;
    }
    count[c] = n;
  }
  return { count, imageCount, words: V - filler.size, filler: [...filler].map((w) => words[w]).sort() };
}
