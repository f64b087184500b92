// Small dense linear algebra for the glyphs (row-major Float64Arrays): symmetric eigen-decomposition
// (cyclic Jacobi, for k×k Gram matrices with k ≈ 20), 2×2 symmetric eigen-decomposition, and a
// symmetric positive-definite solve (Cholesky).

/**
 * Eigen-decomposition of a symmetric n×n matrix a (destroyed). Returns eigenvalues in descending
 * order and the matching unit eigenvectors as the columns of v (row-major n×n).
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    }
    if (off <= 1e-22 * (diag + 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y] - a[x * n + x]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

/** Eigen-decomposition of [[xx, xy], [xy, yy]]: λ1 ≥ λ2 and the angle (radians) of λ1's eigenvector. */
export function eigen2(xx: number, xy: number, yy: number): { l1: number; l2: number; angle: number } {
  const m = (xx + yy) / 2;
  const d = Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
  const l1 = m + d;
  const l2 = m - d;
  const angle = d === 0 ? 0 : 0.5 * Math.atan2(2 * xy, xx - yy);
  return { l1, l2: Math.max(l2, 0), angle };
}

/** Solves S x = b for symmetric positive-definite S (n×n, not modified); b holds m right-hand columns (n×m). */
export function solveSpd(s: Float64Array, n: number, b: Float64Array, m: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = s[i * n + j];
      for (let k = 0; k < j; k++) sum -= L[i * n + k] * L[j * n + k];
      if (i === j) L[i * n + i] = Math.sqrt(Math.max(sum, 1e-300));
      else L[i * n + j] = sum / L[j * n + j];
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < n; i++) {
      let sum = x[i * m + c];
      for (let k = 0; k < i; k++) sum -= L[i * n + k] * x[k * m + c];
      x[i * m + c] = sum / L[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = x[i * m + c];
      for (let k = i + 1; k < n; k++) sum -= L[k * n + i] * x[k * m + c];
      x[i * m + c] = sum / L[i * n + i];
    }
  }
  return x;
}
