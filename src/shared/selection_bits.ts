// A map selection on the wire: a bitset over the map's points (images first, then captions; bit i
// is bit i % 8 of byte i >> 3), base64. A million points take 167 KB, where index lists of a
// large lasso would pass the WebSocket's 1 MiB message limit. Pure; no Buffer, no DOM.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The selection mask (one byte per point, non-zero = selected) as base64 bits. */
export function encodeSelectionBits(mask: ArrayLike<number>): string {
  const bytes = new Uint8Array((mask.length + 7) >> 3);
  for (let i = 0; i < mask.length; i++) if (mask[i]) bytes[i >> 3] |= 1 << (i & 7);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63] : '=';
  }
  return out;
}

/** Image and caption indices of base64 bits over `nImages + nCaptions` points; throws on bad input. */
export function decodeSelectionBits(bits: string, nImages: number, nCaptions: number): { images: number[]; captions: number[] } {
  const clean = bits.replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((clean.length * 6) / 8));
  let acc = 0;
  let nbits = 0;
  let k = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = ALPHABET.indexOf(clean[i]);
    if (v < 0) throw new RangeError(`selection bits: "${clean[i]}" at ${i} is not base64`);
    acc = ((acc << 6) | v) & 0xffffff;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      bytes[k++] = (acc >> nbits) & 255;
    }
  }
  const n = nImages + nCaptions;
  if (bytes.length !== (n + 7) >> 3) throw new RangeError(`selection bits cover ${bytes.length * 8} points; the map has ${n}`);
  const images: number[] = [];
  const captions: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(bytes[i >> 3] & (1 << (i & 7)))) continue;
    if (i < nImages) images.push(i);
    else captions.push(i - nImages);
  }
  return { images, captions };
}
