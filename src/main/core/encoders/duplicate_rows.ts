// Identical inputs get one embedding, bit for bit (SCIENCE.md, metric conventions, "Ties"): captions
// with the same string and images with the same bytes. An encoder's arithmetic can give copies rows
// that differ by ~1e-7 (batching, accumulation order), and then no tie is ever seen, so the
// `expected` tie mode never applies to the duplicates it exists for. Each copy takes the row of the
// first occurrence. Applied to the spaces the app computes; embeddings a user brings are kept as given.
import type { Dataset } from '../datasets/dataset.js';

export interface SharedRows {
  /** Captions that took an earlier caption's row. */
  captions: number;
  /** Images that took an earlier image's row. */
  images: number;
}

/** For each item, the index of the first item with the same key (itself when first or keyless). */
export function firstOccurrence(keys: ReadonlyArray<string | null | undefined>): Int32Array {
  const first = new Map<string, number>();
  const out = new Int32Array(keys.length);
  keys.forEach((k, i) => {
    if (k == null) {
      out[i] = i;
      return;
    }
    const f = first.get(k);
    if (f === undefined) first.set(k, i);
    out[i] = f ?? i;
  });
  return out;
}

function copyRows(rep: Int32Array, dims: number, ...mats: Array<Float32Array | null | undefined>): number {
  let n = 0;
  for (let i = 0; i < rep.length; i++) {
    const r = rep[i];
    if (r === i) continue;
    n++;
    for (const m of mats) if (m) m.copyWithin(i * dims, r * dims, (r + 1) * dims);
  }
  return n;
}

export function shareDuplicateRows(
  ds: Dataset,
  imageHashes: ReadonlyArray<string | null> | undefined,
  dims: number,
  out: { image: Float32Array; text: Float32Array; imageLogvar?: Float32Array | null; textLogvar?: Float32Array | null },
): SharedRows {
  const captions = copyRows(firstOccurrence(ds.captions.map((c) => c.text)), dims, out.text, out.textLogvar);
  const images = imageHashes ? copyRows(firstOccurrence(imageHashes), dims, out.image, out.imageLogvar) : 0;
  return { captions, images };
}
