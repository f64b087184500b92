// Weighted logistic regression by Newton's method (IRLS) with an L2 penalty on the standardised
// weights (not on the intercept), and Platt scaling as its one-feature case.

export interface LogisticModel {
  /** Feature names, in column order. */
  features: string[];
  /** Standardisation: x' = (x − mean) / scale. */
  mean: number[];
  scale: number[];
  /** Weights on the standardised features. */
  weights: number[];
  intercept: number;
}

export interface FitOptions {
  /** Per-row weights (default 1). */
  weights?: ArrayLike<number>;
  /** Reweight so that both classes carry equal total weight (targets ≥ 0.5 count as positive). Default false. */
  balanced?: boolean;
  /** L2 penalty on the standardised weights, relative to the total weight (default 1e-3). */
  l2?: number;
  iterations?: number;
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Solves A x = b for a small symmetric positive-definite A (Gaussian elimination with pivoting). */
function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r * n + col]) > Math.abs(M[piv * n + col])) piv = r;
    if (piv !== col) {
      for (let c = 0; c < n; c++) {
        const t = M[col * n + c];
        M[col * n + c] = M[piv * n + c];
        M[piv * n + c] = t;
      }
      const t = x[col];
      x[col] = x[piv];
      x[piv] = t;
    }
    const d = M[col * n + col];
    if (Math.abs(d) < 1e-300) continue;
    for (let r = col + 1; r < n; r++) {
      const f = M[r * n + col] / d;
      if (!f) continue;
      for (let c = col; c < n; c++) M[r * n + c] -= f * M[col * n + c];
      x[r] -= f * x[col];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let c = r + 1; c < n; c++) s -= M[r * n + c] * x[c];
    const d = M[r * n + r];
    x[r] = Math.abs(d) < 1e-300 ? 0 : s / d;
  }
  return x;
}

/**
 * Fits P(y=1 | x) = sigmoid(w·x' + b) on rows of X (n × p, row-major) with targets in [0, 1]
 * (soft targets allowed).
 */
export function fitLogistic(X: ArrayLike<number>, n: number, p: number, y: ArrayLike<number>, names: string[], opts: FitOptions = {}): LogisticModel {
  if (X.length !== n * p) throw new RangeError(`X holds ${X.length} values, expected ${n} × ${p}`);
  if (y.length !== n) throw new RangeError(`y holds ${y.length} values, expected ${n}`);
  const w0 = new Float64Array(n);
  for (let r = 0; r < n; r++) w0[r] = opts.weights ? opts.weights[r] : 1;
  if (opts.balanced) {
    let pos = 0;
    let neg = 0;
    for (let r = 0; r < n; r++) (y[r] >= 0.5 ? (pos += w0[r]) : (neg += w0[r]));
    if (pos > 0 && neg > 0) {
      const total = pos + neg;
      for (let r = 0; r < n; r++) w0[r] *= y[r] >= 0.5 ? total / (2 * pos) : total / (2 * neg);
    }
  }
  let wsum = 0;
  for (let r = 0; r < n; r++) wsum += w0[r];
  const mean = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(1);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += w0[r] * X[r * p + j];
    mean[j] = wsum > 0 ? s / wsum : 0;
    let v = 0;
    for (let r = 0; r < n; r++) v += w0[r] * (X[r * p + j] - mean[j]) ** 2;
    const sd = wsum > 0 ? Math.sqrt(v / wsum) : 0;
    scale[j] = sd > 1e-12 ? sd : 1;
  }
  const q = p + 1; // weights, then intercept
  const Z = new Float64Array(n * q);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) Z[r * q + j] = (X[r * p + j] - mean[j]) / scale[j];
    Z[r * q + p] = 1;
  }
  const lambda = (opts.l2 ?? 1e-3) * Math.max(wsum, 1);
  const beta = new Float64Array(q);
  const iterations = opts.iterations ?? 30;
  for (let it = 0; it < iterations; it++) {
    const H = new Float64Array(q * q);
    const g = new Float64Array(q);
    for (let r = 0; r < n; r++) {
      let eta = 0;
      for (let j = 0; j < q; j++) eta += Z[r * q + j] * beta[j];
      const mu = sigmoid(eta);
      const wr = w0[r];
      const resid = wr * (y[r] - mu);
      const curv = wr * Math.max(mu * (1 - mu), 1e-10);
      for (let j = 0; j < q; j++) {
        const zj = Z[r * q + j];
        g[j] += resid * zj;
        for (let l = j; l < q; l++) H[j * q + l] += curv * zj * Z[r * q + l];
      }
    }
    for (let j = 0; j < q; j++) for (let l = 0; l < j; l++) H[j * q + l] = H[l * q + j];
    for (let j = 0; j < p; j++) {
      H[j * q + j] += lambda;
      g[j] -= lambda * beta[j];
    }
    const step = solve(H, g, q);
    let change = 0;
    for (let j = 0; j < q; j++) {
      beta[j] += step[j];
      change = Math.max(change, Math.abs(step[j]));
    }
    if (change < 1e-8) break;
  }
  return { features: names, mean, scale, weights: Array.from(beta.subarray(0, p)), intercept: beta[p] };
}

/** The model's logit for a feature row x (length p). */
export function logitOf(model: LogisticModel, x: ArrayLike<number>, offset = 0): number {
  let eta = model.intercept;
  for (let j = 0; j < model.weights.length; j++) eta += model.weights[j] * ((x[offset + j] - model.mean[j]) / model.scale[j]);
  return eta;
}

export function predict(model: LogisticModel, x: ArrayLike<number>, offset = 0): number {
  return sigmoid(logitOf(model, x, offset));
}

/** Platt scaling: P(valid | s) = sigmoid(a·s + b). */
export interface Platt {
  a: number;
  b: number;
  positives: number;
  negatives: number;
}

/**
 * Fits Platt's sigmoid on positive and negative scores with Platt's smoothed targets
 * ((N₊+1)/(N₊+2) and 1/(N₋+2)), classes weighted equally.
 */
export function fitPlatt(pos: ArrayLike<number>, neg: ArrayLike<number>): Platt {
  const np = pos.length;
  const nn = neg.length;
  if (!np || !nn) return { a: 0, b: 0, positives: np, negatives: nn };
  const X = new Float64Array(np + nn);
  const y = new Float64Array(np + nn);
  const w = new Float64Array(np + nn);
  const tPos = (np + 1) / (np + 2);
  const tNeg = 1 / (nn + 2);
  for (let r = 0; r < np; r++) {
    X[r] = pos[r];
    y[r] = tPos;
    w[r] = 1 / np;
  }
  for (let r = 0; r < nn; r++) {
    X[np + r] = neg[r];
    y[np + r] = tNeg;
    w[np + r] = 1 / nn;
  }
  const m = fitLogistic(X, np + nn, 1, y, ['score'], { weights: w, l2: 1e-6 });
  const a = m.weights[0] / m.scale[0];
  return { a, b: m.intercept - a * m.mean[0], positives: np, negatives: nn };
}

export function applyPlatt(p: Platt, s: number): number {
  return sigmoid(p.a * s + p.b);
}
