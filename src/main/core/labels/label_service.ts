// The label model as the labels and export services use it: batch flags (a lasso selection), the label list, the
// export preview and the export itself.
import type { Dataset } from '../datasets/dataset.js';
import type { ProjectStore, FlagInput } from '../store/project_store.js';
import type { Flag, FlagLabel, FlagTarget } from '../../../shared/flags.js';
import type { ExportPreview } from '../../../shared/labels.js';
import { countLabels, readLabels, type PairLabel } from './label_model.js';
import { exportLabels, type ExportCounts, type ExportProvenance } from '../export/labels_export.js';

/** Checks a target against the dataset; returns whether a pair is annotated (null for items). */
export function checkTarget(ds: Dataset, t: FlagTarget): boolean | null {
  if (t.kind === 'pair') {
    if (t.image >= ds.images.length) throw new Error(`no image with index ${t.image} in ${ds.name} (it has ${ds.images.length})`);
    if (t.caption >= ds.captions.length) throw new Error(`no caption with index ${t.caption} in ${ds.name} (it has ${ds.captions.length})`);
    return ds.captions[t.caption].imageIndex === t.image;
  }
  const n = t.modality === 'image' ? ds.images.length : ds.captions.length;
  if (t.index >= n) throw new Error(`no ${t.modality} with index ${t.index} in ${ds.name} (it has ${n})`);
  return null;
}

export function addFlagBatch(
  ds: Dataset,
  store: ProjectStore,
  req: { targets: FlagTarget[]; label: FlagLabel; note?: string; source?: 'click' | 'lasso'; selection?: string },
): Flag[] {
  // Check every target before writing any: a bad one leaves the store as it was.
  const list: FlagInput[] = req.targets.map((target) => ({ target, label: req.label, note: req.note ?? '', annotated: checkTarget(ds, target) }));
  const source = req.source ?? 'click';
  const provenance = req.selection ?? (source === 'lasso' ? `lasso ${new Date().toISOString()} (${list.length} items)` : null);
  return store.addFlags(list, { source, provenance });
}

export function labelsOf(store: ProjectStore): PairLabel[] {
  return readLabels(store.db);
}

export function exportPreviewOf(store: ProjectStore): ExportPreview {
  return countLabels(readLabels(store.db));
}

/** Exports the project's labels; the store's id makes each label's origin, so a re-import never doubles it. */
export function exportProjectLabels(out: string, ds: Dataset, store: ProjectStore, prov: ExportProvenance): ExportCounts {
  return exportLabels(out, ds, readLabels(store.db), { storeUid: store.uid, ...prov });
}
