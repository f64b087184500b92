// `npm start` where the desktop app cannot run: the Electron binary is made unavailable on
// purpose, and the start script must stop at once, before any build, with one clear message that
// points to browser mode; and the cached Electron build of better-sqlite3 is checked by its ABI.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { electronNativeState } from '../../src/main/core/app/electron_native_state.js';
import { join } from 'node:path';
import { root } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

function start(env: Record<string, string>) {
  // Generous bound: the script must be done long before any native build could have started.
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs')], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}` };
}

function expectClearFailure(r: ReturnType<typeof start>, what: RegExp) {
  expect(r.signal, 'start.mjs had to be killed: it did not stop by itself').toBeNull();
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/^npm start: the desktop app cannot start: /m);
  expect(r.out).toMatch(what);
  expect(r.out).toContain('npm run serve');
  // No raw stack trace, no native build, no Electron download before the certain failure.
  expect(r.out).not.toMatch(/^\s+at /m);
  expect(r.out).not.toMatch(/Building better-sqlite3|Rebuilding better-sqlite3|Downloading the Electron binary/);
}

describe('npm start without an Electron binary', () => {
  it('stops with one clear message when ELECTRON_OVERRIDE_DIST_PATH points at an empty folder', () => {
    const t = tempDir('mlens-no-electron-');
    try {
      const r = start({ ELECTRON_OVERRIDE_DIST_PATH: t.dir });
      expectClearFailure(r, new RegExp(`ELECTRON_OVERRIDE_DIST_PATH=${t.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has no Electron binary`));
      expect(r.out.trim().split('\n')).toHaveLength(2);
    } finally {
      t.cleanup();
    }
  });

  const downloaded = (() => {
    const f = join(root, 'node_modules', 'electron', 'path.txt');
    return existsSync(f) && existsSync(join(root, 'node_modules', 'electron', 'dist', readFileSync(f, 'utf8').trim()));
  })();
  it.skipIf(downloaded)('stops when the binary was never downloaded and the download host cannot be reached', () => {
    // The .invalid top-level domain never resolves (RFC 2606): a download host out of reach.
    const r = start({ ELECTRON_MIRROR: 'https://electron.invalid/', ELECTRON_OVERRIDE_DIST_PATH: '' });
    expectClearFailure(r, /the Electron binary has not been downloaded yet and its download host https:\/\/electron\.invalid\/ cannot be reached \(\w+/);
  });
});

describe('the Electron build of better-sqlite3', () => {
  it('rejects a cached build made for Node’s ABI and accepts one made for Electron’s', async () => {
    const { cachedBindingState, nativeAbiOf, electronAbi } = await import('../../scripts/electron-native.mjs' as string);
    const nodeBuild = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    expect(nativeAbiOf(nodeBuild)).toBe(Number(process.versions.modules));
    const t = tempDir('mlens-abi-');
    try {
      const cached = join(t.dir, 'better_sqlite3.node');
      copyFileSync(nodeBuild, cached);
      const electron = electronAbi() ?? Number(process.versions.modules) + 1;
      const wrong = cachedBindingState(cached, { abi: electron === Number(process.versions.modules) ? electron + 1 : electron, version: '45.0.0' });
      expect(wrong.ok).toBe(false);
      expect(wrong.reason).toMatch(new RegExp(`the cached build is for ABI ${process.versions.modules} \\(Node ${process.version}\\), Electron 45\\.0\\.0 needs ABI \\d+`));
      expect(cachedBindingState(cached, { abi: Number(process.versions.modules), version: '45.0.0' })).toEqual({ ok: true, reason: `built for Electron 45.0.0 (ABI ${process.versions.modules})` });
      expect(cachedBindingState(join(t.dir, 'none.node')).ok).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  it('is reported by mlens doctor by the same rule: a Node build cached for Electron is a wrong ABI', () => {
    const t = tempDir('mlens-doctor-abi-');
    try {
      const nodeBuild = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
      mkdirSync(join(t.dir, 'node_modules', 'electron'), { recursive: true });
      writeFileSync(join(t.dir, 'node_modules', 'electron', 'package.json'), JSON.stringify({ version: '45.0.0' }));
      const electronAbi = Number(process.versions.modules) + 35;
      writeFileSync(join(t.dir, 'node_modules', 'electron', 'abi_version'), String(electronAbi));
      expect(electronNativeState(t.dir)).toBe(`not built yet (npm start builds it once for Electron 45.0.0, ABI ${electronAbi})`);
      mkdirSync(join(t.dir, '.electron-native', '45.0.0'), { recursive: true });
      copyFileSync(nodeBuild, join(t.dir, '.electron-native', '45.0.0', 'better_sqlite3.node'));
      expect(electronNativeState(t.dir)).toBe(`wrong ABI ${process.versions.modules} (Electron 45.0.0 needs ${electronAbi}); npm start rebuilds it`);
      writeFileSync(join(t.dir, 'node_modules', 'electron', 'abi_version'), process.versions.modules);
      expect(electronNativeState(t.dir)).toBe(`ok (Electron 45.0.0, ABI ${process.versions.modules})`);
    } finally {
      t.cleanup();
    }
  });
});
