// How hard training pushes a valid but unannotated pair apart (SCIENCE 4.3), for InfoNCE and for
// the pairwise-BCE equivalent (PCME++ / SigLIP).
//
// Batch setting: B pairs, logits ℓ_ij = ⟨u_i, v_j⟩/τ, row softmax p^{v→t}, column softmax p^{t→v},
// L = (1/2B) Σ_i [−log p^{v→t}_ii − log p^{t→v}_ii], ∂L/∂ℓ_ij = (1/2B)[(p^{v→t}_ij − y_ij) + (p^{t→v}_ij − y_ij)].
//
// Dataset setting (pairPush), for image i and caption j with i ∉ A(j):
//   the row's annotated logit: e^{ℓ_ii} = mean_{t∈A(i)} e^{ℓ_it} (i appears with one of its
//     annotated captions, uniformly); the column's: ℓ_{a(j) j}.
//   mean field  Z̄_i = mean_{k ∉ A(i) ∪ {j}} e^{ℓ_ik} over captions, Z̄_j = mean_{k ∉ {a(j), i}} e^{ℓ_kj}
//   p̃^{v→t}_ij = e^{ℓ_ij} / (e^{ℓ_ii} + e^{ℓ_ij} + (B−2) Z̄_i), p̃^{t→v}_ij likewise by column
//   conditional force (i and j in one batch) F = (1/2B)(p̃^{v→t}_ij + p̃^{t→v}_ij)
//   expected per-step force E[F] = ((B−1)/(N−1))·F  (P(co-batched) = (B−1)/(N−1))
//   tangential magnitude on the sphere (F/τ)·√(1 − cos²)
//   push share π = p̃^{v→t}_ij / (1 − p̃^{v→t}_ii)  (and by column)
//   expected valid items in the batch E|V ∩ B| ≈ 1 + (B−1)(|V|−1)/(N−1); gradient error
//     1/E|V ∩ B| (the erroneous push per false negative, ideal target 1/|V ∩ B|) and the row's
//     ‖g − g*‖ = √(K/(K+1)) with K = E|V ∩ B| − 1.
//   BCE: logit = −a·CSD + b, CSD = ‖μ_i − μ_j‖² + T_i + T_j (= 2 − 2cos for unit vectors without
//     variances); push = sigmoid(logit), independent of B and of other items. With PCME++
//     pseudo-positives (weight α) the pair's gradient is (1+α)σ − α when it is relabelled positive
//     (CSD_ij ≤ the row's annotated CSD) and (1+α)σ otherwise; ppPush is its expectation over the
//     two directions and over which annotated caption is i's partner.
import { mulberry32 } from '../../../shared/random.js';
import { sigmoid } from './logistic.js';

export interface BatchResult {
  /** Row softmax p^{v→t} (B × B). */
  pRow: Float64Array;
  /** Column softmax p^{t→v}. */
  pCol: Float64Array;
  loss: number;
  /** ∂L/∂ℓ (B × B). */
  grad: Float64Array;
  /** Off-diagonal push F_ij = (1/2B)(p^{v→t}_ij + p^{t→v}_ij); 0 on the diagonal. */
  force: Float64Array;
}

