// The training loop of every head: epochs of B×B pairwise batches, validation R-Precision and
// mAP@R after each epoch (core/metrics), early stopping on validation mAP@R with the best weights
// restored, progress events with the loss and validation curves, a soft stop and a hard cancel.
import { tf } from './tf.js';
import { Rng } from '../sample/rng.js';
import { evaluateSpace } from '../metrics/space_eval.js';
import { CancelledError, type ProgressFn } from '../jobs/job.js';
import { condTask, makeBatch, mixBatch, pairTask, type Positives } from './batches.js';
import { headConfig, type Batch, type HeadConfig, type NamedWeights } from './config.js';
import { csrRow, type Csr } from './csr.js';
import { gatherRows, roleItems, ROLE_TEST, ROLE_VAL, type TrainInput } from './data.js';
import { Head } from './model.js';
import { aspectSummary, evaluateAspect, ALL_CAPTIONS_RULE, type AspectEvaluation, type AspectScores } from './aspect_eval.js';

export interface TrainParams {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Decoupled weight decay (AdamW style) on weight matrices. */
  weightDecay: number;
  /** Epochs without a better validation mAP@R before stopping; 0 = never stop early. */
  patience: number;
  /** Keep the weights of the best validation epoch (default) or of the last one. */
  keep: 'best' | 'last';
  /**
   * Learning rate of the mean towers relative to `lr` (0 freezes them). The mean towers start at the
   * parent space (identity or shared projection), so they are the pre-trained part of a head.
   */
  meanLrScale: number;
  /** Learning rate of the log-variance heads relative to `lr` (their own rate; 1 = the same as a, b). */
  varLrScale: number;
  /** Share of each batch's image rows mixed with another row, soft targets (mixBatch); 0 = off. */
  mix: number;
  seed: number;
}

export const DEFAULT_TRAIN: TrainParams = { epochs: 20, batchSize: 128, lr: 2e-3, weightDecay: 1e-4, patience: 4, keep: 'best', meanLrScale: 1, varLrScale: 1, mix: 0, seed: 0 };

/** Retrieval scores of one evaluation (means over the i2t and t2i directions, and each direction). */
export interface EvalScores {
  rPrecision: number;
  mapAtR: number;
  i2t: { r1: number; rPrecision: number; mapAtR: number };
  t2i: { r1: number; rPrecision: number; mapAtR: number };
  /** Per condition (conditional heads): the same scores against that condition's positives. */
  perCondition?: Record<string, { rPrecision: number; mapAtR: number; i2t: number; t2i: number }>;
  /** Gallery rule of `perCondition` and of the means above for conditional heads ('all-captions'). */
  perConditionRule?: string;
  /** Conditional heads: per aspect and direction under the restricted rule (aspect_eval.ts), which ranking caption types cannot game. */
  aspects?: AspectEvaluation;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  val: EvalScores;
  seconds: number;
  /** This epoch has the best validation mAP@R so far. */
  best: boolean;
}

export interface TrainEvents {
  onProgress?: ProgressFn;
  onEpoch?: (r: EpochReport) => void;
  /** Hard cancel: the run throws CancelledError. */
  signal?: AbortSignal;
  /** Soft stop (the UI's "stop early"): ends after the current step with the best weights so far. */
  shouldStop?: () => boolean;
}

export type { Positives } from './batches.js';

export interface HeadSpec {
  head: HeadConfig['kind'];
  /** 'annotated': one-to-one pairs; 'extra': annotated plus input.extraPositives as positives. */
  positives: Positives;
  config?: Partial<HeadConfig>;
  train?: Partial<TrainParams>;
  /** Start from these weights (retraining a saved head). */
  init?: NamedWeights[];
}

