// The trainable head shared by the PCME++ head, the conditional head and the baseline alignment
// head: two towers on frozen, L2-normalised features (SCIENCE §2, §5).
//
//   image:  h = f_v W + b (optionally one ReLU hidden layer first); conditional: FiLM γ_c ⊙ h + β_c
//           or CSN sigmoid(M_c) ⊙ h; μ_v = h / ‖h‖.      text: μ_t = normalise(f_t W' + b').
//   probabilistic: log σ² = linear (or one hidden layer) of the same features, plus a per-condition
//           offset on the image side; logit = −a·CSD + b with CSD = ‖μ_v − μ_t‖² + T_v + T_t.
//   deterministic: logit = ⟨μ_v, μ_t⟩ / τ + b₀ (b₀ only for the pairwise loss).
//   loss: pairwise BCE over the B×B batch (×2, as i2t and t2i coincide), with PCME++
//         pseudo-positives (α) and VIB (β); or multi-positive InfoNCE.
// Matrices are stored input-major (in × out) so the forward pass multiplies without transposes.
import { tf } from './tf.js';
import { Rng } from '../sample/rng.js';
import type { Batch, HeadConfig, NamedWeights } from './config.js';
import { inclusionLoss } from './inclusion.js';

/**
 * a·b with a gradient that multiplies by explicitly transposed copies. tfjs's own MatMul gradient
 * multiplies against transposed operands (Aᵀ·dY, dY·Bᵀ), which the wasm backend runs about 10×
 * slower than the same product against a transposed copy (measured: 512×512ᵀ·512×128 60 ms vs
 * 5 ms). With constLeft the left operand is frozen input (features): its gradient is skipped.
 */
function mm(a: tf.Tensor2D, b: tf.Tensor2D, constLeft = false): tf.Tensor2D {
  return (constLeft ? mmConst : mmBoth)(a, b) as tf.Tensor2D;
}

const mmBoth = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
});

const mmConst = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa] = saved as [tf.Tensor2D];
      return [tf.zerosLike(sa), tf.matMul(tf.transpose(sa), dy as tf.Tensor2D)];
    },
  };
});

type V = tf.Variable;

function normalRows(rng: Rng, rows: number, cols: number, sd: number): Float32Array {
  const a = new Float32Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal() * sd;
  return a;
}

/** Row-wise L2 normalisation in place (zero rows stay zero); returns the array. */
export function normalizeRowsInPlace(a: Float32Array, dims: number): Float32Array {
  const n = a.length / dims;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += a[i * dims + d] ** 2;
    if (s > 0) {
      const k = 1 / Math.sqrt(s);
      for (let d = 0; d < dims; d++) a[i * dims + d] *= k;
    }
  }
  return a;
}

export class Head {
  readonly config: HeadConfig;
  readonly vars = new Map<string, V>();

  constructor(config: HeadConfig, weights?: NamedWeights[]) {
    this.config = config;
    const init = this.initialWeights();
    for (const w of init) {
      const given = weights?.find((x) => x.name === w.name);
      if (weights && !given) throw new Error(`head weights: ${w.name} missing`);
      if (given && (given.shape.length !== w.shape.length || given.shape.some((s, i) => s !== w.shape[i]))) {
        throw new Error(`head weights: ${w.name} has shape [${given.shape}], expected [${w.shape}]`);
      }
      const value = tf.tensor(given ? given.data : w.data, w.shape, 'float32');
      this.vars.set(w.name, tf.variable(value, true, `${w.name}_${uid++}`));
      value.dispose(); // the variable holds its own reference to the data
    }
  }

