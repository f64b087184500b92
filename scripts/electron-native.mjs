// better-sqlite3 is a native module: Node and Electron need different builds. The Node build in
// node_modules stays as it is (so `npm test` keeps passing after `npm start`); the Electron
// build lives in .electron-native/<electron version>/ and is passed to the app through
// MLENS_SQLITE_BINDING. It is made on first `npm start` (a prebuilt binary, else node-gyp),
// never at install time, because install must work offline. A cached build is used only when the
// ABI compiled into it (its node_register_module_v<ABI> symbol) is Electron's; a build for Node's
// ABI cached there by mistake is rebuilt. stamp.json beside it records what it was built for.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/** Electron's NODE_MODULE_VERSION (node_modules/electron/abi_version), or null when unknown. */
export function electronAbi() {
  const f = join(root, 'node_modules', 'electron', 'abi_version');
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : null;
}

/** The ABI a native module was compiled for, read from its registration symbol (null if none). */
export function nativeAbiOf(file) {
  const m = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'));
  return m ? Number(m[1]) : null;
}

/** Whether a cached build can be used for Electron: { ok, reason }. */
export function cachedBindingState(file, { abi = electronAbi(), version = electronVersion() } = {}) {
  if (!existsSync(file)) return { ok: false, reason: 'no cached build' };
  const has = nativeAbiOf(file);
  if (abi != null && has !== abi) {
    const node = Number(process.versions.modules);
    return { ok: false, reason: `the cached build is for ABI ${has ?? 'unknown'}${has === node ? ` (Node ${process.version})` : ''}, Electron ${version} needs ABI ${abi}` };
  }
  return { ok: true, reason: `built for Electron ${version} (ABI ${has})` };
}

export function electronSqliteBinding({ quiet = false } = {}) {
  const version = electronVersion();
  const out = join(root, '.electron-native', version, 'better_sqlite3.node');
  const state = cachedBindingState(out, { version });
  if (state.ok) return out;
  if (existsSync(out)) {
    if (!quiet) console.log(`Rebuilding better-sqlite3 for Electron: ${state.reason}`);
    rmSync(out, { force: true });
  }
  const work = join(root, '.electron-native', 'build', 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(work), { recursive: true });
  cpSync(join(root, 'node_modules', 'better-sqlite3'), work, { recursive: true, filter: (p) => !p.includes(`${'/'}build${'/'}`) });
  const log = quiet ? 'ignore' : 'inherit';
  if (!quiet) console.log(`Building better-sqlite3 for Electron ${version} (once)…`);
  const prebuild = join(root, 'node_modules', 'prebuild-install', 'bin.js');
  let ok = false;
  if (existsSync(prebuild)) {
    ok = spawnSync(process.execPath, [prebuild, '--runtime', 'electron', '--target', version], { cwd: work, stdio: log }).status === 0;
  }
  if (!ok) {
    const gyp = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    ok = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: work, stdio: log }).status === 0;
  }
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!ok || !existsSync(built)) throw new Error('could not build better-sqlite3 for Electron (needs a network connection once, for the prebuilt binary or the Electron headers)');
  const builtState = cachedBindingState(built, { version });
  if (!builtState.ok) throw new Error(`the better-sqlite3 build for Electron came out wrong: ${builtState.reason}`);
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(built, out);
  writeFileSync(join(dirname(out), 'stamp.json'), JSON.stringify({ electron: version, abi: nativeAbiOf(out), builtAt: new Date().toISOString() }, null, 2));
  rmSync(dirname(work), { recursive: true, force: true });
  return out;
}
