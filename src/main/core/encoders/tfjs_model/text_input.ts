// Caption → model input for TensorFlow.js text models (the two `textInput` kinds of mlens.json).

/** Words: letters and digits (any script), optionally lower-cased. */
export function words(text: string, lowercase: boolean): string[] {
  const t = lowercase ? text.toLowerCase() : text;
  return t.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

const enc = new TextEncoder();

/** FNV-1a, 32 bit, over the UTF-8 bytes. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of enc.encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * hashed-ngrams: for n = 1..maxN, every run of n consecutive words joined by one space is hashed
 * (FNV-1a 32) into bucket hash % dims and counted; the row is then L2-normalised.
 * Writes `texts.length` rows of `dims` into a new Float32Array.
 */
export function hashedNgrams(texts: string[], dims: number, maxN: number, lowercase: boolean): Float32Array {
  const out = new Float32Array(texts.length * dims);
  texts.forEach((text, r) => {
    const w = words(text, lowercase);
    const o = r * dims;
    for (let n = 1; n <= maxN; n++) {
      for (let i = 0; i + n <= w.length; i++) out[o + (fnv1a(w.slice(i, i + n).join(' ')) % dims)] += 1;
    }
    let s = 0;
    for (let j = 0; j < dims; j++) s += out[o + j] * out[o + j];
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < dims; j++) out[o + j] *= inv;
    }
  });
  return out;
}

export interface TokenIdOptions {
  vocab: string[];
  maxLength: number;
  padId: number;
  unkId: number | null;
  bosId: number | null;
  eosId: number | null;
  lowercase: boolean;
}

/**
 * token-ids: each word looked up in the vocabulary (unknown words → unkId, or dropped when there is
 * none), wrapped in bosId/eosId when given, truncated (keeping eosId) and right-padded with padId
 * to maxLength. Returns texts.length × maxLength int32 ids.
 */
export function tokenIds(texts: string[], o: TokenIdOptions): Int32Array {
  const index = new Map<string, number>();
  o.vocab.forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const out = new Int32Array(texts.length * o.maxLength).fill(o.padId);
  const room = o.maxLength - (o.bosId != null ? 1 : 0) - (o.eosId != null ? 1 : 0);
  texts.forEach((text, r) => {
    const ids: number[] = [];
    for (const w of words(text, o.lowercase)) {
      const id = index.get(w) ?? o.unkId;
      if (id != null) ids.push(id);
    }
    const row = [...(o.bosId != null ? [o.bosId] : []), ...ids.slice(0, Math.max(0, room)), ...(o.eosId != null ? [o.eosId] : [])].slice(0, o.maxLength);
    out.set(row, r * o.maxLength);
  });
  return out;
}
