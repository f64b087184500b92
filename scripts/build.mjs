#!/usr/bin/env node
// Builds main (incl. CLI, server, workers), preload and renderer with electron-vite.
// `--if-stale` skips the build when out/ is newer than every source file, so `npm test`,
// `npm run serve` and `mlens` stay fast on a checkout that is already built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'out', 'main', 'cli.js');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

if (process.argv.includes('--if-stale') && existsSync(stamp) && existsSync(join(root, 'out', 'renderer', 'index.html'))) {
  const src = Math.max(newest(join(root, 'src')), newest(join(root, 'electron.vite.config.ts')), newest(join(root, 'package.json')));
  if (statSync(stamp).mtimeMs >= src) process.exit(0);
}
const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
if (!existsSync(bin)) {
  console.error('electron-vite is not installed: run `npm install` first.');
  process.exit(1);
}
const r = spawnSync(process.execPath, [bin, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
