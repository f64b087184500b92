// Can a head learn multiplicity from an item's own embedding? A probe for the science bench.
//
// Effective partners (metrics/effective_partners.ts) rank held-out captions by multiplicity on the
// baseline space, and PCME++'s Σσ² does not, although Σσ² is learned from the same embeddings. The
// probe separates "the embedding does not hold it" from "the items a head learns from mislead it":
// a ridge regression from an item's embedding to its log N_eff, fitted once on the train split's
// items and once on the validation split's items, then ranked against true multiplicity on the test
// split's items. The encoder's own head was trained on the train pairs, so their embeddings sit
// closer to their one annotated partner than a new item's would; the validation items are what a
// test item looks like. Ridge λ = 1 (not tuned). Bench-only: nothing in the app reads it.
import { spearman } from '../core/compute/stats.js';
import { solveSpd } from '../core/glyphs/linalg.js';

export interface ProbeRow {
  /** Spearman of the test items' N_eff itself with multiplicity (the reference). */
  neff_test: number | null;
  /** Spearman of the ridge prediction with multiplicity on the test items, fitted on the train items. */
  fit_train: number | null;
  /** The same, fitted on the validation items. */
  fit_val: number | null;
  train: number;
  val: number;
  test: number;
}

/** Ridge regression with an unpenalised intercept: weights (dims) then the intercept. */
export function ridgeFit(x: Float32Array, dims: number, rows: ArrayLike<number>, y: ArrayLike<number>, lambda: number): Float64Array {
  // Normal equations (XᵀX + λI) w = Xᵀy on rows [x, 1], solved by Cholesky.
  const p = dims + 1;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  const row = new Float64Array(p);
  for (let r = 0; r < rows.length; r++) {
    const o = rows[r] * dims;
    for (let d = 0; d < dims; d++) row[d] = x[o + d];
    row[dims] = 1;
    for (let i = 0; i < p; i++) {
      b[i] += row[i] * y[r];
      for (let j = 0; j < p; j++) a[i * p + j] += row[i] * row[j];
    }
  }
  for (let d = 0; d < dims; d++) a[d * p + d] += lambda;
  return solveSpd(a, p, b, 1);
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * The probe for one modality: `x` the items' embeddings, `neff` their effective partners,
 * `multiplicity` the truth, `role` 'train' | 'val' | 'test' per item (other values are left out).
 */
export function probeModality(x: Float32Array, dims: number, neff: ArrayLike<number>, multiplicity: ArrayLike<number>, role: ArrayLike<string | null | undefined>): ProbeRow {
  const of = (name: string): number[] => {
    const out: number[] = [];
    for (let i = 0; i < role.length; i++) if (role[i] === name && Number.isFinite(neff[i]) && neff[i] > 0) out.push(i);
    return out;
  };
  const train = of('train');
  const val = of('val');
  const test = of('test');
  const truth = test.map((i) => multiplicity[i]);
  const predict = (rows: number[]): number | null => {
    if (rows.length < dims / 4 || test.length < 3) return null;
    const w = ridgeFit(x, dims, rows, rows.map((i) => Math.log(neff[i])), 1);
    const pred = test.map((i) => {
      let s = w[dims];
      for (let d = 0; d < dims; d++) s += w[d] * x[i * dims + d];
      return s;
    });
    return finite(spearman(pred, truth));
  };
  return {
    neff_test: test.length >= 3 ? finite(spearman(test.map((i) => neff[i]), truth)) : null,
    fit_train: predict(train),
    fit_val: predict(val),
    train: train.length,
    val: val.length,
    test: test.length,
  };
}