/** Exact InfoNCE quantities of one batch of logits (row-major B × B, targets on the diagonal). */
export function infoNceBatch(logits: ArrayLike<number>, B: number): BatchResult {
  if (logits.length !== B * B) throw new RangeError(`logits hold ${logits.length} values, expected ${B} × ${B}`);
  const pRow = new Float64Array(B * B);
  const pCol = new Float64Array(B * B);
  let loss = 0;
  for (let i = 0; i < B; i++) {
    let m = -Infinity;
    for (let j = 0; j < B; j++) m = Math.max(m, logits[i * B + j]);
    let z = 0;
    for (let j = 0; j < B; j++) z += Math.exp(logits[i * B + j] - m);
    for (let j = 0; j < B; j++) pRow[i * B + j] = Math.exp(logits[i * B + j] - m) / z;
    loss -= Math.log(pRow[i * B + i]);
  }
  for (let j = 0; j < B; j++) {
    let m = -Infinity;
    for (let i = 0; i < B; i++) m = Math.max(m, logits[i * B + j]);
    let z = 0;
    for (let i = 0; i < B; i++) z += Math.exp(logits[i * B + j] - m);
    for (let i = 0; i < B; i++) pCol[i * B + j] = Math.exp(logits[i * B + j] - m) / z;
    loss -= Math.log(pCol[j * B + j]);
  }
  const grad = new Float64Array(B * B);
  const force = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      const y = i === j ? 1 : 0;
      grad[i * B + j] = ((pRow[i * B + j] - y) + (pCol[i * B + j] - y)) / (2 * B);
      if (i !== j) force[i * B + j] = (pRow[i * B + j] + pCol[i * B + j]) / (2 * B);
    }
  }
  return { pRow, pCol, loss: loss / (2 * B), grad, force };
}

/** The one-row mismatch with K unannotated positives besides the annotated one (SCIENCE 4.3). */
export function multiPositiveMismatch(K: number): { falseNegativePush: number; excessPull: number; rowGradientError: number; lossFloor: number } {
  if (!(K >= 0)) throw new RangeError(`K must be ≥ 0 (got ${K})`);
  return { falseNegativePush: 1 / (K + 1), excessPull: K / (K + 1), rowGradientError: Math.sqrt(K / (K + 1)), lossFloor: Math.log(K + 1) };
}

export interface PushSpace {
  dims: number;
  image: Float32Array;
  text: Float32Array;
  imageLogvar?: Float32Array | null;
  textLogvar?: Float32Array | null;
}

export interface PushOptions {
  /** InfoNCE temperature τ (default 0.07, CLIP's initial value). */
  temperature?: number;
  /** Batch size B (default 128). */
  batchSize?: number;
  /** Training pairs N (default: the number of captions, one annotated pair each). */
  nPairs?: number;
  /** Valid captions of image i (|V_i|, annotated included); default |A(i)| + 1 (this pair). */
  validOfImage?: number;
  /** Valid images of caption j (|V_j|); default 2 (its annotated image and this one). */
  validOfCaption?: number;
  /** BCE parameters: logit = −a·CSD + b (PCME++ init a = 5, b = 5), pseudo-positive weight α (0.1). */
  bce?: { a?: number; b?: number; alpha?: number };
  /** Also estimate by sampling this many random batches that hold both pairs (default 0). */
  monteCarlo?: number;
  seed?: number;
}

export interface PairPush {
  image: number;
  caption: number;
  cos: number;
  temperature: number;
  batchSize: number;
  nPairs: number;
  infoNce: {
    logit: number;
    pRow: number;
    pCol: number;
    pRowAnnotated: number;
    pColAnnotated: number;
    coBatchProbability: number;
    conditionalForce: number;
    expectedForce: number;
    tangentialConditional: number;
    tangentialExpected: number;
    pushShareRow: number;
    pushShareCol: number;
    expectedValidInBatchRow: number;
    expectedValidInBatchCol: number;
    gradientErrorRow: number;
    gradientErrorCol: number;
    rowGradientErrorNorm: number;
  };
  bce: { csd: number; logit: number; push: number; a: number; b: number; alpha: number; pseudoPositiveShare: number; ppPush: number };
  monteCarlo?: { batches: number; pRow: number; pCol: number; conditionalForce: number };
}

function norms(a: Float32Array, dims: number): Float64Array {
  const n = a.length / dims;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += a[r * dims + d] ** 2;
    out[r] = Math.sqrt(s);
  }
  return out;
}

function traceOf(logVar: Float32Array | null | undefined, r: number, dims: number, n: number): number {
  if (!logVar) return 0;
  if (logVar.length === n) return dims * Math.exp(logVar[r]);
  let s = 0;
  for (let d = 0; d < dims; d++) s += Math.exp(logVar[r * dims + d]);
  return s;
}

