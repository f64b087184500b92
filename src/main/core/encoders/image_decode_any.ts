// Decoding dataset images of every common format with sharp (libvips): PNG, JPEG, WebP, AVIF, GIF
// (first frame) and TIFF, with the EXIF orientation applied, so the encoders see the picture as a
// viewer shows it. PNG stays on the plain-JS decoder: it is lossless, bit-identical either way, and
// keeps the sample's features independent of the libvips build. Where sharp cannot load (a machine
// without its prebuilt binary), PNG and JPEG still decode in plain JS and the rest are refused.
import { readFile } from 'node:fs/promises';
import { loadSharp } from '../io/sharp_load.js';
import { decodeImage, ImageDecodeError, MAX_MEGAPIXELS, UnsupportedImageError, type RgbaImage } from './image_decode.js';

export type AnyImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'avif' | 'tiff' | 'bmp' | 'unknown';

export function sniffAnyFormat(b: Uint8Array): AnyImageFormat {
  const at = (i: number, s: string): boolean => b.length >= i + s.length && [...s].every((ch, k) => b[i + k] === ch.charCodeAt(0));
  if (b.length >= 8 && b[0] === 0x89 && at(1, 'PNG')) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'webp';
  if (at(0, 'GIF8')) return 'gif';
  if (at(4, 'ftyp') && (at(8, 'avif') || at(8, 'avis'))) return 'avif';
  if (at(0, 'II*\0') || at(0, 'MM\0*')) return 'tiff';
  if (at(0, 'BM')) return 'bmp';
  return 'unknown';
}

/** Decodes image bytes of any supported format to 8-bit RGBA, upright; `file` names it in errors. */
export async function decodeAnyImage(buf: Uint8Array, file: string): Promise<RgbaImage> {
  const format = sniffAnyFormat(buf);
  if (format === 'png') return decodeImage(buf, file);
  if (format === 'unknown') throw new ImageDecodeError(file, 'is not an image file (unrecognised header; PNG, JPEG, WebP, AVIF, GIF and TIFF are read)');
  if (format === 'bmp') throw new UnsupportedImageError(file, 'BMP');
  const sharp = await loadSharp();
  if (!sharp) {
    if (format === 'jpeg') return decodeImage(buf, file);
    throw new UnsupportedImageError(file, format.toUpperCase());
  }
  try {
    const { data, info } = await sharp(buf, { limitInputPixels: MAX_MEGAPIXELS * 1e6, failOn: 'error', pages: 1 })
      .rotate()
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    const msg = ((e as Error).message ?? String(e)).split('\n')[0];
    if (/pixel limit/i.test(msg)) throw new ImageDecodeError(file, `is larger than ${MAX_MEGAPIXELS} megapixels`);
    throw new ImageDecodeError(file, `corrupt ${format.toUpperCase()} (${msg})`);
  }
}

/** Reads and decodes an image file; `name` (dataset-relative path) names it in errors. */
export async function decodeAnyImageFile(abs: string, name = abs): Promise<RgbaImage> {
  let buf: Buffer;
  try {
    buf = await readFile(abs);
  } catch (e) {
    throw new ImageDecodeError(name, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeAnyImage(buf, name);
}
