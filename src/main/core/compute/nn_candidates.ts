// NN-descent's candidate sampling for one round (nn_descent.ts), split by target so worker threads
// can share it (nn_descent_parallel.ts) and still give the one-thread result: every list slot
// (i, t) carries a priority drawn in slot order by the calling thread; a point's candidate heap
// receives its offers in slot order whichever thread fills it, so the heaps do not depend on the
// split. Sampled new neighbours are then marked old (markJoined), each thread for its own points.

/** Keeps the mc lowest-priority candidates of point i (a max-heap on priority per point). */
export function pushCandidate(idx: Int32Array, pri: Float32Array, mc: number, i: number, j: number, p: number): void {
  const base = i * mc;
  if (!(p < pri[base])) return;
  for (let t = base; t < base + mc; t++) if (idx[t] === j) return;
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= mc) break;
    const r = l + 1;
    const c = r < mc && pri[base + r] > pri[base + l] ? r : l;
    if (pri[base + c] <= p) break;
    pri[base + pos] = pri[base + c];
    idx[base + pos] = idx[base + c];
    pos = c;
  }
  pri[base + pos] = p;
  idx[base + pos] = j;
}

export interface CandidateArrays {
  newIdx: Int32Array;
  newPri: Float32Array;
  oldIdx: Int32Array;
  oldPri: Float32Array;
  mc: number;
}

/** The round's priorities: one draw per filled list slot, in slot order (empty slots get none). */
export function drawPriorities(indices: Int32Array, rnd: () => number, out: Float64Array): void {
  for (let t = 0; t < indices.length; t++) if (indices[t] >= 0) out[t] = rnd();
}

/** Fills the candidate heaps of points lo..hi−1 from every list (k slots per point, isNew flags). */
export function sampleCandidates(indices: Int32Array, isNew: Uint8Array, k: number, pri: Float64Array, c: CandidateArrays, lo: number, hi: number): void {
  const { newIdx, newPri, oldIdx, oldPri, mc } = c;
  newIdx.fill(-1, lo * mc, hi * mc);
  oldIdx.fill(-1, lo * mc, hi * mc);
  newPri.fill(Infinity, lo * mc, hi * mc);
  oldPri.fill(Infinity, lo * mc, hi * mc);
  const n = indices.length / k;
  for (let i = 0; i < n; i++) {
    const iIn = i >= lo && i < hi;
    for (let t = i * k; t < i * k + k; t++) {
      const j = indices[t];
      if (j < 0) continue;
      const jIn = j >= lo && j < hi;
      if (!iIn && !jIn) continue;
      const p = pri[t];
      if (isNew[t]) {
        if (iIn) pushCandidate(newIdx, newPri, mc, i, j, p);
        if (jIn) pushCandidate(newIdx, newPri, mc, j, i, p);
      } else {
        if (iIn) pushCandidate(oldIdx, oldPri, mc, i, j, p);
        if (jIn) pushCandidate(oldIdx, oldPri, mc, j, i, p);
      }
    }
  }
}

/** Sampled new neighbours of points lo..hi−1 become old: they are joined in this round. */
export function markJoined(indices: Int32Array, isNew: Uint8Array, k: number, newIdx: Int32Array, mc: number, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) {
    for (let t = i * k; t < i * k + k; t++) {
      if (!isNew[t]) continue;
      const j = indices[t];
      for (let c = i * mc; c < i * mc + mc; c++) {
        if (newIdx[c] === j) {
          isNew[t] = 0;
          break;
        }
      }
    }
  }
}
