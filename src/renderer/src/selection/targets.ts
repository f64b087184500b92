// What a selection of map points means as flag targets, and as rows of a CSV file. Pure.
// Map point i is image i for i < nImages, else caption i − nImages (shared/api.ts Projection).

import type { FlagTarget } from '../../../shared/flags';

export type SelectionTargetKind = 'items' | 'pairs';

export interface SelectionCounts {
  images: number;
  captions: number;
  /** Annotated pairs with both the image and the caption selected. */
  pairs: number;
}

/**
 * Flag targets for the selected points: `items` → one item flag per selected image and caption;
 * `pairs` → each annotated (image, caption) pair whose two ends are both selected.
 */
export function selectionTargets(mask: Uint8Array, nImages: number, captionImage: ArrayLike<number>, kind: SelectionTargetKind): FlagTarget[] {
  const out: FlagTarget[] = [];
  if (kind === 'items') {
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) continue;
      out.push(i < nImages ? { kind: 'item', modality: 'image', index: i } : { kind: 'item', modality: 'caption', index: i - nImages });
    }
    return out;
  }
  for (let c = 0; c < captionImage.length; c++) {
    const img = captionImage[c];
    if (mask[nImages + c] && img >= 0 && img < nImages && mask[img]) out.push({ kind: 'pair', image: img, caption: c });
  }
  return out;
}

export function selectionCounts(mask: Uint8Array, nImages: number, captionImage: ArrayLike<number>): SelectionCounts {
  let images = 0;
  let captions = 0;
  let pairs = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    if (i < nImages) images++;
    else {
      captions++;
      const img = captionImage[i - nImages];
      if (img >= 0 && img < nImages && mask[img]) pairs++;
    }
  }
  return { images, captions, pairs };
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CsvItems {
  images: ReadonlyArray<{ id: string; path: string }>;
  captions: ReadonlyArray<{ id: string; text: string; imageIndex: number }>;
}

/** CSV of the selected points: kind, index within its kind, dataset id, image path or caption text, map x, y. */
export function selectionCsv(mask: Uint8Array, nImages: number, items: CsvItems, xy: Float32Array): string {
  const lines = ['kind,index,id,image_path,caption_text,image_index,x,y'];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    if (i < nImages) {
      const im = items.images[i];
      lines.push(['image', i, csvCell(im?.id ?? ''), csvCell(im?.path ?? ''), '', i, x, y].join(','));
    } else {
      const c = i - nImages;
      const cap = items.captions[c];
      lines.push(['caption', c, csvCell(cap?.id ?? ''), '', csvCell(cap?.text ?? ''), cap?.imageIndex ?? '', x, y].join(','));
    }
  }
  return lines.join('\n') + '\n';
}
