// UMAP's low-dimensional similarity curve 1 / (1 + a·x^(2b)), fitted by least squares to the
// target "1 within minDist, then exp(−(x − minDist)/spread)" (SCIENCE.md, UMAP). For minDist 0.1
// and spread 1 this gives a ≈ 1.577, b ≈ 0.895, as umap-learn does.

export function fitCurve(minDist: number, spread = 1): { a: number; b: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = 1; t < 300; t++) {
    const x = (t / 299) * spread * 3;
    xs.push(x);
    ys.push(x < minDist ? 1 : Math.exp(-(x - minDist) / spread));
  }
  const loss = (a: number, b: number) => {
    let s = 0;
    for (let t = 0; t < xs.length; t++) {
      const r = 1 / (1 + a * Math.pow(xs[t], 2 * b)) - ys[t];
      s += r * r;
    }
    return s;
  };
  // Levenberg–Marquardt with numerical derivatives: two parameters, a smooth residual.
  let a = 1.5;
  let b = 0.9;
  let lambda = 1e-3;
  let cur = loss(a, b);
  for (let it = 0; it < 200; it++) {
    let jaa = 0;
    let jab = 0;
    let jbb = 0;
    let ga = 0;
    let gb = 0;
    for (let t = 0; t < xs.length; t++) {
      const x = xs[t];
      const p = Math.pow(x, 2 * b);
      const f = 1 / (1 + a * p);
      const r = f - ys[t];
      const da = -p * f * f;
      const db = -a * p * 2 * Math.log(x) * f * f;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    const A = jaa * (1 + lambda);
    const B = jbb * (1 + lambda);
    const det = A * B - jab * jab;
    if (det === 0) break;
    const sa = (B * ga - jab * gb) / det;
    const sb = (A * gb - jab * ga) / det;
    const next = loss(a - sa, b - sb);
    if (next < cur) {
      a -= sa;
      b -= sb;
      lambda /= 10;
      if (cur - next < 1e-14) break;
      cur = next;
    } else lambda *= 10;
  }
  return { a, b };
}
