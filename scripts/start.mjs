#!/usr/bin/env node
// `npm start`: find the Electron binary first (seconds, and before any native build), then build
// if needed, prepare the Electron build of better-sqlite3 (checked against Electron's ABI), and
// launch. Anything that makes the desktop app impossible ends here with one clear message.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, ElectronUnavailable } from './electron-binary.mjs';
import { electronSqliteBinding } from './electron-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function stop(what) {
  console.error(`npm start: the desktop app cannot start: ${what}.\nBrowser mode does everything the desktop app does, with no Electron: npm run serve`);
  process.exit(1);
}

let electronPath;
try {
  electronPath = await electronBinary();
} catch (e) {
  stop(e instanceof ElectronUnavailable ? e.message : `finding Electron failed (${e?.message ?? e})`);
}

const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let binding;
try {
  binding = electronSqliteBinding();
} catch (e) {
  stop(e?.message ?? String(e));
}
const child = spawn(electronPath, [root, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, MLENS_SQLITE_BINDING: binding } });
child.on('error', (e) => stop(`Electron (${electronPath}) did not run: ${e.message}`));
child.on('exit', (code) => process.exit(code ?? 0));
