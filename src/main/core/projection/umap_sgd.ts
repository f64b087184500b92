// UMAP's layout optimisation (the epochs), on typed arrays. umap-js builds the fuzzy graph and the
// sampling schedule; this loop replaces its per-epoch step, which works on number[][] and spends
// most of the projection's time. Same update rule: attractive moves along graph edges, negative
// samples with repulsion, gradients clipped at 4, learning rate decaying linearly.

export interface UmapOptimizationState {
  head: ArrayLike<number>;
  tail: ArrayLike<number>;
  epochsPerSample: ArrayLike<number>;
  epochsPerNegativeSample: ArrayLike<number>;
  headEmbedding: number[][];
  initialAlpha: number;
  gamma: number;
  a: number;
  b: number;
  nEpochs: number;
  nVertices: number;
}

export function optimizeLayout(
  st: UmapOptimizationState,
  seed: number,
  onEpoch?: (epoch: number, nEpochs: number) => void,
): Float32Array {
  const nV = st.nVertices;
  const emb = new Float64Array(nV * 2);
  for (let i = 0; i < nV; i++) {
    emb[2 * i] = st.headEmbedding[i][0];
    emb[2 * i + 1] = st.headEmbedding[i][1];
  }
  const nE = st.epochsPerSample.length;
  const head = Int32Array.from(st.head);
  const tail = Int32Array.from(st.tail);
  const eps = Float64Array.from(st.epochsPerSample);
  const epsNeg = Float64Array.from(st.epochsPerNegativeSample);
  const nextSample = Float64Array.from(eps);
  const nextNeg = Float64Array.from(epsNeg);
  const { a, b, gamma, nEpochs } = st;
  let rng = seed >>> 0 || 1;
  const randInt = (n: number) => {
    rng = (rng + 0x6d2b79f5) >>> 0;
    let t = rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const clip = (v: number) => (v > 4 ? 4 : v < -4 ? -4 : v);
  let alpha = st.initialAlpha;
  for (let n = 0; n < nEpochs; n++) {
    for (let i = 0; i < nE; i++) {
      if (nextSample[i] > n) continue;
      const j = head[i];
      const k = tail[i];
      const jx = 2 * j;
      const kx = 2 * k;
      let dx = emb[jx] - emb[kx];
      let dy = emb[jx + 1] - emb[kx + 1];
      let d2 = dx * dx + dy * dy;
      if (d2 > 0) {
        const pb = Math.pow(d2, b);
        const g = (-2 * a * b * (pb / d2)) / (a * pb + 1);
        const gx = clip(g * dx) * alpha;
        const gy = clip(g * dy) * alpha;
        emb[jx] += gx;
        emb[jx + 1] += gy;
        emb[kx] -= gx;
        emb[kx + 1] -= gy;
      }
      nextSample[i] += eps[i];
      const nNeg = Math.floor((n - nextNeg[i]) / epsNeg[i]);
      for (let p = 0; p < nNeg; p++) {
        const o = randInt(nV);
        const ox = 2 * o;
        dx = emb[jx] - emb[ox];
        dy = emb[jx + 1] - emb[ox + 1];
        d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const g = (2 * gamma * b) / ((0.001 + d2) * (a * Math.pow(d2, b) + 1));
          emb[jx] += clip(g * dx) * alpha;
          emb[jx + 1] += clip(g * dy) * alpha;
        } else if (j !== o) {
          emb[jx] += 4 * alpha;
          emb[jx + 1] += 4 * alpha;
        }
      }
      nextNeg[i] += nNeg * epsNeg[i];
    }
    alpha = st.initialAlpha * (1 - (n + 1) / nEpochs);
    onEpoch?.(n + 1, nEpochs);
  }
  return Float32Array.from(emb);
}
