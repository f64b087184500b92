// Multi-positive retraining: the pairs a user verified or flagged as false negatives become extra
// positives, so review work changes the model. Works for the baseline alignment head (deterministic
// two-tower), the PCME++ head and the conditional head; the loss is pairwise BCE (labels from the
// extra positives, no softmax competition) or multi-positive InfoNCE (−log Σ_{p∈P} softmax).
// Sources of extra positives: 'flags' (the project's labels, core/labels/label_model.ts: false-
// negative flags, lasso flags, reviews 1–2, imported positives), 'file'
// (positives.jsonl, ECCV labels 1–2 or none), 'truth' (truth.jsonl: every valid pair, i.e. the
// true false negatives; for the sample dataset and experiments), 'auto' = flags ∪ file.
// Pairs whose label says not valid (a wrong_annotation flag, a review 3–4) are dropped from the
// extra positives (never from annotations).
import type { Dataset } from '../datasets/dataset.js';
import type { PairLabel } from '../../../shared/labels.js';
import { pairJudgements } from '../labels/label_model.js';
import { csrFromPairs, csrCount, type Csr } from './csr.js';
import type { HeadConfig, LossKind, NamedWeights } from './config.js';
import { PCME_CONFIG, defaultDims } from './pcme.js';
import type { HeadSpec, TrainParams } from './train.js';

export type ExtraSource = 'auto' | 'flags' | 'file' | 'truth';
export const EXTRA_SOURCES: readonly ExtraSource[] = ['auto', 'flags', 'file', 'truth'];

export interface ExtraPositives {
  /** caption → extra images (annotated pairs not repeated). */
  csr: Csr;
  pairs: number;
  source: ExtraSource;
}

/** Extra positive pairs of a dataset from the chosen source. */
export function extraPositives(ds: Pick<Dataset, 'captions' | 'positives' | 'truth' | 'images'>, source: ExtraSource, labels: readonly PairLabel[] = []): ExtraPositives {
  const pairs: Array<[number, number]> = [];
  const nC = ds.captions.length;
  const nI = ds.images.length;
  // The label model's verdict per pair: the latest label decides (a review after a flag, or after).
  const judged = pairJudgements(labels);
  const wrong = new Set<string>();
  for (const j of judged) if (j.verdict === 'not_valid') wrong.add(`${j.caption}:${j.image}`);
  const push = (cap: number, img: number): void => {
    if (cap >= 0 && cap < nC && img >= 0 && img < nI && ds.captions[cap].imageIndex !== img && !wrong.has(`${cap}:${img}`)) pairs.push([cap, img]);
  };
  if (source === 'truth') {
    if (!ds.truth) throw new Error('--positives truth needs truth.jsonl in the dataset');
    ds.truth.forEach((imgs, cap) => imgs.forEach((img) => push(cap, img)));
  }
  if (source === 'flags' || source === 'auto') {
    for (const j of judged) if (j.verdict === 'valid') push(j.caption, j.image);
  }
  if (source === 'file' || source === 'auto') {
    for (const [img, cap, label] of ds.positives) if (label === 0 || label <= 2) push(cap, img);
  }
  const csr = csrFromPairs(pairs, nC);
  return { csr, pairs: csrCount(csr), source };
}

export interface MultiposOptions {
  /** Which head to retrain (default the baseline alignment head). */
  base?: 'align' | 'pcme' | 'cond';
  loss?: LossKind;
  config?: Partial<HeadConfig>;
  train?: Partial<TrainParams>;
  /** Start from a trained head's configuration and weights (retraining). */
  init?: { config: HeadConfig; weights: NamedWeights[] };
}

/** The spec of a multi-positive (re)training run; the extra positives go in TrainInput.extraPositives. */
export function multiposSpec(inDims: number, o: MultiposOptions = {}): HeadSpec {
  if (o.init) {
    return {
      head: o.init.config.kind,
      positives: 'extra',
      config: { ...o.init.config, ...(o.loss ? { loss: o.loss } : {}), ...o.config },
      train: { epochs: 10, ...o.train },
      init: o.init.weights,
    };
  }
  const base = o.base ?? 'align';
  const config: Partial<HeadConfig> = { dims: defaultDims(inDims), ...(base === 'pcme' ? PCME_CONFIG : {}), ...(base === 'cond' ? { condMode: 'film' as const } : {}), loss: o.loss ?? 'bce', ...o.config };
  return { head: base, positives: 'extra', config, train: { epochs: 20, ...o.train } };
}

/** The baseline alignment head trained one-to-one (the comparison for multi-positive runs). */
export function alignSpec(inDims: number, o: { loss?: LossKind; config?: Partial<HeadConfig>; train?: Partial<TrainParams> } = {}): HeadSpec {
  return { head: 'align', positives: 'annotated', config: { dims: defaultDims(inDims), loss: o.loss ?? 'bce', ...o.config }, train: { epochs: 20, ...o.train } };
}
