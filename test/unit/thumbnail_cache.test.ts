// The thumbnail cache's size limit: real thumbnails made by the converter, the least recently
// used removed first (a cache hit counts as a use), the limit from MLENS_THUMB_CACHE_MB or the
// setting, with a default.
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSettings } from '../../src/main/core/io/data_dir.js';
import { ImageConverter } from '../../src/main/core/io/thumbnail.js';
import { DEFAULT_THUMB_CACHE_MB, thumbnailCacheBytes } from '../../src/main/core/io/thumbnail_cache.js';
import { cleanupTmp, tmpDir } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

function cacheFiles(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const sub of readdirSync(dir)) for (const n of readdirSync(join(dir, sub))) out.set(n, statSync(join(dir, sub, n)).size);
  return out;
}

describe('thumbnail cache limit', () => {
  it('removes the least recently used thumbnails when a new one takes the cache over its limit', async () => {
    const root = tmpDir();
    mkdirSync(join(root, 'images'));
    for (let i = 0; i < 5; i++) {
      const px = Buffer.alloc(900 * 600 * 3);
      for (let k = 0; k < px.length; k++) px[k] = (k * 3 + (k >> 7) + i * 40) & 255; // same texture, another colour: thumbnails of about one size
      writeFileSync(join(root, 'images', `p${i}.jpg`), await sharp(px, { raw: { width: 900, height: 600, channels: 3 } }).jpeg().toBuffer());
    }
    const cache = join(root, 'data', 'thumbnails');
    const first = new ImageConverter(cache);
    const hashes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const a = await first.answer(root, `images/p${i}.jpg`, 256);
      expect(a.kind).toBe('bytes');
      hashes.push([...cacheFiles(cache).keys()].find((n) => !hashes.includes(n))!);
    }
    const sizes = cacheFiles(cache);
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    // last used one after the other, an hour apart, p0 longest ago
    hashes.forEach((n, i) => {
      const f = join(cache, n.slice(0, 2), n);
      utimesSync(f, new Date(Date.now() - (10 - i) * 3600_000), statSync(f).mtime);
    });

    const limited = new ImageConverter(cache, { maxBytes: total + 10 });
    expect(await limited.answer(root, 'images/p0.jpg', 256)).toMatchObject({ cached: true }); // p0 is now the most recent
    await limited.answer(root, 'images/p4.jpg', 256); // over the limit: p1 (then p2, …) go
    const left = cacheFiles(cache);
    expect(left.has(hashes[0])).toBe(true);
    expect(left.has(hashes[1])).toBe(false);
    expect([...left.values()].reduce((a, b) => a + b, 0)).toBeLessThanOrEqual((total + 10) * 0.9);
    expect(left.size).toBeGreaterThanOrEqual(2);
  });

  it('the limit: MLENS_THUMB_CACHE_MB, else the setting, else the default; nonsense is named', () => {
    const data = tmpDir();
    expect(thumbnailCacheBytes(data, {})).toBe(DEFAULT_THUMB_CACHE_MB * 2 ** 20);
    writeSettings(data, { thumbnailCacheMb: 64 });
    expect(thumbnailCacheBytes(data, {})).toBe(64 * 2 ** 20);
    expect(thumbnailCacheBytes(data, { MLENS_THUMB_CACHE_MB: '8' })).toBe(8 * 2 ** 20);
    expect(() => thumbnailCacheBytes(data, { MLENS_THUMB_CACHE_MB: 'big' })).toThrow(/thumbnail cache limit/);
  });
});
