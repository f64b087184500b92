// Resolving references from truth.jsonl / positives.jsonl to item indices.
import type { DatasetImage } from './dataset.js';
import { PathEscapeError, normalizeRel } from './paths.js';

export interface Refs {
  nImages: number;
  nCaptions: number;
  /** Number of caption records in the source (≥ nCaptions when some were skipped). */
  recordCount: number;
  /** caption_index (a record ordinal) → caption index, or an error message. */
  caption(ordinal: number): number | string;
  /** image index or dataset-relative path → image index, or an error message. */
  image(ref: number | string): number | string;
}

export function makeRefs(images: DatasetImage[], nCaptions: number, captionRecord: number[], recordCount: number, captionSource: string): Refs {
  const recordToCaption = new Int32Array(recordCount).fill(-1);
  captionRecord.forEach((r, c) => (recordToCaption[r] = c));
  let byPath: Map<string, number> | null = null;
  return {
    nImages: images.length,
    nCaptions,
    recordCount,
    caption(ordinal) {
      if (!Number.isInteger(ordinal)) return `caption_index ${ordinal} is not a whole number`;
      if (ordinal < 0 || ordinal >= recordCount) {
        const what = recordCount === nCaptions ? 'caption' : 'caption record';
        return `caption_index ${ordinal} is out of range (${captionSource} has ${recordCount} ${what}${recordCount === 1 ? '' : 's'}, indices 0..${recordCount - 1})`;
      }
      const c = recordToCaption[ordinal];
      return c >= 0 ? c : `caption_index ${ordinal} refers to a caption record that was skipped (see the problems for ${captionSource})`;
    },
    image(ref) {
      if (typeof ref === 'number') {
        if (!Number.isInteger(ref)) return `image index ${ref} is not a whole number`;
        if (ref < 0 || ref >= images.length) {
          return `image index ${ref} is out of range (the dataset has ${images.length} image${images.length === 1 ? '' : 's'}, indices 0..${images.length - 1})`;
        }
        return ref;
      }
      if (!byPath) byPath = new Map(images.map((im, i) => [im.path, i]));
      let rel: string;
      try {
        rel = normalizeRel(ref);
      } catch (err) {
        if (err instanceof PathEscapeError) return `image ${err.message}`;
        throw err;
      }
      const i = byPath.get(rel);
      return i ?? `image ${JSON.stringify(ref)} is not an image of this dataset`;
    },
  };
}