/**
 * InfoNCE push and its BCE equivalent for the pair (image, caption) of a space, with the captions'
 * annotated images `annotated` (SCIENCE 4.3, see the file header).
 */
export function pairPush(space: PushSpace, annotated: ArrayLike<number>, image: number, caption: number, opts: PushOptions = {}): PairPush {
  const { dims } = space;
  const nI = space.image.length / dims;
  const nT = space.text.length / dims;
  if (!Number.isInteger(image) || image < 0 || image >= nI) throw new RangeError(`image ${image} out of range`);
  if (!Number.isInteger(caption) || caption < 0 || caption >= nT) throw new RangeError(`caption ${caption} out of range`);
  const aj = annotated[caption];
  if (aj === image) throw new RangeError(`caption ${caption} is annotated with image ${image}: not an unannotated pair`);
  const tau = opts.temperature ?? 0.07;
  const B = opts.batchSize ?? 128;
  const N = opts.nPairs ?? nT;
  if (!(tau > 0)) throw new RangeError('temperature must be > 0');
  if (!Number.isInteger(B) || B < 2) throw new RangeError('batchSize must be an integer ≥ 2');
  if (!(N >= B)) throw new RangeError(`nPairs (${N}) must be ≥ batchSize (${B})`);
  const nu = norms(space.image, dims);
  const nv = norms(space.text, dims);
  const cosOf = (i: number, t: number): number => {
    let s = 0;
    for (let d = 0; d < dims; d++) s += space.image[i * dims + d] * space.text[t * dims + d];
    const q = nu[i] * nv[t];
    return q > 0 ? s / q : 0;
  };
  const annotatedOf: number[] = [];
  for (let t = 0; t < annotated.length; t++) if (annotated[t] === image) annotatedOf.push(t);

  // Row i over all captions, column j over all images (logits shifted by 1/τ: cos ≤ 1).
  const shift = 1 / tau;
  const rowExp = new Float64Array(nT);
  for (let t = 0; t < nT; t++) rowExp[t] = Math.exp(cosOf(image, t) / tau - shift);
  const colExp = new Float64Array(nI);
  for (let i = 0; i < nI; i++) colExp[i] = Math.exp(cosOf(i, caption) / tau - shift);
  const cos = cosOf(image, caption);
  const eij = Math.exp(cos / tau - shift);
  const isAnn = new Uint8Array(nT);
  for (const t of annotatedOf) isAnn[t] = 1;
  let eii = 0;
  for (const t of annotatedOf) eii += rowExp[t];
  eii = annotatedOf.length ? eii / annotatedOf.length : eij;
  let rowSum = 0;
  let rowCount = 0;
  for (let t = 0; t < nT; t++) {
    if (t === caption || isAnn[t]) continue;
    rowSum += rowExp[t];
    rowCount++;
  }
  const zRow = rowCount ? rowSum / rowCount : 0;
  const ejj = aj >= 0 && aj < nI ? colExp[aj] : eij;
  let colSum = 0;
  let colCount = 0;
  for (let i = 0; i < nI; i++) {
    if (i === image || i === aj) continue;
    colSum += colExp[i];
    colCount++;
  }
  const zCol = colCount ? colSum / colCount : 0;
  const denRow = eii + eij + (B - 2) * zRow;
  const denCol = ejj + eij + (B - 2) * zCol;
  const pRow = eij / denRow;
  const pCol = eij / denCol;
  const pRowAnnotated = eii / denRow;
  const pColAnnotated = ejj / denCol;
  const conditionalForce = (pRow + pCol) / (2 * B);
  const coBatch = (B - 1) / (N - 1);
  const expectedForce = coBatch * conditionalForce;
  const sinT = Math.sqrt(Math.max(0, 1 - cos * cos));
  const vI = opts.validOfImage ?? annotatedOf.length + 1;
  const vJ = opts.validOfCaption ?? 2;
  const evRow = 1 + ((B - 1) * (vI - 1)) / (N - 1);
  const evCol = 1 + ((B - 1) * (vJ - 1)) / (N - 1);
  const K = evRow - 1;

  // BCE on CSD.
  const a = opts.bce?.a ?? 5;
  const b = opts.bce?.b ?? 5;
  const alpha = opts.bce?.alpha ?? 0.1;
  const tI = (i: number): number => traceOf(space.imageLogvar, i, dims, nI);
  const tT = (t: number): number => traceOf(space.textLogvar, t, dims, nT);
  const csdOf = (i: number, t: number): number => {
    let s = 0;
    for (let d = 0; d < dims; d++) s += (space.image[i * dims + d] - space.text[t * dims + d]) ** 2;
    return s + tI(i) + tT(t);
  };
  const csd = csdOf(image, caption);
  const bLogit = -a * csd + b;
  const push = sigmoid(bLogit);
  let ppRow = 0;
  for (const t of annotatedOf) if (csd <= csdOf(image, t)) ppRow++;
  const shareRow = annotatedOf.length ? ppRow / annotatedOf.length : 0;
  const shareCol = aj >= 0 && aj < nI && csd <= csdOf(aj, caption) ? 1 : 0;
  const ppShare = (shareRow + shareCol) / 2;
  const ppPush = (1 + alpha) * push - alpha * ppShare;

  const out: PairPush = {
    image,
    caption,
    cos,
    temperature: tau,
    batchSize: B,
    nPairs: N,
    infoNce: {
      logit: cos / tau,
      pRow,
      pCol,
      pRowAnnotated,
      pColAnnotated,
      coBatchProbability: coBatch,
      conditionalForce,
      expectedForce,
      tangentialConditional: (conditionalForce / tau) * sinT,
      tangentialExpected: (expectedForce / tau) * sinT,
      pushShareRow: pRowAnnotated < 1 ? pRow / (1 - pRowAnnotated) : 0,
      pushShareCol: pColAnnotated < 1 ? pCol / (1 - pColAnnotated) : 0,
      expectedValidInBatchRow: evRow,
      expectedValidInBatchCol: evCol,
      gradientErrorRow: 1 / evRow,
      gradientErrorCol: 1 / evCol,
      rowGradientErrorNorm: Math.sqrt(K / (K + 1)),
    },
    bce: { csd, logit: bLogit, push, a, b, alpha, pseudoPositiveShare: ppShare, ppPush },
  };

  const M = opts.monteCarlo ?? 0;
  if (M > 0) {
    // Batches holding (i, one of A(i)) and (a(j), j) plus B−2 other annotated pairs (captions drawn
    // uniformly, each with its annotated image).
    const random = mulberry32(opts.seed ?? 11);
    let sr = 0;
    let sc = 0;
    const others: number[] = [];
    for (let t = 0; t < nT; t++) if (t !== caption && !isAnn[t] && annotated[t] !== aj) others.push(t);
    for (let m = 0; m < M; m++) {
      const ti = annotatedOf.length ? annotatedOf[Math.floor(random() * annotatedOf.length)] : -1;
      let rowDen = (ti >= 0 ? rowExp[ti] : 0) + eij;
      let colDen = (aj >= 0 ? colExp[aj] : 0) + eij;
      const pick = new Set<number>();
      while (pick.size < Math.min(B - 2, others.length)) pick.add(others[Math.floor(random() * others.length)]);
      for (const t of pick) {
        rowDen += rowExp[t];
        const im = annotated[t];
        if (im >= 0 && im < nI) colDen += colExp[im];
      }
      sr += eij / rowDen;
      sc += eij / colDen;
    }
    out.monteCarlo = { batches: M, pRow: sr / M, pCol: sc / M, conditionalForce: (sr / M + sc / M) / (2 * B) };
  }
  return out;
}
