// Thumbnails over HTTP /lens/…?w=N from the real `serve` process, with real images made by sharp:
// the size and orientation a viewer would see, PNG for images with alpha, a TIFF served as PNG, a
// corrupt JPEG refused with a short 415, a tar member thumbnailed from its byte range, the second
// request answered from the disk cache, and a burst of 500 requests leaving no file open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../helpers/tmp.js';
import { tarBytes } from '../helpers/tar.js';
import { connectApi, serveSample, until, type ServeHandle } from '../helpers/server.js';
import { httpGet } from './http_raw.js';
import { fdCount, record } from './report.js';

/** A w×h RGB image whose left half is red and right half blue (as stored). */
function halves(w: number, h: number): ReturnType<typeof sharp> {
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set(x < w / 2 ? [220, 20, 20] : [20, 20, 220], (y * w + x) * 3);
  return sharp(px, { raw: { width: w, height: h, channels: 3 } });
}

function files(dir: string): string[] {
  let out: string[] = [];
  try {
    for (const n of readdirSync(dir, { withFileTypes: true })) out = out.concat(n.isDirectory() ? files(join(dir, n.name)) : [join(dir, n.name)]);
  } catch {
    // no cache folder yet
  }
  return out;
}

describe('thumbnails', () => {
  let tmp: { dir: string; cleanup: () => void };
  let server: ServeHandle;
  let dataset: string;
  let dataDir: string;
  let q: string;
  let photo: Buffer;
  const get = (p: string, w?: number) => httpGet(server.port, `/lens/${p}${q}${w ? `&w=${w}` : ''}`);

  beforeAll(async () => {
    tmp = tempDir('mlens-thumbs-');
    const s = await serveSample(tmp.dir, 100);
    server = s.server;
    dataset = s.dataset;
    dataDir = s.dataDir;
    q = `?token=${server.token}`;
    const img = join(dataset, 'images');
    // Stored 3000×2000 with EXIF orientation 6: a viewer turns it a quarter clockwise, to 2000×3000, red on top.
    photo = await halves(3000, 2000).jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toBuffer();
    writeFileSync(join(img, 'photo.jpg'), photo);
    const alpha = Buffer.alloc(800 * 400 * 4);
    for (let i = 0; i < 800 * 400; i++) alpha.set([30, 160, 30, i % 800 < 400 ? 255 : 0], i * 4);
    writeFileSync(join(img, 'alpha.png'), await sharp(alpha, { raw: { width: 800, height: 400, channels: 4 } }).png().toBuffer());
    writeFileSync(join(img, 'scan.tif'), await halves(600, 400).tiff().toBuffer());
    writeFileSync(join(img, 'pic.webp'), await halves(1000, 500).webp().toBuffer());
    writeFileSync(join(img, 'corrupt.jpg'), Buffer.concat([photo.subarray(0, 4), Buffer.alloc(5000, 0x37)]));
    mkdirSync(join(dataset, 'shards'));
    writeFileSync(join(dataset, 'shards', '00000.tar'), tarBytes([{ name: '000001.jpg', data: await halves(1200, 600).jpeg().toBuffer() }, { name: '000001.txt', data: 'a caption' }]));
    for (let i = 0; i < 6; i++) writeFileSync(join(img, `big${i}.jpg`), await halves(3000, 2000).modulate({ hue: i * 40 }).jpeg().toBuffer());
    const api = await connectApi(server);
    await until(async () => (await api.call('app.session')).dataset?.images === 100, 'the sample to open');
    api.close();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  it('makes a JPEG thumbnail at most w px on its long side, upright, and answers the second request from the disk cache', async () => {
    const r = await get('images/photo.jpg', 256);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('image/jpeg');
    expect(r.headers['content-security-policy']).toMatch(/sandbox/);
    expect(r.body.length).toBeLessThan(photo.length / 10);
    const { data, info } = await sharp(r.body).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([171, 256]);
    const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const [rt, , bt] = at(85, 20);
    const [rb, , bb] = at(85, 235);
    expect(rt).toBeGreaterThan(bt + 100); // red on top
    expect(bb).toBeGreaterThan(rb + 100); // blue below

    const cache = files(join(dataDir, 'thumbnails')).filter((f) => f.endsWith('-256.jpg'));
    expect(cache).toHaveLength(1);
    const mtime = statSync(cache[0]).mtimeMs;
    const again = await get('images/photo.jpg', 256);
    expect(again.status).toBe(200);
    expect(again.body.equals(r.body)).toBe(true);
    expect(readFileSync(cache[0]).equals(r.body)).toBe(true);
    expect(statSync(cache[0]).mtimeMs).toBe(mtime);
    expect(files(join(dataDir, 'thumbnails')).filter((f) => f.endsWith('.jpg'))).toHaveLength(1);

    const small = await get('images/photo.jpg', 128);
    expect((await sharp(small.body).metadata()).height).toBe(128);
    // Without w, the original bytes as before.
    const orig = await get('images/photo.jpg');
    expect(orig.headers['content-type']).toBe('image/jpeg');
    expect(orig.body.equals(photo)).toBe(true);
  });

  it('keeps alpha as PNG, serves a TIFF as PNG, thumbnails WebP and a tar member, and never enlarges', async () => {
    const a = await get('images/alpha.png', 128);
    expect(a.headers['content-type']).toBe('image/png');
    const am = await sharp(a.body).metadata();
    expect([am.width, am.height, am.hasAlpha]).toEqual([128, 64, true]);

    const tif = await get('images/scan.tif');
    expect(tif.status).toBe(200);
    expect(tif.headers['content-type']).toBe('image/png');
    const tm = await sharp(tif.body).metadata();
    expect([tm.format, tm.width, tm.height]).toEqual(['png', 600, 400]);
    const tifThumb = await get('images/scan.tif', 128);
    expect(tifThumb.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(tifThumb.body).metadata()).width).toBe(128);

    const webp = await get('images/pic.webp', 512);
    const wm = await sharp(webp.body).metadata();
    expect([wm.format, wm.width, wm.height]).toEqual(['jpeg', 512, 256]);
    expect((await get('images/pic.webp')).headers['content-type']).toBe('image/webp');

    const member = await get('shards/00000.tar%23000001.jpg', 256);
    expect(member.status).toBe(200);
    const mm = await sharp(member.body).metadata();
    expect([mm.width, mm.height]).toEqual([256, 128]);

    // A small sample image asked at 512 keeps its own size.
    const own = await sharp(readFileSync(join(dataset, 'images', '000001.png'))).metadata();
    expect(Math.max(own.width!, own.height!)).toBeLessThan(512);
    const tiny = await get('images/000001.png', 512);
    expect(tiny.headers['content-type']).toBe('image/png');
    expect(tiny.body.equals(readFileSync(join(dataset, 'images', '000001.png')))).toBe(true);
  });

  it('refuses a corrupt image with a short 415, an unknown size with 400, and bad paths as before', async () => {
    const c = await get('images/corrupt.jpg', 256);
    expect(c.status).toBe(415);
    expect(c.body.toString()).toMatch(/could not be decoded/);
    expect(c.body.toString()).not.toMatch(/\bat .*\.js|vips|node_modules/i);
    expect(c.body.length).toBeLessThan(200);
    expect((await get('images/photo.jpg', 300)).status).toBe(400);
    expect((await get('images/missing.jpg', 256)).status).toBe(404);
    expect((await get('%2E%2E/data/settings.json', 256)).status).toBeGreaterThanOrEqual(400);
    writeFileSync(join(dataset, 'images', 'script.png'), '<script>alert(1)</script>');
    expect((await get('images/script.png', 256)).status).toBe(415);
    expect((await httpGet(server.port, `/lens/images/photo.jpg?w=256`)).status).toBe(403);
    expect(server.child.exitCode).toBeNull();
  });

  it('never makes a thumbnail of the outside file while images/race.jpg is swapped for a link to it', async () => {
    const outside = join(tmp.dir, 'outside');
    mkdirSync(outside);
    const solid = (rgb: number[]) => sharp({ create: { width: 900, height: 600, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).jpeg().toBuffer();
    writeFileSync(join(outside, 'secret.jpg'), await solid([20, 200, 20]));
    const inside = join(tmp.dir, 'inside.jpg');
    writeFileSync(inside, await solid([200, 20, 20]));
    writeFileSync(join(dataset, 'images', 'race.jpg'), readFileSync(inside));
    const swapper = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'), p = require('path');
         const [img, secret, inside, secs] = process.argv.slice(1);
         const end = Date.now() + Number(secs) * 1000; let n = 0;
         while (Date.now() < end) {
           fs.symlinkSync(secret, p.join(img, '.l')); fs.renameSync(p.join(img, '.l'), p.join(img, 'race.jpg'));
           fs.copyFileSync(inside, p.join(img, '.f')); fs.renameSync(p.join(img, '.f'), p.join(img, 'race.jpg'));
           n++;
         }
         console.log(n);`,
        join(dataset, 'images'),
        join(outside, 'secret.jpg'),
        inside,
        '5',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let swaps = '';
    swapper.stdout!.on('data', (d) => (swaps += String(d)));
    const exited = new Promise((r) => swapper.once('exit', r));
    const outcomes: Record<string, number> = {};
    let attempts = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 4500) {
      const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => get('images/race.jpg', i % 2 ? 128 : 256).catch(() => ({ status: -1, body: Buffer.alloc(0) }))));
      for (const r of rs) {
        attempts++;
        let kind = String(r.status);
        if (r.status === 200) {
          const { data } = await sharp(r.body).raw().toBuffer({ resolveWithObject: true });
          kind = data[1] > data[0] ? '200 OUTSIDE FILE' : '200 inside file';
        }
        outcomes[kind] = (outcomes[kind] ?? 0) + 1;
      }
    }
    await exited;
    record({ test: 'symlink-swap race on thumbnails', attempts, outcomes, note: `${swaps.trim()} swap rounds` });
    expect(outcomes['200 OUTSIDE FILE'] ?? 0).toBe(0);
    expect(outcomes['200 inside file']).toBeGreaterThan(10);
    expect(Number(swaps)).toBeGreaterThan(50);
    for (const f of files(join(dataDir, 'thumbnails')).filter((x) => x.endsWith('.jpg'))) {
      const { data } = await sharp(f).raw().toBuffer({ resolveWithObject: true });
      expect(data[1] > data[0] && data[1] > data[2], f).toBe(false);
    }
  }, 60_000);

  it('answers a burst of 500 thumbnail requests and closes every file afterwards', async () => {
    const paths = Array.from({ length: 6 }, (_, i) => `images/big${i}.jpg`);
    // Warm up (lazy loads) on another image before counting.
    expect((await get('images/pic.webp', 128)).status).toBe(200);
    const pid = server.child.pid!;
    await new Promise((r) => setTimeout(r, 300));
    const before = fdCount(pid);
    const outcomes: Record<string, number> = {};
    let peak = before;
    const sizes = [128, 256, 512];
    const poll = setInterval(() => (peak = Math.max(peak, fdCount(pid))), 50);
    const rs = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        get(paths[i % paths.length], sizes[Math.floor(i / paths.length) % 3]).then(
          async (r) => (r.status === 200 ? Math.max(...(await sharp(r.body).metadata().then((m) => [m.width ?? 0, m.height ?? 0]))) : r.status),
          () => -1,
        ),
      ),
    );
    clearInterval(poll);
    for (const r of rs) outcomes[String(r)] = (outcomes[String(r)] ?? 0) + 1;
    let after = fdCount(pid);
    for (let i = 0; i < 50 && after > before + 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = fdCount(pid);
    }
    const made = files(join(dataDir, 'thumbnails')).filter((f) => /\/[0-9a-f]{40}-\d+\.jpg$/.test(f) && !f.includes('.tmp-'));
    record({ test: 'burst of 500 thumbnail requests (6 JPEGs 3000×2000 × 3 sizes)', attempts: 500, outcomes, fdBefore: before, fdAfter: after, note: `peak ${peak}; ${made.length} cache files` });
    expect(rs.every((r, i) => r === sizes[Math.floor(i / paths.length) % 3])).toBe(true);
    expect(after).toBeLessThanOrEqual(before + 2);
    expect(server.child.exitCode).toBeNull();
    expect(files(join(dataDir, 'thumbnails')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 180_000);
});
