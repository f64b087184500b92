// better-sqlite3 is a native module: Node and Electron need different builds. The Node build in
// node_modules stays as it is (so `npm test` keeps passing after `npm start`); the Electron
// build lives in .electron-native/<electron version>/ and is passed to the app through
// MLENS_SQLITE_BINDING. It is made on first `npm start` (a prebuilt binary, else node-gyp),
// never at install time, because install must work offline.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

export function electronSqliteBinding({ quiet = false } = {}) {
  const version = electronVersion();
  const out = join(root, '.electron-native', version, 'better_sqlite3.node');
  if (existsSync(out)) return out;
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
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(built, out);
  rmSync(dirname(work), { recursive: true, force: true });
  return out;
}
