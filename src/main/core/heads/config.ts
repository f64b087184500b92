// A head as plain data (no tf): HeadConfig with its defaults and check, Batch and NamedWeights.
export type HeadKind = 'pcme' | 'cond' | 'align';
export type CondMode = 'film' | 'csn' | 'none';
export type LossKind = 'bce' | 'infonce';

export interface HeadConfig {
  kind: HeadKind;
  imageIn: number;
  textIn: number;
  /** Output dimensions D. */
  dims: number;
  /** Hidden ReLU units of the mean towers; 0 = linear (as PCME++'s projection). */
  hidden: number;
  probabilistic: boolean;
  /** Hidden ReLU units of the log-variance heads; 0 = linear. */
  varHidden: number;
  /** Condition names (conditional head); index = condition id. */
  conditions: string[];
  condMode: CondMode;
  loss: LossKind;
  /** Pseudo-positive weight α (SCIENCE §2.4); 0 = off. */
  ppAlpha: number;
  /** VIB weight β (§2.6). */
  vibBeta: number;
  /** Label smoothing ε of the BCE targets (§2.3). */
  labelSmoothing: number;
  /** L1 weight on the CSN masks (§5). */
  csnL1: number;
  /** ProLIP inclusion loss (heads/inclusion.ts): weight of image ⊂ its annotated caption; 0 = off. */
  inclusionImage: number;
  /** Weight of caption ⊂ a more general train caption (its content words a proper subset); 0 = off. */
  inclusionText: number;
  /** Sharpness k of the inclusion loss softplus(−k · logit). */
  inclusionScale: number;
  /** Initial total variance T of every item (log σ² bias = ln(T/D)). */
  initT: number;
  initA: number;
  initB: number;
  initLogTau: number;
  initB0: number;
  seed: number;
}

export const DEFAULT_HEAD: Omit<HeadConfig, 'kind' | 'imageIn' | 'textIn'> = {
  dims: 64,
  hidden: 0,
  probabilistic: false,
  varHidden: 0,
  conditions: [],
  condMode: 'none',
  loss: 'bce',
  ppAlpha: 0,
  vibBeta: 0,
  labelSmoothing: 1e-4,
  csnL1: 1e-4,
  inclusionImage: 0,
  inclusionText: 0,
  inclusionScale: 1,
  initT: 0.3,
  initA: 5,
  initB: 5,
  initLogTau: Math.log(0.1),
  initB0: -5,
  seed: 0,
};

export function headConfig(c: Partial<HeadConfig> & Pick<HeadConfig, 'kind' | 'imageIn' | 'textIn'>): HeadConfig {
  const cfg: HeadConfig = { ...DEFAULT_HEAD, ...c };
  for (const k of ['imageIn', 'textIn', 'dims'] as const) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) throw new RangeError(`head config: ${k} must be a positive integer (got ${cfg[k]})`);
  }
  if (cfg.condMode !== 'none' && cfg.conditions.length === 0) throw new RangeError(`head config: condMode ${cfg.condMode} needs conditions`);
  return cfg;
}

/** One training batch: rows of the B anchors, their condition ids and the B×B label matrix. */
export interface Batch {
  /** B × imageIn, row-major. */
  image: Float32Array;
  /** B × textIn. */
  text: Float32Array;
  /** Condition id per image row (conditional head), else null. */
  cond: Int32Array | null;
  /** B × B targets: labels[i·B + j] = 1 when caption j is valid for image i (under cond[i]). */
  labels: Float32Array;
  size: number;
  /** Inclusion loss: per caption row, the features of one more general caption (B × textIn), and 1 where there is one. */
  general?: Float32Array;
  generalMask?: Float32Array;
}

export interface NamedWeights {
  name: string;
  shape: number[];
  data: Float32Array;
}
