// Exact top-k by dot product (cosine on L2-normalised rows) for one query against a gallery.
// Rows are contiguous; one pass over the gallery, a small insertion-sorted heap of k.

export interface TopK {
  indices: Int32Array;
  scores: Float32Array;
}

export function topKDot(query: Float32Array, gallery: Float32Array, dims: number, k: number): TopK {
  const n = Math.floor(gallery.length / dims);
  k = Math.min(k, n);
  const idx = new Int32Array(k).fill(-1);
  const sc = new Float32Array(k).fill(-Infinity);
  for (let g = 0; g < n; g++) {
    let s = 0;
    const off = g * dims;
    for (let d = 0; d < dims; d++) s += query[d] * gallery[off + d];
    if (s > sc[k - 1] || (idx[k - 1] === -1 && !Number.isNaN(s))) {
      let j = k - 1;
      while (j > 0 && (sc[j - 1] < s || idx[j - 1] === -1)) {
        sc[j] = sc[j - 1];
        idx[j] = idx[j - 1];
        j--;
      }
      sc[j] = s;
      idx[j] = g;
    }
  }
  return { indices: idx, scores: sc };
}

export function row(matrix: Float32Array, dims: number, i: number): Float32Array {
  return matrix.subarray(i * dims, (i + 1) * dims);
}
