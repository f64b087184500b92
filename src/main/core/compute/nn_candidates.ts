// NN-descent's per-point steps that one thread (nn_descent.ts) and the join workers
// (nn_descent_parallel.ts) share: gathering and scoring a group, and the candidate sampling.
//
// The sampling of one round is split by target point so worker threads can share it and still
// give the one-thread result: every list slot
// (i, t) carries a priority drawn in slot order by the calling thread; a point's candidate heap
// receives its offers in slot order whichever thread fills it, so the heaps do not depend on the
// split. Sampled new neighbours are then marked old (markJoined), each thread for its own points.
import type { RowStore } from './rp_tree.js';

/**
 * Gathers the listed points' rows at `scratchOff` and scores rows 0..nNew−1 ("new") against all m
 * (new×new and new×old pairs are joined; old×old were joined before) in one blocked call; returns
 * where the nNew × m dots start. Each thread passes its own scratch.
 */
export function scoreGroup(store: RowStore, scratchOff: number, pts: Int32Array, m: number, nNew: number): number {
  const { engine, rowFloats } = store;
  const mem = engine.memory;
  for (let a = 0; a < m; a++) mem.copyWithin(scratchOff + a * rowFloats, pts[a] * rowFloats, pts[a] * rowFloats + rowFloats);
  const outOff = scratchOff + m * rowFloats;
  engine.dots(scratchOff, nNew, scratchOff, m, rowFloats, outOff, m);
  return outOff;
}

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

/** Gathers point i's sampled candidates into pts, new ones first; returns [m, nNew] ([0, 0] when none is new: nothing to join). */
export function gatherCandidates(newIdx: Int32Array, oldIdx: Int32Array, mc: number, i: number, pts: Int32Array): [number, number] {
  let m = 0;
  for (let c = i * mc; c < i * mc + mc; c++) if (newIdx[c] >= 0) pts[m++] = newIdx[c];
  const nNew = m;
  if (nNew === 0) return [0, 0];
  for (let c = i * mc; c < i * mc + mc; c++) if (oldIdx[c] >= 0) pts[m++] = oldIdx[c];
  return [m, nNew];
}
