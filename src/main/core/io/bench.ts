// `npm run bench -- thumbnails`: what the map tooltip costs per image, the original file against a
// w=256 thumbnail (first request: made with sharp and cached; second: read from the cache), on
// generated 3000×2000 photo-like JPEGs.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, closeSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatasetImage } from './image_file.js';
import { ImageConverter } from './thumbnail.js';
import { loadSharp } from './sharp_load.js';

const ms = (t0: number): number => performance.now() - t0;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function benchThumbnails(images = 4): Promise<object> {
  const sharp = await loadSharp();
  if (!sharp) return { skipped: 'sharp cannot load on this machine' };
  const dir = mkdtempSync(path.join(tmpdir(), 'mlens-bench-thumbs-'));
  try {
    mkdirSync(path.join(dir, 'images'));
    const w = 3000;
    const h = 2000;
    for (let i = 0; i < images; i++) {
      // A smooth gradient with fine noise: compresses like a photo, not like a flat fill.
      const px = Buffer.alloc(w * h * 3);
      let s = 12345 + i;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          s = (s * 1103515245 + 12345) >>> 0;
          const n = (s >>> 24) % 24;
          const o = (y * w + x) * 3;
          px[o] = ((x * 255) / w + n) & 255;
          px[o + 1] = ((y * 255) / h + n + i * 40) & 255;
          px[o + 2] = (((x + y) * 128) / (w + h) + n) & 255;
        }
      writeFileSync(path.join(dir, 'images', `${i}.jpg`), await sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
    }
    const conv = new ImageConverter(path.join(dir, 'thumbnails'));
    const original = { bytes: [] as number[], ms: [] as number[] };
    const first = { bytes: [] as number[], ms: [] as number[] };
    const cached = { bytes: [] as number[], ms: [] as number[] };
    for (let i = 0; i < images; i++) {
      const rel = `images/${i}.jpg`;
      let t0 = performance.now();
      const f = openDatasetImage(dir, rel);
      const buf = Buffer.alloc(f.size);
      readSync(f.fd, buf, 0, f.size, 0);
      closeSync(f.fd);
      original.ms.push(ms(t0));
      original.bytes.push(buf.length);
      for (const into of [first, cached]) {
        t0 = performance.now();
        const a = await conv.answer(dir, rel, 256);
        into.ms.push(ms(t0));
        into.bytes.push(a.kind === 'bytes' ? a.bytes.length : a.file.size);
      }
    }
    const row = (r: { bytes: number[]; ms: number[] }) => ({ bytesPerImage: Math.round(mean(r.bytes)), msPerImage: Number(mean(r.ms).toFixed(2)) });
    return { images, size: `${w}x${h} JPEG`, w: 256, original: row(original), thumbnailFirst: row(first), thumbnailCached: row(cached), bytesRatio: Number((mean(original.bytes) / mean(cached.bytes)).toFixed(1)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
