// Per-point bounded max-heaps of (distance, index, isNew) in flat typed arrays: point i owns slots
// i·k … i·k+k−1, the farthest kept neighbour at the root. NN-descent's only data structure.

export interface NeighborHeaps {
  n: number;
  k: number;
  indices: Int32Array;
  dists: Float32Array;
  /** 1 while the neighbour has not yet taken part in a local join. */
  isNew: Uint8Array;
}

/** `shared`: on SharedArrayBuffers, so worker threads read the lists (nn_descent_parallel.ts). */
export function createHeaps(n: number, k: number, shared = false): NeighborHeaps {
  const buf = (bytes: number) => (shared ? new SharedArrayBuffer(Math.max(1, n * k) * bytes) : new ArrayBuffer(Math.max(1, n * k) * bytes));
  const indices = new Int32Array(buf(4), 0, n * k).fill(-1);
  const dists = new Float32Array(buf(4), 0, n * k).fill(Infinity);
  return { n, k, indices, dists, isNew: new Uint8Array(buf(1), 0, n * k) };
}

/** Offers j at distance d to i's list; returns 1 when the list changed. */
export function heapPush(h: NeighborHeaps, i: number, j: number, d: number, fresh: number): number {
  const { k, indices, dists, isNew } = h;
  const base = i * k;
  if (!(d < dists[base])) return 0;
  for (let t = base; t < base + k; t++) if (indices[t] === j) return 0;
  // Replace the root, then sift down.
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= k) break;
    const r = l + 1;
    const c = r < k && dists[base + r] > dists[base + l] ? r : l;
    if (dists[base + c] <= d) break;
    dists[base + pos] = dists[base + c];
    indices[base + pos] = indices[base + c];
    isNew[base + pos] = isNew[base + c];
    pos = c;
  }
  dists[base + pos] = d;
  indices[base + pos] = j;
  isNew[base + pos] = fresh;
  return 1;
}

/** Sorts every list by ascending distance in place (the heap property is lost). */
export function sortHeaps(h: NeighborHeaps): void {
  const { n, k, indices, dists } = h;
  const order = new Int32Array(k);
  const ti = new Int32Array(k);
  const td = new Float32Array(k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    for (let t = 0; t < k; t++) order[t] = t;
    // Insertion sort: k is small (15–50).
    for (let a = 1; a < k; a++) {
      const v = order[a];
      let b = a - 1;
      while (b >= 0 && dists[base + order[b]] > dists[base + v]) {
        order[b + 1] = order[b];
        b--;
      }
      order[b + 1] = v;
    }
    for (let t = 0; t < k; t++) {
      ti[t] = indices[base + order[t]];
      td[t] = dists[base + order[t]];
    }
    indices.set(ti, base);
    dists.set(td, base);
  }
}