  /** Seeded initial values (JS-side, so they are the same on every backend). */
  private initialWeights(): NamedWeights[] {
    const c = this.config;
    const rng = new Rng(c.seed, 'head-init');
    const out: NamedWeights[] = [];
    const add = (name: string, shape: number[], data: Float32Array): void => void out.push({ name, shape, data });
    const D = c.dims;
    // Mean towers. Linear towers with equal input sizes start from one shared random projection
    // (the identity when in = D), so the head begins where the frozen space is (cosines kept).
    const shared = c.hidden === 0 && c.imageIn === c.textIn ? sharedProjection(rng, c.imageIn, D) : null;
    for (const [tower, din] of [['img', c.imageIn], ['txt', c.textIn]] as const) {
      if (c.hidden > 0) {
        add(`${tower}.w1`, [din, c.hidden], normalRows(rng, din, c.hidden, Math.sqrt(2 / c.hidden)));
        add(`${tower}.b1`, [c.hidden], new Float32Array(c.hidden));
        add(`${tower}.w2`, [c.hidden, D], normalRows(rng, c.hidden, D, 1 / Math.sqrt(D)));
        add(`${tower}.b2`, [D], new Float32Array(D));
      } else {
        add(`${tower}.w1`, [din, D], shared ? shared.slice() : normalRows(rng, din, D, 1 / Math.sqrt(D)));
        add(`${tower}.b1`, [D], new Float32Array(D));
      }
    }
    if (c.probabilistic) {
      const bias = Math.log(c.initT / D);
      for (const [tower, din] of [['img', c.imageIn], ['txt', c.textIn]] as const) {
        if (c.varHidden > 0) {
          add(`${tower}.lv.w1`, [din, c.varHidden], normalRows(rng, din, c.varHidden, Math.sqrt(2 / c.varHidden)));
          add(`${tower}.lv.b1`, [c.varHidden], new Float32Array(c.varHidden));
          add(`${tower}.lv.w2`, [c.varHidden, D], normalRows(rng, c.varHidden, D, 0.01 / Math.sqrt(c.varHidden)));
          add(`${tower}.lv.b2`, [D], new Float32Array(D).fill(bias));
        } else {
          add(`${tower}.lv.w1`, [din, D], normalRows(rng, din, D, 0.01));
          add(`${tower}.lv.b1`, [D], new Float32Array(D).fill(bias));
        }
      }
      if (c.condMode !== 'none') add('cond.lv', [c.conditions.length, D], new Float32Array(c.conditions.length * D));
      add('a', [], Float32Array.of(c.initA));
      add('b', [], Float32Array.of(c.initB));
    } else {
      add('logTau', [], Float32Array.of(c.initLogTau));
      add('b0', [], Float32Array.of(c.initB0));
    }
    const C = c.conditions.length;
    if (c.condMode === 'film') {
      add('cond.gamma', [C, D], new Float32Array(C * D).fill(1));
      add('cond.beta', [C, D], new Float32Array(C * D));
    } else if (c.condMode === 'csn') {
      add('cond.mask', [C, D], new Float32Array(C * D));
    }
    return out;
  }

