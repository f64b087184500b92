// Decoding dataset images in plain JS (pngjs, jpeg-js): PNG and JPEG, told apart by their magic
// bytes, not their extension. WebP, GIF, BMP… are refused with UnsupportedImageError (the encoder
// skips the image and lists a Problem naming the file). Limits keep a hostile file from taking
// the process's memory.
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major RGBA. */
  data: Uint8Array;
}

/** The file cannot be decoded (corrupt, truncated, unsupported format). */
export class ImageDecodeError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ImageDecodeError';
  }
}

export class UnsupportedImageError extends ImageDecodeError {
  constructor(file: string, format: string) {
    super(file, `${format} images are not supported by the built-in decoder (PNG and JPEG are); convert it or use another encoder`);
    this.name = 'UnsupportedImageError';
  }
}

/** Largest image decoded, in megapixels. */
export const MAX_MEGAPIXELS = 100;

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp' | 'unknown';

export function sniffFormat(buf: Uint8Array): ImageFormat {
  if (buf.length >= 8 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 12 && String.fromCharCode(...buf.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...buf.subarray(8, 12)) === 'WEBP') return 'webp';
  if (buf.length >= 6 && String.fromCharCode(...buf.subarray(0, 4)) === 'GIF8') return 'gif';
  if (buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d) return 'bmp';
  return 'unknown';
}

function pngSize(buf: Uint8Array): [number, number] | null {
  if (buf.length < 24) return null;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return [dv.getUint32(16), dv.getUint32(20)];
}

/** Decodes PNG or JPEG bytes to 8-bit RGBA; `file` names the image in errors. */
export function decodeImage(buf: Uint8Array, file: string): RgbaImage {
  const format = sniffFormat(buf);
  if (format === 'png') {
    const size = pngSize(buf);
    if (size && size[0] * size[1] > MAX_MEGAPIXELS * 1e6) throw new ImageDecodeError(file, `is ${size[0]}×${size[1]}, more than ${MAX_MEGAPIXELS} megapixels`);
    try {
      const png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } catch (e) {
      throw new ImageDecodeError(file, `corrupt PNG (${(e as Error).message})`);
    }
  }
  if (format === 'jpeg') {
    try {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 1024 });
      if (!img.width || !img.height) throw new Error('no image data');
      return { width: img.width, height: img.height, data: img.data };
    } catch (e) {
      throw new ImageDecodeError(file, `corrupt JPEG (${(e as Error).message})`);
    }
  }
  if (format === 'unknown') throw new ImageDecodeError(file, 'is not a PNG or JPEG file (unrecognised header)');
  throw new UnsupportedImageError(file, format.toUpperCase());
}

/** Reads and decodes an image file; `name` (dataset-relative path) names it in errors. */
export function decodeImageFile(abs: string, name = abs): RgbaImage {
  let buf: Buffer;
  try {
    buf = readFileSync(abs);
  } catch (e) {
    throw new ImageDecodeError(name, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeImage(buf, name);
}

/**
 * Area-averaged resize to size × size RGB floats in 0..1 (aspect ratio not kept), alpha composited
 * over white. Output is row-major, 3 floats per pixel.
 */
export function resizeRgb(img: RgbaImage, size: number): Float32Array {
  const { width: w, height: h, data } = img;
  const out = new Float32Array(size * size * 3);
  const weight = new Float32Array(size * size);
  // Each source pixel adds to the output cell its centre falls in (box filter); for upscaling,
  // each output pixel samples its nearest source pixel.
  if (w >= size && h >= size) {
    for (let y = 0; y < h; y++) {
      const oy = Math.min(size - 1, Math.floor(((y + 0.5) * size) / h));
      for (let x = 0; x < w; x++) {
        const ox = Math.min(size - 1, Math.floor(((x + 0.5) * size) / w));
        const s = (y * w + x) * 4;
        const a = data[s + 3] / 255;
        const o = oy * size + ox;
        out[3 * o] += (data[s] / 255) * a + (1 - a);
        out[3 * o + 1] += (data[s + 1] / 255) * a + (1 - a);
        out[3 * o + 2] += (data[s + 2] / 255) * a + (1 - a);
        weight[o]++;
      }
    }
    for (let o = 0; o < size * size; o++) {
      const inv = weight[o] ? 1 / weight[o] : 0;
      out[3 * o] *= inv;
      out[3 * o + 1] *= inv;
      out[3 * o + 2] *= inv;
    }
    return out;
  }
  for (let oy = 0; oy < size; oy++) {
    const y = Math.min(h - 1, Math.floor(((oy + 0.5) * h) / size));
    for (let ox = 0; ox < size; ox++) {
      const x = Math.min(w - 1, Math.floor(((ox + 0.5) * w) / size));
      const s = (y * w + x) * 4;
      const a = data[s + 3] / 255;
      const o = oy * size + ox;
      out[3 * o] = (data[s] / 255) * a + (1 - a);
      out[3 * o + 1] = (data[s + 1] / 255) * a + (1 - a);
      out[3 * o + 2] = (data[s + 2] / 255) * a + (1 - a);
    }
  }
  return out;
}
