// Text features of the built-in encoder: hashed word unigrams and bigrams plus character 3-grams of
// each word (with boundary marks, so 'disc' and 'discs' share most of them), weighted by
// sublinear term frequency × inverse document frequency over the dataset's captions, per-kind
// weights, L2-normalised. Stored sparse (CSR): a caption has a few dozen non-zeros out of `buckets`.

export interface TextFeatureParams {
  /** Hash buckets (feature dims). */
  buckets: number;
  /** Weights of the three kinds of terms. */
  unigram: number;
  bigram: number;
  char: number;
}

export const DEFAULT_TEXT_FEATURES: TextFeatureParams = { buckets: 2048, unigram: 1, bigram: 0.7, char: 0.35 };

export const TEXT_FEATURES_VERSION = 1;

/** Sparse rows: row r holds indices[offsets[r] .. offsets[r+1]) with values. */
export interface SparseRows {
  rows: number;
  cols: number;
  offsets: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Lower-case word tokens (letters and digits, Unicode-aware). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** FNV-1a 32-bit hash of a string (UTF-16 code units). */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Terms of a caption: [bucket, kind weight] pairs, repeated terms repeated. */
function terms(text: string, p: TextFeatureParams): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const words = tokenize(text);
  const add = (term: string, w: number): void => {
    if (w > 0) out.push([fnv1a(term) % p.buckets, w]);
  };
  for (let i = 0; i < words.length; i++) {
    add(`w:${words[i]}`, p.unigram);
    if (i > 0) add(`b:${words[i - 1]} ${words[i]}`, p.bigram);
    const padded = `<${words[i]}>`;
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, p.char);
  }
  return out;
}

/** The fitted part of the text features: document frequencies over the dataset's captions. */
export interface TextVocabulary {
  params: TextFeatureParams;
  documents: number;
  idf: Float32Array;
}

export function fitTextFeatures(texts: readonly string[], p: TextFeatureParams = DEFAULT_TEXT_FEATURES): TextVocabulary {
  const df = new Uint32Array(p.buckets);
  const seen = new Int32Array(p.buckets).fill(-1);
  texts.forEach((t, d) => {
    for (const [b] of terms(t, p)) {
      if (seen[b] !== d) {
        seen[b] = d;
        df[b]++;
      }
    }
  });
  const n = texts.length;
  const idf = Float32Array.from(df, (x) => Math.log((n + 1) / (x + 1)) + 1);
  return { params: p, documents: n, idf };
}

/** tf-idf rows for the texts (L2-normalised; an empty caption gives an all-zero row). */
export function textFeatures(texts: readonly string[], vocab: TextVocabulary): SparseRows {
  const p = vocab.params;
  const offsets = new Int32Array(texts.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  const acc = new Map<number, number>();
  texts.forEach((t, r) => {
    acc.clear();
    for (const [b, w] of terms(t, p)) acc.set(b, (acc.get(b) ?? 0) + w);
    const keys = [...acc.keys()].sort((a, b) => a - b);
    let norm = 0;
    const vs = keys.map((b) => {
      const a = acc.get(b)!; // summed kind weights of the term's occurrences
      const v = (a <= 1 ? a : 1 + Math.log(a)) * vocab.idf[b];
      norm += v * v;
      return v;
    });
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    keys.forEach((b, j) => {
      idx.push(b);
      val.push(vs[j] * inv);
    });
    offsets[r + 1] = idx.length;
  });
  return { rows: texts.length, cols: p.buckets, offsets, indices: Int32Array.from(idx), values: Float32Array.from(val) };
}

/** Dense copy of rows[r0 … r0+n) (n × cols), for one batch. */
export function densify(s: SparseRows, rows: ArrayLike<number>, out?: Float32Array): Float32Array {
  const d = out ?? new Float32Array(rows.length * s.cols);
  d.fill(0, 0, rows.length * s.cols);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (let j = s.offsets[r]; j < s.offsets[r + 1]; j++) d[i * s.cols + s.indices[j]] += s.values[j];
  }
  return d;
}
