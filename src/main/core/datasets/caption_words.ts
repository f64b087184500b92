// A caption's content words, the one reading of a caption's text that coverage (heads/
// caption_coverage.ts) and mining's word agreement (mining/candidates.ts) share: lower-cased runs
// of letters or digits, minus a short list of English function words; words on the captions of
// more than half of the images are filler (they say nothing about which images a caption fits).

/** English function words that never say which images a caption fits. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'of', 'is', 'are', 'there', 'this', 'that', 'with', 'and', 'in', 'on', 'at', 'to', 'it', 'its']);
/** Words on the captions of more than this share of the images are filler. */
export const COVERAGE_MAX_DOC_SHARE = 0.5;

export function contentTokens(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) if (!FUNCTION_WORDS.has(m[0])) out.add(m[0]);
  return [...out];
}

export interface ContentWordTable {
  /** Per caption, the ids of its content words (filler included; `filler` says which). */
  ids: number[][];
  /** Per word id, the images on whose captions it occurs (ascending, distinct), and their count. */
  lists: number[][];
  docs: Int32Array;
  /** The word of each id. */
  words: string[];
  /** Word ids on the captions of more than COVERAGE_MAX_DOC_SHARE of the images. */
  filler: Set<number>;
}

/** The dataset's content words: ids per caption, posting lists per word, the filler words. */
export function contentWordTable(texts: readonly string[], captionImage: ArrayLike<number>, nImages: number): ContentWordTable {
  const vocab = new Map<string, number>();
  const ids = texts.map((t) => contentTokens(t).map((w) => vocab.get(w) ?? (vocab.set(w, vocab.size), vocab.size - 1)));
  const V = vocab.size;
  const lists: number[][] = Array.from({ length: V }, () => []);
  const order = Int32Array.from({ length: texts.length }, (_, c) => c).sort((a, b) => captionImage[a] - captionImage[b]);
  for (const c of order) {
    const i = captionImage[c];
    for (const w of ids[c]) {
      const l = lists[w];
      if (l[l.length - 1] !== i) l.push(i);
    }
  }
  const docs = Int32Array.from(lists, (l) => l.length);
  const filler = new Set<number>();
  for (let w = 0; w < V; w++) if (docs[w] > COVERAGE_MAX_DOC_SHARE * nImages) filler.add(w);
  return { ids, lists, docs, words: [...vocab.keys()], filler };
}

/**
 * Per caption, its content words without filler, flattened (caption c's are ids[offsets[c] ..
 * offsets[c + 1]]): the words mining's word agreement reads (mining/candidates.ts).
 */
export function captionWordIds(texts: readonly string[], captionImage: ArrayLike<number>, nImages: number): { offsets: Int32Array; ids: Int32Array } {
  const t = contentWordTable(texts, captionImage, nImages);
  const offsets = new Int32Array(texts.length + 1);
  const flat: number[] = [];
  t.ids.forEach((ws, c) => {
    for (const w of ws) if (!t.filler.has(w)) flat.push(w);
    offsets[c + 1] = flat.length;
  });
  return { offsets, ids: Int32Array.from(flat) };
}
