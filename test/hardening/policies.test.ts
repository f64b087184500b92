// The pure parts of the hardening: the export path policy, atomic replacement and its leftovers,
// the job limiter's queue, image sniffing, errno mapping, and the Electron window's decisions
// (run here in plain Node, since no Electron binary is available to tests).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { checkExportTarget, checkInputFolder, PathPolicyError, type ExportPolicy } from '../../src/main/core/io/path_policy.js';
import { replaceAtomically, removeStaleTemporaries } from '../../src/main/core/io/atomic_file.js';
import { JobLimiter } from '../../src/main/core/jobs/job_limiter.js';
import { CancelledError } from '../../src/main/core/jobs/job.js';
import { sniffImage } from '../../src/main/core/io/image_sniff.js';
import { errnoToServeError, openDatasetImage } from '../../src/main/core/io/image_file.js';
import { externalAllowed, navigationAllowed, permissionAllowed } from '../../src/main/electron/web_policy.js';
import { allowedHosts, checkHostAndOrigin, decodeRequestPath } from '../../src/main/server/request_guard.js';
import { tempDir } from '../helpers/tmp.js';

let tmp: { dir: string; cleanup: () => void };
let ds: string;
let policy: ExportPolicy;
beforeEach(() => {
  tmp = tempDir('mlens-policy-');
  ds = join(tmp.dir, 'ds');
  mkdirSync(join(ds, '.mlens'), { recursive: true });
  mkdirSync(join(ds, 'images'));
  writeFileSync(join(ds, 'captions.jsonl'), '{}\n');
  writeFileSync(join(ds, '.mlens', 'project.sqlite'), 'store');
  policy = { datasetRoot: ds, projectDir: join(ds, '.mlens'), dataDir: join(tmp.dir, 'data'), origin: 'cli', overwrite: false };
});
afterEach(() => tmp.cleanup());

const refusal = (target: string, p: Partial<ExportPolicy> = {}) => {
  try {
    checkExportTarget(target, { ...policy, ...p });
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(PathPolicyError);
    return (e as Error).message;
  }
};

describe('export path policy', () => {
  it('refuses the store, .mlens, dataset files and fallback stores, and names the path', () => {
    expect(refusal(join(ds, '.mlens', 'project.sqlite'))).toMatch(/\.mlens project folder/);
    expect(refusal(join(ds, '.mlens', 'project.sqlite'), { overwrite: true })).toMatch(/\.mlens project folder/);
    expect(refusal(join(ds, 'captions.jsonl'), { overwrite: true })).toMatch(/inside the dataset folder/);
    expect(refusal(join(ds, 'images', 'new.sqlite'))).toContain(join(ds, 'images', 'new.sqlite'));
    expect(refusal(join(tmp.dir, 'data', 'projects', 'abc', 'project.sqlite'))).toMatch(/project stores/);
    // Reached through a linked folder, the store is still the store.
    symlinkSync(join(ds, '.mlens'), join(tmp.dir, 'alias'));
    expect(refusal(join(tmp.dir, 'alias', 'project.sqlite'), { overwrite: true })).toMatch(/\.mlens project folder/);
    symlinkSync(ds, join(tmp.dir, 'dsalias'));
    expect(refusal(join(tmp.dir, 'dsalias', 'captions.sqlite'))).toMatch(/inside the dataset folder/);
  });

  it('allows DATASET/exports and outside folders on the CLI; overwrite only when asked; the UI only in exports/ or chosen folders', () => {
    expect(refusal(join(ds, 'exports', 'a.sqlite'))).toBeNull();
    expect(refusal(join(tmp.dir, 'out', 'a.sqlite'))).toBeNull();
    writeFileSync(join(tmp.dir, 'b.sqlite'), 'x');
    expect(refusal(join(tmp.dir, 'b.sqlite'))).toMatch(/already exists; .*--force/);
    expect(refusal(join(tmp.dir, 'b.sqlite'), { overwrite: true })).toBeNull();
    expect(refusal(join(tmp.dir, 'b.sqlite'), { origin: 'renderer', overwrite: true })).toMatch(/a folder you chose/);
    expect(refusal(join(tmp.dir, 'b.sqlite'), { origin: 'renderer', overwrite: true, chosenFolders: [tmp.dir] })).toBeNull();
    expect(refusal('exports/a.sqlite', { origin: 'renderer' })).toMatch(/absolute path/);
    expect(refusal(join(ds, 'exports', 'a\0.sqlite'))).toMatch(/NUL byte/);
    expect(refusal(join(tmp.dir, 'a.html'))).toMatch(/must end in \.sqlite/);
    expect(() => checkInputFolder(join(tmp.dir, 'nope'), 'dataset folder', 'cli')).toThrow(/dataset folder .*nope does not exist/);
  });
});

