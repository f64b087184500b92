// The rows every label export writes, whatever the format: one row per label in effect (flags,
// review decisions, imported positives; label_model.ts) and one per verified positive pair
// (annotated ∪ the pairs labels say are valid, the set Metrics scores against; verified_labels.ts),
// each with the ids, path and text of its items and the dataset hash, so a file read alone, or
// read back into a project of another version of the dataset, still says which items it means.
import type { Dataset } from '../../datasets/dataset.js';
import type { PairLabel } from '../../labels/label_model.js';
import { pairJudgements } from '../../labels/label_model.js';
import { verifiedFromLabels } from '../../labels/verified_labels.js';

/** Why a pair is a verified positive: the first of these that makes it one. */
export type PositiveOrigin = 'annotated' | 'dataset' | 'review' | 'import' | 'flag';

export interface LabelRow {
  /** 'verified' rows are derived (the verified positives); the others are labels. */
  kind: 'flag' | 'review' | 'import' | 'verified';
  label_key: string;
  /** Where the label was first made: the exporting store's id and the label key; re-imports skip a label they already hold. */
  origin: string | null;
  target: 'pair' | 'item';
  image_index: number | null;
  caption_index: number | null;
  image_id: string | null;
  image_path: string | null;
  caption_id: string | null;
  caption_text: string | null;
  scale: number | null;
  flag: string | null;
  note: string;
  who: string | null;
  created_at: string | null;
  /** Labels: click, review, lasso, import. Verified rows: the PositiveOrigin. */
  source: string;
  provenance: string | null;
  annotated: boolean | null;
  dataset_hash: string;
}

/** The columns, in the order every tabular format writes them. */
export const LABEL_COLUMNS: ReadonlyArray<keyof LabelRow> = [
  'kind',
  'label_key',
  'origin',
  'target',
  'image_index',
  'caption_index',
  'image_id',
  'image_path',
  'caption_id',
  'caption_text',
  'scale',
  'flag',
  'note',
  'who',
  'created_at',
  'source',
  'provenance',
  'annotated',
  'dataset_hash',
];

export const INT_COLUMNS = new Set<keyof LabelRow>(['image_index', 'caption_index', 'scale']);

export interface VerifiedPair {
  image: number;
  caption: number;
  origin: PositiveOrigin;
}

/** Annotated ∪ verified pairs (lenient, invalid items dropped), with why each one is positive. */
export function verifiedPairs(ds: Dataset, labels: readonly PairLabel[]): VerifiedPair[] {
  const nI = ds.images.length;
  const annotated = Int32Array.from(ds.captions, (c) => c.imageIndex);
  const sets = verifiedFromLabels({ nImages: nI, annotated, datasetPositives: ds.positives }, labels);
  const fromDataset = new Set<number>();
  for (const [i, c, label] of ds.positives) if (label === 0 || label === 1 || label === 2) fromDataset.add(c * nI + i);
  const byJudgement = new Map<number, PositiveOrigin>();
  for (const j of pairJudgements(labels)) if (j.verdict === 'valid') byJudgement.set(j.caption * nI + j.image, j.label.kind as PositiveOrigin);
  const out: VerifiedPair[] = [];
  sets.t2i.forEach((imgs, c) => {
    for (const i of imgs) {
      const k = c * nI + i;
      const origin: PositiveOrigin = annotated[c] === i ? 'annotated' : fromDataset.has(k) ? 'dataset' : (byJudgement.get(k) ?? 'review');
      out.push({ image: i, caption: c, origin });
    }
  });
  return out;
}

function annotatedOf(ds: Dataset, l: PairLabel): boolean | null {
  if (l.annotated != null) return l.annotated;
  if (l.target !== 'pair' || l.caption == null || l.image == null) return null;
  const cap = ds.captions[l.caption];
  return cap ? cap.imageIndex === l.image : null;
}

export function labelRows(ds: Dataset, labels: readonly PairLabel[], storeUid: string | null, verified: readonly VerifiedPair[]): LabelRow[] {
  const item = (image: number | null, caption: number | null) => {
    const im = image == null ? undefined : ds.images[image];
    const cap = caption == null ? undefined : ds.captions[caption];
    return { image_id: im?.id ?? null, image_path: im?.path ?? null, caption_id: cap?.id ?? null, caption_text: cap?.text ?? null };
  };
  const rows: LabelRow[] = labels.map((l) => ({
    kind: l.kind,
    label_key: l.key,
    origin: storeUid ? `${storeUid}:${l.key}` : null,
    target: l.target,
    image_index: l.image,
    caption_index: l.caption,
    ...item(l.image, l.caption),
    scale: l.scale,
    flag: l.flag,
    note: l.note,
    who: l.who,
    created_at: l.at,
    source: l.source,
    provenance: l.provenance,
    annotated: annotatedOf(ds, l),
    dataset_hash: ds.hash,
  }));
  for (const p of verified) {
    rows.push({
      kind: 'verified',
      label_key: `verified:${p.caption}:${p.image}`,
      origin: null,
      target: 'pair',
      image_index: p.image,
      caption_index: p.caption,
      ...item(p.image, p.caption),
      scale: null,
      flag: null,
      note: '',
      who: null,
      created_at: null,
      source: p.origin,
      provenance: null,
      annotated: p.origin === 'annotated',
      dataset_hash: ds.hash,
    });
  }
  return rows;
}
