// Binary search in an ascending array.

/** Whether the ascending array `a` holds `x`. */
export function sortedIncludes(a: ArrayLike<number>, x: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid];
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
