// Fixed-size bitsets over a gallery's images (one bit per image), the currency of truth search.

export function words(n: number): number {
  return (n + 31) >>> 5;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function fullBits(n: number): Uint32Array {
  const b = new Uint32Array(words(n)).fill(0xffffffff);
  const rest = n & 31;
  if (rest) b[b.length - 1] = (1 << rest) - 1 >>> 0;
  if (n === 0) b.fill(0);
  return b;
}

export function setBit(b: Uint32Array, i: number): void {
  b[i >>> 5] |= 1 << (i & 31);
}

export function hasBit(b: Uint32Array, i: number): boolean {
  return (b[i >>> 5] & (1 << (i & 31))) !== 0;
}

export function count(b: Uint32Array): number {
  let c = 0;
  for (let w = 0; w < b.length; w++) if (b[w]) c += popcount32(b[w]);
  return c;
}

/** dst = a & b; returns the number of set bits. */
export function andInto(dst: Uint32Array, a: Uint32Array, b: Uint32Array): number {
  let c = 0;
  for (let w = 0; w < dst.length; w++) {
    const v = a[w] & b[w];
    dst[w] = v;
    if (v) c += popcount32(v);
  }
  return c;
}

/** Set bit positions in increasing order. */
export function toIndices(b: Uint32Array, size?: number): Int32Array {
  const out = new Int32Array(size ?? count(b));
  let k = 0;
  for (let w = 0; w < b.length; w++) {
    let v = b[w];
    while (v) {
      const low = v & -v;
      out[k++] = (w << 5) + (31 - Math.clz32(low));
      v ^= low;
    }
  }
  return out;
}
