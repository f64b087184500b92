// Random-projection trees: the seed for NN-descent. Each tree splits the points recursively by a
// random hyperplane (the perpendicular bisector of two random points; rows are unit length, so it
// passes through the origin) until a leaf holds at most `leafSize` points. Points sharing a leaf
// are likely neighbours; every pair in a leaf is scored once and offered to both points' lists.
import type { DotEngine } from './dot_engine.js';
import { mulberry32 } from '../../../shared/random.js';

/** Rows in the engine's memory: row i starts at i·rowFloats; `scratchOff` (this thread's own) has room for leafSize + 1 rows and leafSize² scores. */
export interface RowStore {
  engine: DotEngine;
  n: number;
  rowFloats: number;
  scratchOff: number;
}

/** Leaves of one tree as a permutation of 0..n−1 and the start of each leaf in it (plus n at the end). */
export interface RpLeaves {
  order: Int32Array;
  starts: Int32Array;
}

/** Tree t's seed in a run seeded with `seed`. */
export function treeSeed(seed: number, t: number): number {
  return seed * 7919 + t + 1;
}

export function buildRpTree(store: RowStore, leafSize: number, seed: number): RpLeaves {
  const { engine, n, rowFloats, scratchOff } = store;
  const mem = engine.memory;
  const rnd = mulberry32(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const side = new Float32Array(n);
  const outOff = scratchOff + rowFloats;
  const starts: number[] = [];
  // An explicit stack of [lo, hi) ranges of `order`, split in place (no recursion depth limit).
  const stack: number[] = [0, n];
  while (stack.length) {
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    const m = hi - lo;
    if (m <= leafSize) {
      starts.push(lo);
      continue;
    }
    const a = order[lo + Math.floor(rnd() * m)];
    let b = order[lo + Math.floor(rnd() * m)];
    if (a === b) b = order[lo + ((order.indexOf(a, lo) - lo + 1) % m)];
    const aOff = a * rowFloats;
    const bOff = b * rowFloats;
    for (let t = 0; t < rowFloats; t++) mem[scratchOff + t] = mem[aOff + t] - mem[bOff + t];
    let left = 0;
    for (let p = lo; p < hi; p++) {
      // dots() into this thread's scratch (not dot()'s one shared slot): threads build trees at once.
      engine.dots(order[p] * rowFloats, 1, scratchOff, 1, rowFloats, outOff, 1);
      const s = mem[outOff];
      side[p] = s;
      if (s < 0) left++;
    }
    // Duplicate points (or a=b after all) give no hyperplane: split at random so the recursion ends.
    if (left === 0 || left === m) for (let p = lo; p < hi; p++) side[p] = rnd() < 0.5 ? -1 : 1;
    // Partition [lo, hi) by the sign of side[], keeping side[] aligned with order[].
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      if (side[i] < 0) i++;
      else {
        const to = order[i];
        order[i] = order[j];
        order[j] = to;
        const ts = side[i];
        side[i] = side[j];
        side[j] = ts;
        j--;
      }
    }
    if (i === lo || i === hi) {
      // All on one side after the random fallback (tiny m): halve the range.
      const mid = lo + (m >> 1);
      stack.push(lo, mid, mid, hi);
    } else stack.push(lo, i, i, hi);
  }
  starts.sort((x, y) => x - y);
  starts.push(n);
  return { order, starts: Int32Array.from(starts) };
}
