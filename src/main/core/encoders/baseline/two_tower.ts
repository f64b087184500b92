// The two-tower head of the built-in encoder: image features → MLP (one hidden ReLU layer) → D,
// text features → linear → D, both L2-normalised, trained contrastively on the annotated pairs with
// a symmetric InfoNCE loss and a learnable temperature (CLIP's recipe at toy scale), on whichever
// tfjs backend is active. Initialisation and batch order come from a seeded PRNG, so a run is
// deterministic for a given backend.
//
// Layouts: weights are stored in×out so forward passes are plain A·B; the similarity matrix and
// every gradient go through tensor/linalg.ts, which avoids the transposed matMul kernels that are
// ~12× slower on wasm (see tensor/CONTEXT.md).
import { tf } from '../../tensor/backend.js';
import { mm, mmInput, mmSparseColumns, mmT } from '../../tensor/linalg.js';
import type { SparseRows } from './text_features.js';

export interface TwoTowerParams {
  /** Output dims D. */
  dims: number;
  /** Hidden units of the image tower. */
  hidden: number;
  /** Optimisation steps at least (whole epochs over the annotated pairs are run). */
  steps: number;
  /** At least this many epochs (large datasets pass `steps` within one). */
  minEpochs: number;
  /** At most this many epochs (small datasets need many to reach `steps`). */
  maxEpochs: number;
  batch: number;
  lr: number;
  weightDecay: number;
  /** Initial temperature τ (logit scale 1/τ is learnt, capped at 100). */
  temperature: number;
  seed: number;
  /** Training only: each caption feature (a hashed n-gram) is dropped with this probability per step. */
  textDropout: number;
}

export const DEFAULT_TWO_TOWER: TwoTowerParams = {
  dims: 64,
  hidden: 256,
  steps: 300,
  minEpochs: 2,
  maxEpochs: 100,
  batch: 256,
  lr: 3e-3,
  weightDecay: 1e-4,
  temperature: 0.07,
  seed: 0,
  textDropout: 0,
};

/** Training examples: caption rows and the image row each is annotated with. */
export interface TrainingSet {
  /** nImages × imageDims, already standardised. */
  image: Float32Array;
  imageDims: number;
  text: SparseRows;
  captions: Int32Array;
  images: Int32Array;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  temperature: number;
  seconds: number;
}