describe('atomic replacement', () => {
  it('replaces by rename, removes its temporary file on failure, and clears leftovers of dead processes only', () => {
    const out = join(tmp.dir, 'x.sqlite');
    writeFileSync(out, 'old');
    const ino = statSync(out).ino;
    replaceAtomically(out, (t) => writeFileSync(t, 'new'));
    expect(readFileSync(out, 'utf8')).toBe('new');
    expect(statSync(out).ino).not.toBe(ino);
    expect(() => replaceAtomically(out, (t) => {
      writeFileSync(t, 'half');
      writeFileSync(`${t}-journal`, 'j');
      throw new Error('disk full');
    })).toThrow('disk full');
    expect(readFileSync(out, 'utf8')).toBe('new');
    expect(readdirSync(tmp.dir).filter((n) => n.includes('.tmp-'))).toEqual([]);

    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const alive = String(process.ppid);
    writeFileSync(join(tmp.dir, `x.sqlite.tmp-${dead}-0123abcd`), 'left by a killed export');
    writeFileSync(join(tmp.dir, `x.sqlite.tmp-${dead}-0123abcd-journal`), 'journal');
    writeFileSync(join(tmp.dir, `y.sqlite.tmp-${alive}-89abcdef`), 'another process is writing');
    writeFileSync(join(tmp.dir, 'notes.tmp-keep'), 'not ours');
    expect(removeStaleTemporaries(tmp.dir).sort()).toEqual([`x.sqlite.tmp-${dead}-0123abcd`, `x.sqlite.tmp-${dead}-0123abcd-journal`]);
    expect(existsSync(join(tmp.dir, `y.sqlite.tmp-${alive}-89abcdef`))).toBe(true);
    expect(existsSync(join(tmp.dir, 'notes.tmp-keep'))).toBe(true);
  });
});

describe('job limiter', () => {
  it('runs two at a time, tells queued jobs their place, and lets a queued job be cancelled', async () => {
    const lim = new JobLimiter(2);
    const positions: Record<string, number[]> = { c: [], d: [], e: [] };
    const a = await lim.acquire();
    const b = await lim.acquire();
    const order: string[] = [];
    const c = lim.acquire(undefined, (p) => positions.c.push(p)).then((r) => (order.push('c'), r));
    const ac = new AbortController();
    const d = lim.acquire(ac.signal, (p) => positions.d.push(p));
    const e = lim.acquire(undefined, (p) => positions.e.push(p)).then((r) => (order.push('e'), r));
    expect([lim.active, lim.waiting]).toEqual([2, 3]);
    ac.abort();
    await expect(d).rejects.toBeInstanceOf(CancelledError);
    expect(positions.e).toEqual([3, 2]);
    a();
    a(); // a second release of the same slot changes nothing
    const rc = await c;
    expect(positions.e).toEqual([3, 2, 1]);
    expect([lim.active, lim.waiting]).toEqual([2, 1]);
    b();
    const re = await e;
    expect(order).toEqual(['c', 'e']);
    rc();
    re();
    expect([lim.active, lim.waiting]).toEqual([0, 0]);
    expect(positions.c).toEqual([1]);
  });
});

