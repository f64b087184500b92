// Positive pairs in a compact, transferable layout: for each caption (row) the sorted image
// indices (columns) valid for it. Plain typed arrays, so the lists cross a worker boundary.

export interface Csr {
  /** items[offsets[r] .. offsets[r + 1]) are row r's columns, ascending, distinct. */
  offsets: Int32Array;
  items: Int32Array;
}

export function csrFromLists(lists: ArrayLike<ArrayLike<number> | null | undefined>, nRows = lists.length): Csr {
  const offsets = new Int32Array(nRows + 1);
  const rows: Int32Array[] = new Array(nRows);
  for (let r = 0; r < nRows; r++) {
    const l = r < lists.length ? lists[r] : null;
    const sorted = l ? Int32Array.from(l).sort() : new Int32Array(0);
    let u = 0;
    for (let k = 0; k < sorted.length; k++) if (u === 0 || sorted[k] !== sorted[u - 1]) sorted[u++] = sorted[k];
    rows[r] = sorted.subarray(0, u);
    offsets[r + 1] = offsets[r] + u;
  }
  const items = new Int32Array(offsets[nRows]);
  for (let r = 0; r < nRows; r++) items.set(rows[r], offsets[r]);
  return { offsets, items };
}

/** Pairs [row, col] into a Csr of nRows rows. */
export function csrFromPairs(pairs: ReadonlyArray<readonly [number, number]>, nRows: number): Csr {
  const lists: number[][] = Array.from({ length: nRows }, () => []);
  for (const [r, c] of pairs) if (r >= 0 && r < nRows) lists[r].push(c);
  return csrFromLists(lists, nRows);
}

export function csrRows(m: Csr): number {
  return m.offsets.length - 1;
}

export function csrRow(m: Csr, r: number): Int32Array {
  return m.items.subarray(m.offsets[r], m.offsets[r + 1]);
}

export function csrHas(m: Csr, r: number, c: number): boolean {
  let lo = m.offsets[r];
  let hi = m.offsets[r + 1] - 1;
  const items = m.items;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = items[mid];
    if (v === c) return true;
    if (v < c) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Row-wise union of two matrices with the same rows. */
export function csrUnion(a: Csr, b: Csr): Csr {
  const n = csrRows(a);
  if (csrRows(b) !== n) throw new RangeError(`csrUnion: ${n} and ${csrRows(b)} rows`);
  const lists: number[][] = new Array(n);
  for (let r = 0; r < n; r++) lists[r] = [...csrRow(a, r), ...csrRow(b, r)];
  return csrFromLists(lists, n);
}

/** The transpose: nCols rows. */
export function csrTranspose(m: Csr, nCols: number): Csr {
  const counts = new Int32Array(nCols + 1);
  for (const c of m.items) counts[c + 1]++;
  for (let c = 0; c < nCols; c++) counts[c + 1] += counts[c];
  const fill = counts.slice(0, nCols);
  const items = new Int32Array(m.items.length);
  const n = csrRows(m);
  for (let r = 0; r < n; r++) for (let k = m.offsets[r]; k < m.offsets[r + 1]; k++) items[fill[m.items[k]]++] = r;
  return { offsets: counts, items };
}

/** Number of stored pairs. */
export function csrCount(m: Csr): number {
  return m.items.length;
}
