// Dataset files over HTTP /lens/ from the real `serve` process: an abort storm leaves no file open,
// a symlink swapped in during requests never leaks the outside file, only images are served (with
// a CSP that forbids running anything), and bad Host, Origin and escapes are refused without
// internals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { crc32 } from 'node:zlib';
import WebSocket from 'ws';
import { mulberry32 } from '../../src/shared/random.js';
import { tempDir } from '../helpers/tmp.js';
import { connectApi, root, serveSample, until, type ServeHandle } from '../helpers/server.js';
import { abortAfterFirstBytes, httpGet } from './http_raw.js';
import { fdCount, record } from './report.js';

/** A valid PNG made `extra` bytes larger by a private ancillary chunk (viewers skip it), so that a
 * response cannot fit in the kernel's socket buffers and the server must keep the file open. */
function paddedPng(png: Buffer, extra: number): Buffer {
  const iend = png.length - 12;
  const head = Buffer.alloc(8);
  head.writeUInt32BE(extra, 0);
  head.write('mlNs', 4, 'latin1');
  const data = Buffer.alloc(extra, 0x5a);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(Buffer.from('mlNs'))), 0);
  return Buffer.concat([png.subarray(0, iend), head, data, crc, png.subarray(iend)]);
}

function noisePng(size: number, seed: number): Buffer {
  const png = new PNG({ width: size, height: size });
  const rnd = mulberry32(seed);
  for (let i = 0; i < png.data.length; i++) png.data[i] = (rnd() * 256) | 0;
  return PNG.sync.write(png);
}

