// Closed-form sampled distance (SCIENCE §2.2) and match probability (§2.3) in plain JS, for the
// detail panel, the glyphs and the CLI; no tensors. Log-variances come as log σ² per dimension
// (n × dims) or one value per item (n: the same log σ² on every dimension), as the dataset reader
// and SpaceStore give them (`*_std.npy` is already turned into 2·ln σ there).
import type { PairCsdView } from '../../../shared/views/heads.js';

/** Initial a (negative_scale) and b (shift) of PCME++ (SCIENCE §2.3). */
export const DEFAULT_A = 5;
export const DEFAULT_B = 5;

function checkLogvar(logvar: Float32Array, n: number, dims: number, what: string): 'full' | 'scalar' {
  if (logvar.length === n * dims) return 'full';
  if (logvar.length === n) return 'scalar';
  throw new RangeError(`${what}: ${logvar.length} values, expected ${n} × ${dims} or ${n}`);
}

/** T_i = Σ_d σ²_{i,d} = Σ_d exp(logσ²_{i,d}) per item; zeros when logvar is null (a deterministic space). */
export function totalVariance(logvar: Float32Array | null | undefined, n: number, dims: number): Float32Array {
  const t = new Float32Array(n);
  if (!logvar) return t;
  const kind = checkLogvar(logvar, n, dims, 'logvar');
  for (let i = 0; i < n; i++) {
    if (kind === 'scalar') {
      t[i] = dims * Math.exp(logvar[i]);
      continue;
    }
    let s = 0;
    const o = i * dims;
    for (let d = 0; d < dims; d++) s += Math.exp(logvar[o + d]);
    t[i] = s;
  }
  return t;
}

/** σ² per dimension of item i (length dims), from either logvar layout; zeros for null. */
export function varianceRow(logvar: Float32Array | null | undefined, n: number, dims: number, i: number): Float64Array {
  const v = new Float64Array(dims);
  if (!logvar) return v;
  if (checkLogvar(logvar, n, dims, 'logvar') === 'scalar') v.fill(Math.exp(logvar[i]));
  else for (let d = 0; d < dims; d++) v[d] = Math.exp(logvar[i * dims + d]);
  return v;
}

/**
 * d_CSD = ‖μ_a − μ_b‖² + Σσ_a² + Σσ_b² for two Gaussians given as vectors (no factor 2; SCIENCE
 * §2.2). logvar arguments may be null (a point), a vector of length dims, or a single value.
 */
export function csd(muA: ArrayLike<number>, logvarA: ArrayLike<number> | null, muB: ArrayLike<number>, logvarB: ArrayLike<number> | null): number {
  const dims = muA.length;
  if (muB.length !== dims) throw new RangeError(`csd: means of ${dims} and ${muB.length} dims`);
  let d2 = 0;
  for (let d = 0; d < dims; d++) d2 += (muA[d] - muB[d]) ** 2;
  return d2 + traceOf(logvarA, dims) + traceOf(logvarB, dims);
}

function traceOf(lv: ArrayLike<number> | null, dims: number): number {
  if (!lv) return 0;
  if (lv.length === 1) return dims * Math.exp(lv[0]);
  if (lv.length !== dims) throw new RangeError(`csd: log-variance of ${lv.length} values for ${dims} dims`);
  let s = 0;
  for (let d = 0; d < dims; d++) s += Math.exp(lv[d]);
  return s;
}

/** p(match) = sigmoid(−a·d + b) (SCIENCE §2.3), computed without overflow. */
export function matchProbability(d: number, a = DEFAULT_A, b = DEFAULT_B): number {
  const z = -a * d + b;
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export interface SpaceLike {
  dims: number;
  image: Float32Array;
  text: Float32Array;
  imageLogvar: Float32Array | null;
  textLogvar: Float32Array | null;
}

/** The shared contract's pair CSD without the match parameters (the caller knows a, b; defaults 5, 5). */
export type PairCsd = Omit<PairCsdView, 'a' | 'b'>;

/** The exact D-dimensional CSD and match probability of one image–caption pair (detail panel). */
export function pairCsd(space: SpaceLike, image: number, caption: number, ab: { a: number; b: number } = { a: DEFAULT_A, b: DEFAULT_B }): PairCsd {
  const { dims } = space;
  const nI = space.image.length / dims;
  const nT = space.text.length / dims;
  if (!(image >= 0 && image < nI)) throw new RangeError(`no image ${image}`);
  if (!(caption >= 0 && caption < nT)) throw new RangeError(`no caption ${caption}`);
  let d2 = 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < dims; d++) {
    const x = space.image[image * dims + d];
    const y = space.text[caption * dims + d];
    d2 += (x - y) ** 2;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  const imageTrace = sumVar(space.imageLogvar, nI, dims, image);
  const textTrace = sumVar(space.textLogvar, nT, dims, caption);
  const c = d2 + imageTrace + textTrace;
  return {
    meanDistance2: d2,
    imageTrace,
    textTrace,
    csd: c,
    probability: matchProbability(c, ab.a, ab.b),
    cosine: na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0,
  };
}

function sumVar(lv: Float32Array | null, n: number, dims: number, i: number): number {
  if (!lv) return 0;
  const v = varianceRow(lv, n, dims, i);
  let s = 0;
  for (let d = 0; d < dims; d++) s += v[d];
  return s;
}

/** Per-modality summaries of total variance for histograms, colouring and sorting. */
export function uncertaintySummary(space: SpaceLike): { image: Float32Array; text: Float32Array } {
  const nI = space.image.length / space.dims;
  const nT = space.text.length / space.dims;
  return { image: totalVariance(space.imageLogvar, nI, space.dims), text: totalVariance(space.textLogvar, nT, space.dims) };
}