/** Deterministic PRNG (mulberry32) with Gaussian draws. */
export class SeededRandom {
  private a: number;
  constructor(seed: number) {
    this.a = (seed ^ 0x9e3779b9) >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

function glorot(rng: SeededRandom, fanIn: number, fanOut: number): Float32Array {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  const w = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * a;
  return w;
}

const MAX_LOG_SCALE = Math.log(100);

export class TwoTower {
  readonly p: TwoTowerParams;
  private readonly w1: tf.Variable;
  private readonly b1: tf.Variable;
  private readonly w2: tf.Variable;
  private readonly b2: tf.Variable;
  private readonly wt: tf.Variable;
  private readonly logScale: tf.Variable;

  constructor(
    readonly imageDims: number,
    readonly textDims: number,
    params: Partial<TwoTowerParams> = {},
  ) {
    this.p = { ...DEFAULT_TWO_TOWER, ...params };
    const { hidden, dims } = this.p;
    const rng = new SeededRandom(this.p.seed);
    this.w1 = tf.variable(tf.tensor2d(glorot(rng, imageDims, hidden), [imageDims, hidden]));
    this.b1 = tf.variable(tf.zeros([hidden]));
    this.w2 = tf.variable(tf.tensor2d(glorot(rng, hidden, dims), [hidden, dims]));
    this.b2 = tf.variable(tf.zeros([dims]));
    this.wt = tf.variable(tf.tensor2d(glorot(rng, textDims, dims), [textDims, dims]));
    this.logScale = tf.variable(tf.scalar(Math.log(1 / this.p.temperature)));
  }

  private imageTower(x: tf.Tensor2D): tf.Tensor2D {
    const h = tf.relu(tf.add(mmInput(x, this.w1 as tf.Tensor2D), this.b1)) as tf.Tensor2D;
    return l2(tf.add(mm(h, this.w2 as tf.Tensor2D), this.b2) as tf.Tensor2D);
  }

  private textTower(x: CompactBatch): tf.Tensor2D {
    return l2(mmSparseColumns(tf.tensor2d(x.x, [x.rows, x.cols.length]), tf.tensor2d(x.cols, [x.cols.length, 1], 'int32'), this.wt as tf.Tensor2D));
  }

  /** Epochs that `train` will run for this many pairs. */
  epochsFor(pairs: number): number {
    const perEpoch = Math.max(1, Math.ceil(pairs / this.p.batch));
    return Math.max(1, Math.min(this.p.maxEpochs, Math.max(this.p.minEpochs, Math.ceil(this.p.steps / perEpoch))));
  }

  async train(data: TrainingSet, hooks: { onEpoch?: (r: EpochReport) => void; signal?: AbortSignal } = {}): Promise<EpochReport[]> {
    const { batch, lr, weightDecay } = this.p;
    const n = data.captions.length;
    if (n < 2) throw new Error(`the two-tower head needs at least 2 annotated pairs with a readable image (found ${n})`);
    const epochs = this.epochsFor(n);
    const rng = new SeededRandom(this.p.seed + 1);
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const opt = tf.train.adam(lr);
    const vars = [this.w1, this.b1, this.w2, this.b2, this.wt, this.logScale];
    const Fi = data.imageDims;
    const xiBuf = new Float32Array(batch * Fi);
    const reports: EpochReport[] = [];
    try {
      for (let e = 0; e < epochs; e++) {
        const t0 = performance.now();
        rng.shuffle(order);
        let lossSum = 0;
        let batches = 0;
        for (let s = 0; s < n; s += batch) {
          const m = Math.min(batch, n - s);
          if (m < 2) continue;
          const caps = order.subarray(s, s + m);
          const imgs = new Int32Array(m);
          for (let i = 0; i < m; i++) {
            const pair = caps[i];
            imgs[i] = data.images[pair];
            xiBuf.set(data.image.subarray(imgs[i] * Fi, (imgs[i] + 1) * Fi), i * Fi);
          }
          const textRows = Array.from(caps, (c) => data.captions[c]);
          // Soft targets: a caption's positives are the batch entries showing its annotated image.
          const target = new Float32Array(m * m);
          for (let a = 0; a < m; a++) {
            let k = 0;
            for (let b = 0; b < m; b++) if (imgs[a] === imgs[b]) k++;
            for (let b = 0; b < m; b++) if (imgs[a] === imgs[b]) target[a * m + b] = 1 / k;
          }
          const loss = tf.tidy(() => {
            const xi = tf.tensor2d(xiBuf.subarray(0, m * Fi), [m, Fi]);
            const xt = compactBatch(data.text, textRows, this.p.textDropout > 0 ? { p: this.p.textDropout, rng } : undefined);
            const T = tf.tensor2d(target, [m, m]);
            return opt.minimize(
              () => {
                const zi = this.imageTower(xi);
                const zt = this.textTower(xt);
                const logits = tf.mul(mmT(zi, zt), tf.exp(this.logScale));
                const i2t = tf.neg(tf.mean(tf.sum(tf.mul(T, tf.logSoftmax(logits)), 1)));
                const t2i = tf.neg(tf.mean(tf.sum(tf.mul(T, tf.logSoftmax(tf.transpose(logits))), 1)));
                const decay = tf.mul(weightDecay, tf.addN([tf.sum(tf.square(this.w1)), tf.sum(tf.square(this.w2)), tf.sum(tf.square(this.wt))]));
                return tf.add(tf.mul(0.5, tf.add(i2t, t2i)), decay) as tf.Scalar;
              },
              true,
              vars,
            )!;
          });
          lossSum += (await loss.data())[0];
          loss.dispose();
          batches++;
          tf.tidy(() => this.logScale.assign(tf.clipByValue(this.logScale, 0, MAX_LOG_SCALE)));
        }
        const report = { epoch: e + 1, epochs, loss: lossSum / Math.max(1, batches), temperature: Math.exp(-(await this.logScale.data())[0]), seconds: (performance.now() - t0) / 1000 };
        reports.push(report);
        hooks.onEpoch?.(report);
        await new Promise((r) => setImmediate(r));
        hooks.signal?.throwIfAborted();
      }
    } finally {
      opt.dispose();
    }
    return reports;
  }

  /** Image embeddings (n × D, unit rows) of standardised features (n × imageDims). */
  async embedImages(x: Float32Array, n: number, chunk = 1024, onRows?: (done: number) => void): Promise<Float32Array> {
    const D = this.p.dims;
    const out = new Float32Array(n * D);
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const z = tf.tidy(() => this.imageTower(tf.tensor2d(x.subarray(s * this.imageDims, (s + m) * this.imageDims), [m, this.imageDims])));
      out.set(await z.data(), s * D);
      z.dispose();
      onRows?.(s + m);
    }
    return out;
  }

  /** Text embeddings (rows × D, unit rows). */
  async embedTexts(text: SparseRows, chunk = 1024, onRows?: (done: number) => void): Promise<Float32Array> {
    const D = this.p.dims;
    const n = text.rows;
    const out = new Float32Array(n * D);
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const z = tf.tidy(() => this.textTower(compactBatch(text, Array.from({ length: m }, (_, i) => s + i))));
      out.set(await z.data(), s * D);
      z.dispose();
      onRows?.(s + m);
    }
    return out;
  }

  dispose(): void {
    tf.dispose([this.w1, this.b1, this.w2, this.b2, this.wt, this.logScale]);
  }
}

/** Sparse rows restricted to the columns they use: x is rows × cols.length, dense. */
interface CompactBatch {
  rows: number;
  cols: Int32Array;
  x: Float32Array;
}

function compactBatch(s: SparseRows, rows: readonly number[], dropout?: { p: number; rng: SeededRandom }): CompactBatch {
  const slot = new Map<number, number>();
  for (const r of rows) for (let j = s.offsets[r]; j < s.offsets[r + 1]; j++) if (!slot.has(s.indices[j])) slot.set(s.indices[j], slot.size);
  // No non-zero at all (empty captions): one column keeps the shapes valid.
  if (slot.size === 0) slot.set(0, 0);
  const cols = Int32Array.from(slot.keys());
  const U = cols.length;
  const x = new Float32Array(rows.length * U);
  rows.forEach((r, i) => {
    for (let j = s.offsets[r]; j < s.offsets[r + 1]; j++) {
      if (dropout && dropout.rng.next() < dropout.p) continue;
      x[i * U + slot.get(s.indices[j])!] += dropout ? s.values[j] / (1 - dropout.p) : s.values[j];
    }
  });
  return { rows: rows.length, cols, x };
}

function l2(z: tf.Tensor2D): tf.Tensor2D {
  return tf.div(z, tf.sqrt(tf.add(tf.sum(tf.square(z), 1, true), 1e-12)));
}