describe('file serving', () => {
  let tmp: { dir: string; cleanup: () => void };
  let server: ServeHandle;
  let dataset: string;
  let outside: string;
  let q: string;

  beforeAll(async () => {
    tmp = tempDir('mlens-files-');
    const s = await serveSample(tmp.dir, 100);
    server = s.server;
    dataset = s.dataset;
    q = `?token=${server.token}`;
    outside = join(tmp.dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(dataset, 'images', 'big.png'), noisePng(1000, 1));
    writeFileSync(join(outside, 'secret.png'), noisePng(24, 99));
    const api = await connectApi(server);
    await until(async () => (await api.call('app.session')).dataset?.images === 100, 'the sample to open');
    api.close();
  });
  afterAll(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  it('closes every file after a storm of 400 downloads aborted after the first bytes', async () => {
    const html = (await httpGet(server.port, '/')).body.toString();
    const asset = /src="\.(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const paths = [`/lens/images/big.png${q}`, asset, `/lens/images/000001.png${q}`];
    // Warm up once (lazy module loads, the SQLite store, the JS bundle) before counting.
    for (const p of paths) expect((await httpGet(server.port, p)).status).toBe(200);
    const pid = server.child.pid!;
    await new Promise((r) => setTimeout(r, 300));
    const before = fdCount(pid);
    const outcomes: Record<string, number> = {};
    let peak = before;
    for (let batch = 0; batch < 8; batch++) {
      const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => abortAfterFirstBytes(server.port, paths[(batch * 50 + i) % paths.length])));
      for (const r of rs) outcomes[r] = (outcomes[r] ?? 0) + 1;
      peak = Math.max(peak, fdCount(pid));
    }
    let after = fdCount(pid);
    for (let i = 0; i < 50 && after > before + 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = fdCount(pid);
    }
    record({ test: 'abort storm: /lens/ images and a renderer asset', attempts: 400, outcomes, fdBefore: before, fdAfter: after, note: `peak ${peak}` });
    expect(outcomes.aborted).toBeGreaterThan(390);
    expect(after).toBeLessThanOrEqual(before + 2);
    expect(server.child.exitCode).toBeNull();
    expect((await httpGet(server.port, `/lens/images/000002.png${q}`)).status).toBe(200);
  });

  it('never serves the outside file while images/race.png and images/sub/ are swapped for links to it', async () => {
    const inside = readFileSync(join(dataset, 'images', '000003.png'));
    const secret = readFileSync(join(outside, 'secret.png'));
    mkdirSync(join(dataset, 'images', 'sub'));
    copyFileSync(join(dataset, 'images', '000003.png'), join(dataset, 'images', 'race.png'));
    copyFileSync(join(dataset, 'images', '000003.png'), join(dataset, 'images', 'sub', 'secret.png'));
    // A separate process swaps the file and the folder, each with a rename (atomic), as fast as it can.
    const swapper = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'), p = require('path');
         const [img, outside, inside, secs] = process.argv.slice(1);
         const end = Date.now() + Number(secs) * 1000; let n = 0;
         while (Date.now() < end) {
           fs.symlinkSync(p.join(outside, 'secret.png'), p.join(img, '.l')); fs.renameSync(p.join(img, '.l'), p.join(img, 'race.png'));
           fs.renameSync(p.join(img, 'sub'), p.join(img, '.subreal')); fs.symlinkSync(outside, p.join(img, 'sub'));
           fs.writeFileSync(p.join(img, '.f'), fs.readFileSync(inside)); fs.renameSync(p.join(img, '.f'), p.join(img, 'race.png'));
           fs.unlinkSync(p.join(img, 'sub')); fs.renameSync(p.join(img, '.subreal'), p.join(img, 'sub'));
           n++;
         }
         console.log(n);`,
        join(dataset, 'images'),
        outside,
        join(dataset, 'images', '000003.png'),
        '12',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let swaps = '';
    swapper.stdout!.on('data', (d) => (swaps += String(d)));
    const exited = new Promise((r) => swapper.once('exit', r));
    const outcomes: Record<string, number> = {};
    let leaked = 0;
    let attempts = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 11_000) {
      const rs = await Promise.all(
        Array.from({ length: 16 }, (_, i) => httpGet(server.port, `/lens/images/${i % 2 ? 'race.png' : 'sub/secret.png'}${q}`).catch(() => ({ status: -1, body: Buffer.alloc(0), headers: {} }))),
      );
      for (const r of rs) {
        attempts++;
        const kind = r.status === 200 ? (r.body.equals(inside) ? '200 inside file' : r.body.equals(secret) ? '200 OUTSIDE FILE' : '200 other') : String(r.status);
        outcomes[kind] = (outcomes[kind] ?? 0) + 1;
        if (r.body.includes(secret)) leaked++;
      }
    }
    await exited;
    record({ test: 'symlink-swap race on a file and a folder', attempts, outcomes, note: `${swaps.trim()} swap rounds` });
    expect(leaked).toBe(0);
    expect(outcomes['200 OUTSIDE FILE'] ?? 0).toBe(0);
    expect(outcomes['200 inside file']).toBeGreaterThan(50);
    expect((outcomes['403'] ?? 0) + (outcomes['404'] ?? 0)).toBeGreaterThan(50);
    expect(Number(swaps)).toBeGreaterThan(100);
    expect(server.child.exitCode).toBeNull();
  });

  it('serves images with a CSP sandbox and nosniff, and refuses SVG, HTML and a script named .png', async () => {
    const img = await httpGet(server.port, `/lens/images/000000.png${q}`);
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(img.headers['x-content-type-options']).toBe('nosniff');
    const script = '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/ws?token="+location.search)</script></svg>';
    writeFileSync(join(dataset, 'images', 'evil.svg'), script);
    writeFileSync(join(dataset, 'images', 'page.html'), `<html><script>alert(1)</script></html>`);
    writeFileSync(join(dataset, 'images', 'fake.png'), script);
    writeFileSync(join(dataset, 'captions.txt'), 'not an image');
    const outcomes: Record<string, number> = {};
    for (const f of ['images/evil.svg', 'images/page.html', 'images/fake.png', 'captions.jsonl', 'captions.txt', '.mlens/project.sqlite']) {
      const r = await httpGet(server.port, `/lens/${f}${q}`);
      outcomes[`${r.status}`] = (outcomes[`${r.status}`] ?? 0) + 1;
      expect(r.status, f).toBe(415);
      expect(r.body.toString()).toContain('only images are served');
      expect(r.body.toString()).not.toContain('<script');
    }
    record({ test: 'non-image dataset files', attempts: 6, outcomes });
  });

  it('refuses a foreign Host or Origin on HTTP and on the WebSocket upgrade', async () => {
    const evilHost = await httpGet(server.port, '/', { host: `evil.example:${server.port}` });
    expect(evilHost.status).toBe(403);
    expect(evilHost.body.toString()).toMatch(/Host "evil.example:\d+" is not this server/);
    const otherPort = await httpGet(server.port, `/lens/images/000000.png${q}`, { host: `127.0.0.1:${server.port + 1}` });
    expect(otherPort.status).toBe(403);
    expect((await httpGet(server.port, '/', { host: `localhost:${server.port}` })).status).toBe(200);
    const evilOrigin = await httpGet(server.port, `/lens/images/000000.png${q}`, { origin: 'http://evil.example' });
    expect(evilOrigin.status).toBe(403);
    expect(evilOrigin.body.toString()).toContain('Origin "http://evil.example" is not this server');
    const upgrade = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { headers });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
    const codes = {
      evilOrigin: await upgrade({ origin: 'http://evil.example' }),
      rebinding: await upgrade({ origin: `http://evil.example:${server.port}`, host: `evil.example:${server.port}` }),
      good: await upgrade({ origin: server.origin }),
    };
    expect(codes).toEqual({ evilOrigin: 403, rebinding: 403, good: 101 });
    record({ test: 'foreign Host and Origin', attempts: 7, outcomes: { '403': 5, '200 or 101 for our own names': 2 } });
  });

  it('answers %00 and malformed escapes with 400 and no internals', async () => {
    const outcomes: Record<string, number> = {};
    for (const p of [`/lens/images/000000.png%00.txt${q}`, `/lens/%E0%A4%A${q}`, '/%zz', `/lens/%${q}`, '/assets/%00', `/download/%C0%AF${q}`]) {
      const r = await httpGet(server.port, p);
      outcomes[String(r.status)] = (outcomes[String(r.status)] ?? 0) + 1;
      expect(r.status, p).toBe(400);
      const body = r.body.toString();
      expect(body).toMatch(/NUL byte|malformed percent escape/);
      expect(body).not.toMatch(/Error| {4}at |node:|\/work\/|\.ts:|\.js:/);
    }
    record({ test: '%00 and bad escapes', attempts: 6, outcomes });
    expect(server.child.exitCode).toBeNull();
  });
});

