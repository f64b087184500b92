// Numeric values per item that the map can colour by and that only the main process knows
// (truth lives here, not in the renderer's item table). Values that do not apply are NaN.
import type { ItemValueColumn } from '../../../shared/map_tools.js';
import type { Dataset } from './dataset.js';

export function itemValueColumns(ds: Dataset): ItemValueColumn[] {
  const nI = ds.images.length;
  const nC = ds.captions.length;
  const out: ItemValueColumn[] = [];

  const annotated = new Float32Array(nI);
  for (const c of ds.captions) annotated[c.imageIndex]++;
  out.push({ id: 'annotated', name: 'annotated partners', image: annotated, caption: new Float32Array(nC).fill(1) });

  const length = new Float32Array(nC);
  ds.captions.forEach((c, i) => (length[i] = c.text.trim().split(/\s+/).filter(Boolean).length));
  out.push({ id: 'caption_words', name: 'caption length (words)', image: new Float32Array(nI).fill(NaN), caption: length });

  if (ds.truth) {
    // True multiplicity: how many valid partners an item has under the complete truth.
    const capM = new Float32Array(nC);
    const imgM = new Float32Array(nI);
    ds.truth.forEach((valid, c) => {
      capM[c] = valid.length;
      for (const i of valid) if (i < nI) imgM[i]++;
    });
    out.push({ id: 'true_multiplicity', name: 'true multiplicity', image: imgM, caption: capM });
  }
  return out;
}