  v(name: string): V {
    const x = this.vars.get(name);
    if (!x) throw new Error(`head has no variable ${name}`);
    return x;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  /** Variables the optimiser updates. */
  trainable(): V[] {
    return [...this.vars.values()];
  }

  /** The mean towers' weights and biases (not the log-variance heads, conditions or a, b). */
  meanVariables(): V[] {
    return [...this.vars.entries()].filter(([n]) => /^(img|txt)\.[wb]\d$/.test(n)).map(([, v]) => v);
  }

  /** The log-variance heads' weights and biases. */
  varianceVariables(): V[] {
    return [...this.vars.entries()].filter(([n]) => /(^|\.)lv(\.|$)/.test(n)).map(([, v]) => v);
  }

  /** Matrices that get (decoupled) weight decay. */
  decayed(): V[] {
    return [...this.vars.entries()].filter(([n]) => /\.w\d$/.test(n)).map(([, v]) => v);
  }

  private mlp(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    const h = tf.add(mm(x, this.v(`${prefix}.w1`) as tf.Tensor2D, true), this.v(`${prefix}.b1`)) as tf.Tensor2D;
    if (!this.has(`${prefix}.w2`)) return h;
    return tf.add(mm(tf.relu(h), this.v(`${prefix}.w2`) as tf.Tensor2D), this.v(`${prefix}.b2`)) as tf.Tensor2D;
  }

  /** One-hot B × C matrix of condition ids (a matMul picks table rows on every backend). */
  private oneHot(cond: Int32Array | null, rows: number): tf.Tensor2D | null {
    const c = this.config;
    if (c.condMode === 'none' || !cond) return null;
    const C = c.conditions.length;
    const oh = new Float32Array(rows * C);
    for (let i = 0; i < rows; i++) {
      const k = cond[i];
      if (!(k >= 0 && k < C)) throw new RangeError(`condition id ${k} outside 0..${C - 1}`);
      oh[i * C + k] = 1;
    }
    return tf.tensor2d(oh, [rows, C]);
  }

  private static l2(h: tf.Tensor2D): tf.Tensor2D {
    return tf.div(h, tf.sqrt(tf.add(tf.sum(tf.square(h), 1, true), 1e-12))) as tf.Tensor2D;
  }

  imageMean(x: tf.Tensor2D, oh: tf.Tensor2D | null): tf.Tensor2D {
    let h = this.mlp(x, 'img');
    const mode = this.config.condMode;
    if (oh && mode === 'film') h = tf.add(tf.mul(h, mm(oh, this.v('cond.gamma') as tf.Tensor2D, true)), mm(oh, this.v('cond.beta') as tf.Tensor2D, true)) as tf.Tensor2D;
    else if (oh && mode === 'csn') h = tf.mul(h, tf.sigmoid(mm(oh, this.v('cond.mask') as tf.Tensor2D, true))) as tf.Tensor2D;
    return Head.l2(h);
  }

  textMean(x: tf.Tensor2D): tf.Tensor2D {
    return Head.l2(this.mlp(x, 'txt'));
  }

  imageLogvar(x: tf.Tensor2D, oh: tf.Tensor2D | null): tf.Tensor2D | null {
    if (!this.config.probabilistic) return null;
    const lv = this.mlp(x, 'img.lv');
    return oh && this.has('cond.lv') ? (tf.add(lv, mm(oh, this.v('cond.lv') as tf.Tensor2D, true)) as tf.Tensor2D) : lv;
  }

  textLogvar(x: tf.Tensor2D): tf.Tensor2D | null {
    return this.config.probabilistic ? this.mlp(x, 'txt.lv') : null;
  }

  /** B_v × B_t logits. */
  logits(mv: tf.Tensor2D, lvv: tf.Tensor2D | null, mt: tf.Tensor2D, lvt: tf.Tensor2D | null, withBias = true): tf.Tensor2D {
    const dot = mm(mv, tf.transpose(mt));
    if (this.config.probabilistic) {
      const tv = tf.sum(tf.exp(lvv!), 1, true); // B × 1
      const tt = tf.reshape(tf.sum(tf.exp(lvt!), 1), [1, -1]); // 1 × B
      // ‖μ_v − μ_t‖² = 2 − 2⟨μ_v, μ_t⟩ for unit means.
      const dist = tf.add(tf.add(tf.sub(2, tf.mul(2, dot)), tv), tt);
      return tf.add(tf.mul(tf.neg(this.v('a')), dist), this.v('b')) as tf.Tensor2D;
    }
    const s = tf.mul(dot, tf.exp(tf.neg(this.v('logTau'))));
    return (withBias ? tf.add(s, this.v('b0')) : s) as tf.Tensor2D;
  }

  /** The training loss of one batch (a scalar; call inside tf.tidy or optimizer.minimize). */
  loss(batch: Batch): tf.Scalar {
    const c = this.config;
    const B = batch.size;
    const xv = tf.tensor2d(batch.image, [B, c.imageIn]);
    const xt = tf.tensor2d(batch.text, [B, c.textIn]);
    const oh = this.oneHot(batch.cond, B);
    const mv = this.imageMean(xv, oh);
    const mt = this.textMean(xt);
    const lvv = this.imageLogvar(xv, oh);
    const lvt = this.textLogvar(xt);
    const useInfoNce = c.loss === 'infonce';
    const l = this.logits(mv, lvv, mt, lvt, !useInfoNce);
    let total: tf.Scalar;
    if (useInfoNce) {
      total = multiPositiveInfoNce(l, tf.tensor2d(batch.labels, [B, B]));
    } else {
      const eps = c.labelSmoothing;
      const y = new Float32Array(B * B);
      // Soft labels (mixed rows) keep their weight; 0/1 labels become ε / 1 − ε.
      for (let k = 0; k < y.length; k++) y[k] = eps + (1 - 2 * eps) * Math.min(1, Math.max(0, batch.labels[k]));
      total = tf.mul(2, bceWithLogits(l, tf.tensor2d(y, [B, B]))) as tf.Scalar;
      if (c.ppAlpha > 0) {
        // Pseudo-positives (SCIENCE §2.4): pairs whose logit reaches the row's (column's) annotated
        // positive logit become positives. Labels are read back, so no gradient flows into them.
        const lv = l.dataSync();
        const rowT = new Float32Array(B * B);
        const colT = new Float32Array(B * B);
        for (let i = 0; i < B; i++) {
          for (let j = 0; j < B; j++) {
            const k = i * B + j;
            const pos = batch.labels[k] > 0;
            rowT[k] = pos || lv[k] >= lv[i * B + i] ? 1 - eps : eps;
            colT[k] = pos || lv[k] >= lv[j * B + j] ? 1 - eps : eps;
          }
        }
        const pp = tf.add(bceWithLogits(l, tf.tensor2d(rowT, [B, B])), bceWithLogits(l, tf.tensor2d(colT, [B, B])));
        total = tf.add(total, tf.mul(c.ppAlpha, pp)) as tf.Scalar;
      }
    }
    if (c.probabilistic && c.vibBeta > 0) {
      total = tf.add(total, tf.mul(c.vibBeta, tf.add(klToStdNormal(mv, lvv!), klToStdNormal(mt, lvt!)))) as tf.Scalar;
    }
    if (c.probabilistic && c.inclusionImage > 0) {
      // ProLIP: each anchor image inside its annotated caption (rows are annotated pairs).
      total = tf.add(total, tf.mul(c.inclusionImage, inclusionLoss(frozen(mv), lvv!, frozen(mt), lvt!, c.inclusionScale))) as tf.Scalar;
    }
    if (c.probabilistic && c.inclusionText > 0 && batch.general && batch.generalMask) {
      const xg = tf.tensor2d(batch.general, [B, c.textIn]);
      total = tf.add(total, tf.mul(c.inclusionText, inclusionLoss(frozen(mt), lvt!, frozen(this.textMean(xg)), this.textLogvar(xg)!, c.inclusionScale, batch.generalMask))) as tf.Scalar;
    }
    if (c.condMode === 'csn' && c.csnL1 > 0) {
      // Masks are non-negative (sigmoid), so their L1 norm is their sum; per condition.
      total = tf.add(total, tf.mul(c.csnL1 / c.conditions.length, tf.sum(tf.sigmoid(this.v('cond.mask'))))) as tf.Scalar;
    }
    return total;
  }

  /** The loss of a batch without updating anything. */
  evalLoss(batch: Batch): number {
    return tf.tidy(() => this.loss(batch).dataSync()[0]);
  }

  /**
   * Embeds rows of features (row-major n × in) in chunks: means (n × D) and, for probabilistic
   * heads, log σ² (n × D). Images take a condition id (conditional heads; ignored otherwise).
   */
  encode(modality: 'image' | 'text', features: Float32Array, cond: number | null = null, chunk = 2048): { mean: Float32Array; logvar: Float32Array | null } {
    const c = this.config;
    const din = modality === 'image' ? c.imageIn : c.textIn;
    if (features.length % din) throw new RangeError(`encode: ${features.length} values are not rows of ${din}`);
    const n = features.length / din;
    const D = c.dims;
    const mean = new Float32Array(n * D);
    const logvar = c.probabilistic ? new Float32Array(n * D) : null;
    for (let i0 = 0; i0 < n; i0 += chunk) {
      const rows = Math.min(chunk, n - i0);
      tf.tidy(() => {
        const x = tf.tensor2d(features.subarray(i0 * din, (i0 + rows) * din), [rows, din]);
        let oh: tf.Tensor2D | null = null;
        if (modality === 'image' && c.condMode !== 'none' && cond != null) oh = this.oneHot(new Int32Array(rows).fill(cond), rows);
        const m = modality === 'image' ? this.imageMean(x, oh) : this.textMean(x);
        mean.set(m.dataSync(), i0 * D);
        if (logvar) {
          const lv = modality === 'image' ? this.imageLogvar(x, oh)! : this.textLogvar(x)!;
          logvar.set(lv.dataSync(), i0 * D);
        }
      });
    }
    return { mean, logvar };
  }

  /** Scalars a, b of the match probability (probabilistic heads), else null. */
  matchParams(): { a: number; b: number } | null {
    if (!this.config.probabilistic) return null;
    return { a: this.v('a').dataSync()[0], b: this.v('b').dataSync()[0] };
  }

  weights(): NamedWeights[] {
    return [...this.vars.entries()].map(([name, v]) => ({ name, shape: v.shape.slice(), data: Float32Array.from(v.dataSync()) }));
  }

  setWeights(ws: NamedWeights[]): void {
    for (const w of ws) {
      const v = this.vars.get(w.name);
      if (!v) throw new Error(`head has no variable ${w.name}`);
      tf.tidy(() => v.assign(tf.tensor(w.data, v.shape, 'float32')));
    }
  }

  parameterCount(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

let uid = 0;

/** The identity (in = D), else a Gaussian projection scaled so cosines are kept in expectation. */
function sharedProjection(rng: Rng, din: number, D: number): Float32Array {
  if (din === D) {
    const w = new Float32Array(din * D);
    for (let i = 0; i < D; i++) w[i * D + i] = 1;
    return w;
  }
  return normalRows(rng, din, D, 1 / Math.sqrt(D));
}

/**
 * The same values with no gradient flowing back (on the device, no read-back). The inclusion loss
 * shapes variances only; with gradients into the means it pulled them apart and validation mAP@R
 * fell (A/0: 0.38 → 0.30).
 */
const frozen = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x] = args as [tf.Tensor2D];
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)] };
}) as (t: tf.Tensor2D) => tf.Tensor2D;

