#!/usr/bin/env node
// `npm start`: build if needed, prepare the Electron build of better-sqlite3, launch Electron.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronSqliteBinding } from './electron-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let binding;
try {
  binding = electronSqliteBinding();
} catch (e) {
  console.error(`npm start: ${e.message}\nWithout a display or network, use browser mode: npm run serve`);
  process.exit(1);
}
// Resolving the electron package downloads its binary on first use (Electron 45+).
const electronPath = createRequire(import.meta.url)('electron');
const child = spawn(electronPath, [root, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, MLENS_SQLITE_BINDING: binding } });
child.on('exit', (code) => process.exit(code ?? 0));
