// LZ4 frame decoding (the LZ4 frame format, version 1): what Arrow IPC files and Feather v2 carry
// when written with `compression='lz4'` (pyarrow's default for Feather). Pure TypeScript; one
// contiguous output, so blocks that reference earlier blocks (linked mode) need nothing extra.
// Checksums (header, block, content) are skipped, not verified: a corrupt frame fails on its
// structure (an offset before the start, a length past the end) with the byte position named.

const MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;

export class Lz4Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Lz4Error';
  }
}

class Out {
  buf: Uint8Array;
  n = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(64, size));
  }
  reserve(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
}

const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

/** Decodes one LZ4 block (src[start, end)) onto the end of out. */
function decodeBlock(src: Uint8Array, start: number, end: number, out: Out): void {
  let i = start;
  while (i < end) {
    const token = src[i++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b;
      do {
        if (i >= end) throw new Lz4Error(`literal length runs past the block at byte ${i}`);
        b = src[i++];
        lit += b;
      } while (b === 255);
    }
    if (i + lit > end) throw new Lz4Error(`${lit} literals run past the block at byte ${i}`);
    out.reserve(lit);
    out.buf.set(src.subarray(i, i + lit), out.n);
    out.n += lit;
    i += lit;
    if (i >= end) break; // the last sequence has literals only
    if (i + 2 > end) throw new Lz4Error(`match offset cut at byte ${i}`);
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > out.n) throw new Lz4Error(`match offset ${offset} at byte ${i - 2} points before the start of the data`);
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b;
      do {
        if (i >= end) throw new Lz4Error(`match length runs past the block at byte ${i}`);
        b = src[i++];
        len += b;
      } while (b === 255);
    }
    out.reserve(len);
    const buf = out.buf;
    let from = out.n - offset;
    if (offset >= len) {
      buf.copyWithin(out.n, from, from + len);
      out.n += len;
    } else {
      // Overlapping copy: the match repeats the last `offset` bytes.
      for (let k = 0; k < len; k++) buf[out.n++] = buf[from++];
    }
  }
}

/** Decodes an LZ4 frame (or several concatenated, skippable frames ignored) to its bytes. */
export function decodeLz4Frame(src: Uint8Array): Uint8Array {
  let i = 0;
  let out: Out | null = null;
  while (i < src.length) {
    if (i + 4 > src.length) throw new Lz4Error(`frame cut at byte ${i}`);
    const magic = u32(src, i);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
      i += 8 + u32(src, i + 4);
      continue;
    }
    if (magic !== MAGIC) throw new Lz4Error(`not an LZ4 frame: magic 0x${magic.toString(16)} at byte ${i}`);
    i += 4;
    const flg = src[i];
    if (flg >>> 6 !== 1) throw new Lz4Error(`LZ4 frame version ${flg >>> 6} at byte ${i}, expected 1`);
    const blockChecksum = (flg & 0x10) !== 0;
    const hasSize = (flg & 0x08) !== 0;
    const contentChecksum = (flg & 0x04) !== 0;
    const hasDict = (flg & 0x01) !== 0;
    if (hasDict) throw new Lz4Error(`LZ4 frame at byte ${i - 4} needs a dictionary`);
    i += 2; // FLG, BD
    let size = 0;
    if (hasSize) {
      size = u32(src, i) + u32(src, i + 4) * 2 ** 32;
      i += 8;
    }
    i += 1; // header checksum
    out ??= new Out(size || src.length * 4);
    for (;;) {
      if (i + 4 > src.length) throw new Lz4Error(`block size cut at byte ${i}`);
      const word = u32(src, i);
      i += 4;
      if (word === 0) break; // end mark
      const n = word & 0x7fffffff;
      if (i + n > src.length) throw new Lz4Error(`block of ${n} bytes at byte ${i} runs past the end (${src.length} bytes)`);
      if (word & 0x80000000) {
        out.reserve(n);
        out.buf.set(src.subarray(i, i + n), out.n);
        out.n += n;
      } else decodeBlock(src, i, i + n, out);
      i += n + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum) i += 4;
  }
  return out ? out.buf.subarray(0, out.n) : new Uint8Array(0);
}