export interface TrainResult {
  curves: EpochReport[];
  /** Validation scores before the first step. */
  initial: EvalScores;
  /** Validation scores of the last epoch trained (the initial ones when none was). */
  last: EvalScores;
  bestEpoch: number;
  /** Which weights the head kept: the best validation epoch's or the last. */
  kept: 'best' | 'last';
  stopped: 'epochs' | 'early' | 'user';
  steps: number;
  seconds: number;
  backend: string;
  /** Loss of the first and the last epoch (the first epoch's mean). */
  firstLoss: number;
  lastLoss: number;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function localPositives(m: Csr, captions: Int32Array, images: Int32Array, nImages: number): Int32Array[] {
  const local = new Int32Array(nImages).fill(-1);
  images.forEach((g, k) => (local[g] = k));
  return Array.from(captions, (c) => {
    const out: number[] = [];
    for (const g of csrRow(m, c)) if (local[g] >= 0) out.push(local[g]);
    return Int32Array.from(out);
  });
}

function scores(r: ReturnType<typeof evaluateSpace>): EvalScores {
  const pick = (m: (typeof r)['i2t']) => ({ r1: m.recall_at['1'], rPrecision: m.r_precision, mapAtR: m.map_at_r });
  const i2t = pick(r.i2t);
  const t2i = pick(r.t2i);
  return { rPrecision: meanDefined(i2t.rPrecision, t2i.rPrecision), mapAtR: meanDefined(i2t.mapAtR, t2i.mapAtR), i2t, t2i };
}

function meanDefined(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return (a + b) / 2;
}

/** Encodes the role's items with the head and scores them against evalPositives (and per condition). */
export function evaluateHead(head: Head, input: TrainInput, role: number): EvalScores {
  const { images, captions } = roleItems(input, role);
  if (images.length === 0 || captions.length === 0) throw new Error(`no ${role === ROLE_VAL ? 'validation' : 'test'} items to evaluate on`);
  const xi = gatherRows(input.imageFeatures, input.imageDims, images);
  const xt = gatherRows(input.textFeatures, input.textDims, captions);
  const D = head.config.dims;
  const txt = head.encode('text', xt);
  const simOpts = (img: { logvar: Float32Array | null }) =>
    head.config.probabilistic ? { similarity: 'csd' as const, imageLogVar: img.logvar!, textLogVar: txt.logvar! } : { similarity: 'cosine' as const };
  const cond = input.conditions;
  if (head.config.kind === 'cond' && cond) {
    const per: NonNullable<EvalScores['perCondition']> = {};
    const perAspect: Record<string, AspectScores> = {};
    let rp = 0;
    let map = 0;
    let n = 0;
    const dir = { i2t: { r1: 0, rPrecision: 0, mapAtR: 0 }, t2i: { r1: 0, rPrecision: 0, mapAtR: 0 } };
    cond.names.forEach((name, k) => {
      const pos = localPositives(cond.positives[k], captions, images, input.nImages);
      if (!pos.some((p) => p.length)) return;
      const img = head.encode('image', xi, head.config.condMode === 'none' ? null : k);
      const s = scores(evaluateSpace(img.mean, txt.mean, D, pos, simOpts(img)));
      per[name] = { rPrecision: s.rPrecision, mapAtR: s.mapAtR, i2t: s.i2t.mapAtR, t2i: s.t2i.mapAtR };
      const a = evaluateAspect(img.mean, txt.mean, D, pos, simOpts(img));
      if (a) perAspect[name] = a;
      rp += s.rPrecision;
      map += s.mapAtR;
      for (const d of ['i2t', 't2i'] as const) for (const m of ['r1', 'rPrecision', 'mapAtR'] as const) dir[d][m] += s[d][m];
      n++;
    });
    if (n === 0) throw new Error('no evaluation caption has a positive under any condition');
    for (const d of ['i2t', 't2i'] as const) for (const m of ['r1', 'rPrecision', 'mapAtR'] as const) dir[d][m] /= n;
    return { rPrecision: rp / n, mapAtR: map / n, ...dir, perCondition: per, perConditionRule: ALL_CAPTIONS_RULE, aspects: aspectSummary(perAspect) };
  }
  const img = head.encode('image', xi);
  return scores(evaluateSpace(img.mean, txt.mean, D, localPositives(input.evalPositives, captions, images, input.nImages), simOpts(img)));
}

/**
 * Scores fixed embeddings of every item (a head without weights to run: the residual-variance head)
 * on the role's items; with one log σ² per item the similarity is CSD, as for a trained head.
 */
export function evaluateArrays(input: TrainInput, role: number, e: { image: Float32Array; text: Float32Array; dims: number; imageLogvar?: Float32Array | null; textLogvar?: Float32Array | null }): EvalScores {
  const { images, captions } = roleItems(input, role);
  if (images.length === 0 || captions.length === 0) throw new Error(`no ${role === ROLE_VAL ? 'validation' : 'test'} items to evaluate on`);
  const xi = gatherRows(e.image, e.dims, images);
  const xt = gatherRows(e.text, e.dims, captions);
  // One value per item (scalar log σ²) or one per dimension.
  const lv = (v: Float32Array | null | undefined, idx: Int32Array, n: number) => (v ? gatherRows(v, v.length === n ? 1 : e.dims, idx) : undefined);
  const il = lv(e.imageLogvar, images, input.nImages);
  const tl = lv(e.textLogvar, captions, input.nCaptions);
  const sim = il && tl ? { similarity: 'csd' as const, imageLogVar: il, textLogVar: tl } : { similarity: 'cosine' as const };
  return scores(evaluateSpace(xi, xt, e.dims, localPositives(input.evalPositives, captions, images, input.nImages), sim));
}

// ---------------------------------------------------------------------------------------------
// The loop

/**
 * What early stopping keeps: validation mAP@R; for conditional heads the mean over aspects and
 * directions under the restricted gallery (so a head is not chosen for ranking caption types).
 */
export function selectionScore(s: EvalScores): number {
  const a = s.aspects?.mapAtR;
  return a != null && Number.isFinite(a) ? a : s.mapAtR;
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Trains `head` on the task; keeps the weights of the best validation epoch. */
export async function trainLoop(head: Head, input: TrainInput, spec: HeadSpec, events: TrainEvents = {}): Promise<TrainResult> {
  const p: TrainParams = { ...DEFAULT_TRAIN, ...spec.train };
  const task = spec.head === 'cond' ? condTask(input, p.batchSize) : pairTask(input, spec.positives, p.batchSize);
  const rng = new Rng(p.seed, 'head-batches');
  const mixRng = new Rng(p.seed, 'head-mix');
  const generalRng = new Rng(p.seed, 'head-general');
  const meanVars = head.meanVariables();
  const varVars = head.varianceVariables();
  // Learning-rate groups: mean towers (× meanLrScale), log-variance heads (× varLrScale), the rest (× 1).
  const scaleOf = (v: tf.Variable): number => (meanVars.includes(v) ? p.meanLrScale : varVars.includes(v) ? p.varLrScale : 1);
  const groups = new Map<number, tf.Variable[]>();
  for (const v of head.trainable()) {
    const s = scaleOf(v);
    if (s <= 0) continue;
    if (!groups.has(s)) groups.set(s, []);
    groups.get(s)!.push(v);
  }
  const optimizers = [...groups].map(([s, list]) => ({ opt: tf.train.adam(p.lr * s), list }));
  const step = (batch: Batch): tf.Scalar => {
    if (optimizers.length === 1) return optimizers[0].opt.minimize(() => head.loss(batch), true, optimizers[0].list)!;
    // Several learning rates: one gradient pass, each optimiser applies its own variables' gradients.
    const { value, grads } = tf.variableGrads(() => head.loss(batch), optimizers.flatMap((o) => o.list));
    for (const o of optimizers) o.opt.applyGradients(o.list.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    tf.dispose(grads);
    return value;
  };
  const decayed = head.decayed();
  const t0 = performance.now();
  const curves: EpochReport[] = [];
  const initial = evaluateHead(head, input, ROLE_VAL);
  let best = selectionScore(initial);
  let bestWeights: NamedWeights[] = head.weights();
  let bestEpoch = 0;
  let since = 0;
  let steps = 0;
  let stopped: TrainResult['stopped'] = 'epochs';
  const total = p.epochs * task.stepsPerEpoch;
  const check = (): void => {
    if (events.signal?.aborted) throw new CancelledError('training');
  };
  try {
    outer: for (let epoch = 1; epoch <= p.epochs; epoch++) {
      const te = performance.now();
      let lossSum = 0;
      let lossN = 0;
      for (const anchors of task.epoch(rng)) {
        check();
        const plain = makeBatch(input, task, anchors, generalRng);
        const batch = p.mix > 0 && spec.head !== 'cond' ? mixBatch(plain, input.imageDims, p.mix, mixRng) : plain;
        const loss = step(batch);
        lossSum += loss.dataSync()[0];
        lossN++;
        loss.dispose();
        if (p.weightDecay > 0) {
          // Decoupled decay at each variable's own learning rate (frozen mean towers stay as they are).
          tf.tidy(() =>
            decayed.forEach((v) => {
              const k = 1 - p.lr * Math.max(0, scaleOf(v)) * p.weightDecay;
              if (k !== 1) v.assign(tf.mul(v, k));
            }),
          );
        }
        steps++;
        events.onProgress?.({ phase: `epoch ${epoch}/${p.epochs}`, done: steps, total });
        await tick();
        check();
        if (events.shouldStop?.()) {
          stopped = 'user';
          break;
        }
      }
      const val = evaluateHead(head, input, ROLE_VAL);
      const improved = selectionScore(val) > best + 1e-6 || bestEpoch === 0;
      if (improved) {
        best = selectionScore(val);
        bestWeights = head.weights();
        bestEpoch = epoch;
        since = 0;
      } else since++;
      const report: EpochReport = { epoch, epochs: p.epochs, loss: lossN ? lossSum / lossN : NaN, val, seconds: (performance.now() - te) / 1000, best: improved };
      curves.push(report);
      events.onEpoch?.(report);
      if (stopped === 'user') break outer;
      if (p.patience > 0 && since >= p.patience) {
        stopped = 'early';
        break;
      }
    }
  } finally {
    for (const o of optimizers) o.opt.dispose();
  }
  if (bestEpoch > 0 && p.keep === 'best') head.setWeights(bestWeights);
  return {
    curves,
    initial,
    last: curves[curves.length - 1]?.val ?? initial,
    bestEpoch,
    kept: bestEpoch > 0 && p.keep === 'best' ? 'best' : 'last',
    stopped,
    steps,
    seconds: (performance.now() - t0) / 1000,
    backend: tf.getBackend(),
    firstLoss: curves[0]?.loss ?? NaN,
    lastLoss: curves[curves.length - 1]?.loss ?? NaN,
  };
}

export interface TrainedHead {
  head: Head;
  config: HeadConfig;
  result: TrainResult;
  /** Scores of the returned weights on validation and (when there is a test split) test. */
  val: EvalScores;
  test: EvalScores | null;
}

/** Builds the head of `spec`, trains it on `input` and scores it. The caller disposes result.head. */
export async function trainHeadOn(input: TrainInput, spec: HeadSpec, events: TrainEvents = {}): Promise<TrainedHead> {
  const config = headConfig({
    kind: spec.head,
    imageIn: input.imageDims,
    textIn: input.textDims,
    ...(spec.head === 'cond' && input.conditions ? { conditions: input.conditions.names } : {}),
    ...spec.config,
  });
  const head = new Head(config, spec.init);
  try {
    const result = await trainLoop(head, input, spec, events);
    const val = evaluateHead(head, input, ROLE_VAL);
    const hasTest = input.imageRole.some((r) => r === ROLE_TEST);
    const test = hasTest ? evaluateHead(head, input, ROLE_TEST) : null;
    return { head, config, result, val, test };
  } catch (e) {
    head.dispose();
    throw e;
  }
}