describe('served files', () => {
  it('sniffs the five image types from their bytes and nothing else', () => {
    const b = (s: string) => Buffer.from(s, 'latin1');
    expect(sniffImage(b('\x89PNG\r\n\x1a\n....'))).toBe('image/png');
    expect(sniffImage(b('\xff\xd8\xff\xe0'))).toBe('image/jpeg');
    expect(sniffImage(b('GIF89a'))).toBe('image/gif');
    expect(sniffImage(b('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(b('\0\0\0\x1cftypavif\0\0\0\0avifmif1'))).toBe('image/avif');
    expect(sniffImage(b('\0\0\0\x1cftypmif1\0\0\0\0mif1avif'))).toBe('image/avif');
    expect(sniffImage(b('\0\0\0\x18ftypmp42\0\0\0\0isom'))).toBeNull();
    expect(sniffImage(b('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
    expect(sniffImage(b('<!doctype html>'))).toBeNull();
    expect(sniffImage(b(''))).toBeNull();
  });

  it('maps open failures to 403, 404 and 503 without internals, and refuses FIFOs and folders', () => {
    const e = (code: string) => Object.assign(new Error(`${code}: internal /secret/path`), { code });
    expect([errnoToServeError(e('EACCES'), '"a.png"').status, errnoToServeError(e('ENOENT'), '"a.png"').status, errnoToServeError(e('EMFILE'), '"a.png"').status]).toEqual([403, 404, 503]);
    expect(errnoToServeError(e('EIO'), '"a.png"').message).toBe('"a.png" could not be read');
    mkdirSync(join(ds, 'images', 'folder.png'));
    expect(() => openDatasetImage(ds, 'images/folder.png')).toThrow(/not a regular file/);
    spawnSync('mkfifo', [join(ds, 'images', 'pipe.png')]);
    expect(() => openDatasetImage(ds, 'images/pipe.png')).toThrow(/not a regular file/);
    expect(() => openDatasetImage(ds, '../outside.png')).toThrow(/outside the dataset folder/);
  });

  it('checks Host and Origin against this server, and decodes paths strictly', () => {
    const hosts = allowedHosts('127.0.0.1', 4000);
    expect(() => checkHostAndOrigin({ host: '127.0.0.1:4000', origin: 'http://localhost:4000' }, hosts)).not.toThrow();
    expect(() => checkHostAndOrigin({ host: 'rebind.example:4000' }, hosts)).toThrow(/not this server/);
    expect(() => checkHostAndOrigin({ host: '127.0.0.1:4000', origin: 'null' }, hosts)).toThrow(/Origin "null"/);
    expect(() => checkHostAndOrigin({ host: '127.0.0.1:4000', origin: 'https://127.0.0.1:4000' }, hosts)).toThrow(/Origin/);
    expect(() => decodeRequestPath('/a%00b')).toThrow(/NUL/);
    expect(() => decodeRequestPath('/a%E0%A4%A')).toThrow(/malformed percent escape/);
    expect(decodeRequestPath('/lens/a%20b.png?token=x').path).toBe('/lens/a b.png');
  });
});

describe('Electron window policy', () => {
  it('navigates only within lens://app, opens only allow-listed https docs, and grants no permission', () => {
    expect(navigationAllowed('lens://app/index.html')).toBe(true);
    for (const u of ['lens://dataset/images/a.png', 'file:///etc/passwd', 'https://github.com/', 'http://127.0.0.1:3000/', 'javascript:alert(1)', 'not a url']) expect(navigationAllowed(u), u).toBe(false);
    expect(externalAllowed('https://github.com/some/repo#readme')).toBe(true);
    expect(externalAllowed('https://arxiv.org/abs/2210.00001')).toBe(true);
    for (const u of ['http://github.com/', 'https://evil.example/', 'https://github.com.evil.example/', 'https://user:pw@github.com/', 'https://github.com:8443/', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)']) expect(externalAllowed(u), u).toBe(false);
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'hid']) expect(permissionAllowed(p)).toBe(false);
  });
});