/** Mean binary cross-entropy with logits: max(l,0) − l·y + log(1 + e^{−|l|}). */
export function bceWithLogits(l: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.mean(tf.add(tf.sub(tf.relu(l), tf.mul(l, y)), tf.log1p(tf.exp(tf.neg(tf.abs(l)))))) as tf.Scalar;
}

/** KL(N(μ, σ²) ‖ N(0, I)) = −½·mean(1 + log σ² − μ² − σ²) over rows × dims (SCIENCE §2.6). */
export function klToStdNormal(mu: tf.Tensor2D, lv: tf.Tensor2D): tf.Scalar {
  return tf.mul(-0.5, tf.mean(tf.sub(tf.sub(tf.add(1, lv), tf.square(mu)), tf.exp(lv)))) as tf.Scalar;
}

/**
 * Multi-positive InfoNCE over both directions: −log Σ_{p∈P} softmax, i.e.
 * ½[mean_i (lse_j ℓ_ij − lse_{j∈P_i} ℓ_ij) + mean_j (lse_i ℓ_ij − lse_{i∈P_j} ℓ_ij)].
 * Every row and column must hold a positive (the anchors' own pairs).
 */
export function multiPositiveInfoNce(l: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {
  const masked = tf.add(l, tf.mul(tf.sub(1, labels), -1e9));
  const rows = tf.sub(tf.logSumExp(l, 1), tf.logSumExp(masked, 1));
  const cols = tf.sub(tf.logSumExp(l, 0), tf.logSumExp(masked, 0));
  return tf.mul(0.5, tf.add(tf.mean(rows), tf.mean(cols))) as tf.Scalar;
}
