// Which image type a file holds, from its first bytes, never from its name: a dataset file named
// .png that holds SVG or HTML must not reach a browser as something it would run.

export type ImageType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | 'image/avif';

/** How many leading bytes sniffImage needs. */
export const SNIFF_BYTES = 32;

const ascii = (b: Uint8Array, at: number, s: string): boolean => {
  if (b.length < at + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
};

export function sniffImage(head: Uint8Array): ImageType | null {
  if (head.length >= 8 && head[0] === 0x89 && ascii(head, 1, 'PNG\r\n\x1a\n')) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'image/gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'image/webp';
  // ISO-BMFF: [size]['ftyp'][major brand][minor version][compatible brands…]
  if (ascii(head, 4, 'ftyp')) {
    const size = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
    const end = Math.min(head.length, size || head.length);
    for (let at = 8; at + 4 <= end; at += at === 8 ? 8 : 4) {
      if (ascii(head, at, 'avif') || ascii(head, at, 'avis')) return 'image/avif';
    }
  }
  return null;
}
