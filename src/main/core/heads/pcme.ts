// The PCME++ head (SCIENCE §2) on frozen features: mean heads (linear projection, L2-normalised)
// and log-variance heads, closed-form sampled distance, match probability sigmoid(−a·d + b) with
// learnable a, b (init 5, 5), pairwise BCE with label smoothing 1e-4, pseudo-positives α = 0.1 and
// the VIB regulariser β = 1e-4. It produces a probabilistic space (μ, log σ²).
// Departures from the paper's recipe, because the backbone is frozen: no MSDA (there are no pixels
// to mix), Adam(W) instead of AdamP, no SWA, no warm-up; D defaults to min(input dims, 128).
import type { HeadConfig } from './model.js';
import type { HeadSpec, TrainParams } from './train.js';

export const PCME_CONFIG: Partial<HeadConfig> = {
  probabilistic: true,
  ppAlpha: 0.1,
  vibBeta: 1e-4,
  labelSmoothing: 1e-4,
  initA: 5,
  initB: 5,
  initT: 0.3,
  varHidden: 64,
  loss: 'bce',
  condMode: 'none',
};

export const PCME_TRAIN: Partial<TrainParams> = { epochs: 20, batchSize: 512, lr: 5e-3, patience: 5 };

export function defaultDims(inDims: number): number {
  return Math.min(inDims, 128);
}

/** The spec of a PCME++ head trained on annotated pairs (one-to-one). */
export function pcmeSpec(inDims: number, over: { config?: Partial<HeadConfig>; train?: Partial<TrainParams> } = {}): HeadSpec {
  return {
    head: 'pcme',
    positives: 'annotated',
    config: { dims: defaultDims(inDims), ...PCME_CONFIG, ...over.config },
    train: { ...PCME_TRAIN, ...over.train },
  };
}
