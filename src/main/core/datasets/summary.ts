// DatasetSummary from an opened Dataset (counts, splits, embeddings info, problems).
import type { DatasetSummary, SplitCounts } from '../../../shared/dataset.js';
import type { Dataset } from './dataset.js';
import { streamPlan } from '../io/row_sample.js';
import { noTrainSplitLine } from './split_policy.js';

export function summarize(ds: Dataset): DatasetSummary {
  const splits: Record<string, SplitCounts> = {};
  const bucket = (s: string): SplitCounts => (splits[s] ??= { images: 0, captions: 0 });
  const withoutSplit: SplitCounts = { images: 0, captions: 0 };
  let missing = 0;
  for (const im of ds.images) {
    if (im.missing) missing++;
    if (im.split != null) bucket(im.split).images++;
    else withoutSplit.images++;
  }
  for (const c of ds.captions) {
    if (c.split != null) bucket(c.split).captions++;
    else withoutSplit.captions++;
  }
  const e = ds.embeddings;
  const st = ds.streamed;
  const plan = st ? streamPlan(st.image.rows, st.text.rows, st.dims, st.budgetBytes) : null;
  const note = (n: { rows: number; of: number; seed: number; reason: string }) => ({ rows: n.rows, of: n.of, seed: n.seed, reason: n.reason });
  return {
    hash: ds.hash,
    root: ds.root,
    name: ds.name,
    format: ds.format,
    images: ds.images.length,
    captions: ds.captions.length,
    annotatedPairs: ds.captions.length,
    missingImages: missing,
    splits,
    withoutSplit,
    noTrainSplit: noTrainSplitLine(ds),
    hasTruth: ds.truth != null || ds.truthNotRead === true,
    extraPositives: ds.positives.length,
    embeddings: e
      ? { dims: e.dims, dtype: e.dtype, probabilistic: e.imageLogvar != null && e.textLogvar != null, source: e.source }
      : st
        ? { dims: st.dims, dtype: st.dtype, probabilistic: false, source: st.source, onDisk: { bytes: st.bytes, budgetBytes: st.budgetBytes, mapSample: note(plan!.map), knnSample: note(plan!.knn) } }
        : null,
    problems: ds.problems,
  };
}