// Files the server process has open come back as a 503 when it runs out of descriptors, and the
// server serves again once they are free (run under a limit of 200 descriptors).
describe('file serving at the descriptor limit', () => {
  it('answers 503 at EMFILE and recovers', async () => {
    const tmp = tempDir('mlens-emfile-');
    let child: ReturnType<typeof spawn> | null = null;
    try {
      const s = await serveSample(tmp.dir, 100);
      await s.server.stop();
      const huge = paddedPng(noisePng(64, 2), 48 * 1024 * 1024);
      expect(PNG.sync.read(huge).width).toBe(64);
      writeFileSync(join(s.dataset, 'images', 'big.png'), huge);
      const proc = spawn('prlimit', ['--nofile=200', process.execPath, join(root, 'out', 'main', 'serve.js'), '--data-dir', s.dataDir, '--dataset', s.dataset], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      let err = '';
      proc.stderr!.on('data', (d) => (err += String(d)));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        proc.stdout!.on('data', (d) => {
          out += String(d);
          const m = /is at (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        proc.once('exit', (c) => reject(new Error(`serve exited with ${c}: ${err}`)));
      });
      const u = new URL(url);
      const port = Number(u.port);
      const tq = `?token=${u.searchParams.get('token')}`;
      await until(async () => (await httpGet(port, `/lens/images/000000.png${tq}`)).status === 200, 'the dataset to open');
      const { stall } = await import('./http_raw.js');
      // 40 downloads held open one by one, then 210 more at once, past the limit.
      const held = [];
      for (let i = 0; i < 40; i++) held.push(await stall(port, `/lens/images/big.png${tq}`));
      held.push(...(await Promise.all(Array.from({ length: 210 }, () => stall(port, `/lens/images/big.png${tq}`)))));
      const outcomes: Record<string, number> = {};
      for (const h of held) {
        const k = h.status === -1 ? 'closed unanswered (accept at EMFILE)' : h.status === -2 ? 'no answer in 30 s' : String(h.status);
        outcomes[k] = (outcomes[k] ?? 0) + 1;
      }
      for (const h of held) h.close();
      expect(proc.exitCode, err).toBeNull();
      await until(async () => (await httpGet(port, `/lens/images/000000.png${tq}`)).status === 200, 'the server to serve again', 20_000);
      record({ test: 'EMFILE: 250 stalled downloads under a 200-descriptor limit', attempts: 250, outcomes });
      expect((outcomes['503'] ?? 0) + (outcomes['closed unanswered (accept at EMFILE)'] ?? 0)).toBeGreaterThan(0);
      expect(outcomes['200']).toBeGreaterThanOrEqual(40);
    } finally {
      // Stopped even when an assertion failed, so no server outlives the test.
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      tmp.cleanup();
    }
  }, 300_000);
});
