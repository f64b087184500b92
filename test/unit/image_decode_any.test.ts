// Every common image format decodes for the encoders, upright (EXIF orientation applied): real
// files written by sharp, then read back through the app's decoder and the built-in encoder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { decodeAnyImage, sniffAnyFormat } from '../../src/main/core/encoders/image_decode_any.js';
import { ImageDecodeError } from '../../src/main/core/encoders/image_decode.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

/** 8 × 4: left half red, right half blue. */
async function twoTone(): Promise<Buffer> {
  const w = 8;
  const h = 4;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

const FORMATS = ['png', 'jpeg', 'webp', 'avif', 'gif', 'tiff'] as const;

async function encodeAs(fmt: (typeof FORMATS)[number]): Promise<Buffer> {
  const s = sharp(await twoTone());
  if (fmt === 'webp') return s.webp({ lossless: true }).toBuffer();
  if (fmt === 'avif') return s.avif({ lossless: true }).toBuffer();
  if (fmt === 'jpeg') return s.jpeg({ quality: 100 }).toBuffer();
  return s.toFormat(fmt).toBuffer();
}

describe('decoding every common format', () => {
  for (const fmt of FORMATS) {
    it(`${fmt}: recognised by content and decoded to the same picture`, async () => {
      const bytes = await encodeAs(fmt);
      expect(sniffAnyFormat(bytes)).toBe(fmt);
      const img = await decodeAnyImage(bytes, `x.${fmt}`);
      expect([img.width, img.height]).toEqual([8, 4]);
      const px = (x: number, y: number) => Array.from(img.data.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 3));
      const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 40);
      expect(near(px(1, 1), [255, 0, 0]), `${fmt} left ${px(1, 1)}`).toBe(true);
      expect(near(px(6, 2), [0, 0, 255]), `${fmt} right ${px(6, 2)}`).toBe(true);
    });
  }

  it('applies the EXIF orientation: a JPEG stored sideways decodes upright', async () => {
    const rotated = await sharp(await twoTone()).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeAnyImage(rotated, 'sideways.jpg');
    // orientation 6 = rotate 90° clockwise to view: 8 × 4 stored becomes 4 × 8 shown
    expect([img.width, img.height]).toEqual([4, 8]);
  });

  it('names corrupt and unknown files', async () => {
    const noise = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 251));
    const webp = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).webp({ quality: 90 }).toBuffer();
    await expect(decodeAnyImage(webp.subarray(0, Math.floor(webp.length / 2)), 'images/cut.webp')).rejects.toThrow(/^images\/cut\.webp: corrupt WEBP/);
    await expect(decodeAnyImage(Buffer.from('hello, not an image'), 'a.png')).rejects.toThrow(ImageDecodeError);
    await expect(decodeAnyImage(Buffer.from('hello, not an image'), 'a.png')).rejects.toThrow(/a\.png: is not an image file/);
  });
});

describe('the built-in encoder reads them all', () => {
  it('encodes a folder of WebP, AVIF, GIF and TIFF images with no problem', async () => {
    const dir = join(tmp.dir, 'formats');
    mkdirSync(join(dir, 'images'), { recursive: true });
    const lines: string[] = [];
    for (const fmt of FORMATS) {
      writeFileSync(join(dir, 'images', `pic.${fmt}`), await encodeAs(fmt));
      lines.push(JSON.stringify({ image: `images/pic.${fmt}`, caption: `a red and blue ${fmt} picture` }));
    }
    writeFileSync(join(dir, 'captions.jsonl'), `${lines.join('\n')}\n`);
    const ds = await openDataset(dir);
    const r = await encodeSpace({ dataset: ds, encoderSpec: 'baseline:hidden=16,dims=8,steps=4,minEpochs=1', projectDir: join(dir, '.mlens') });
    expect(r.problems).toEqual([]);
    expect(r.stats).toMatchObject({ imagesEncoded: FORMATS.length, imagesSkipped: 0 });
  });
});
