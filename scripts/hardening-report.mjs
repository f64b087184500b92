#!/usr/bin/env node
// The hardening suite's figures as one table: attempts, outcomes, and open descriptors before and
// after, from what the tests in test/hardening recorded in out/hardening/report.jsonl.
//   node scripts/hardening-report.mjs          print the table of the last run
//   node scripts/hardening-report.mjs --run    run `vitest run test/hardening` first (fresh figures)
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'out', 'hardening', 'report.jsonl');

if (process.argv.includes('--run')) {
  rmSync(file, { force: true });
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/hardening'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) console.error(`hardening tests failed (exit ${r.status}); the table shows what was recorded`);
}
if (!existsSync(file)) {
  console.error(`no figures yet: run npm run test:hardening (or this script with --run); expected ${file}`);
  process.exit(1);
}
const last = new Map();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  last.set(r.test, r);
}
const rows = [...last.values()];
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log('| test | attempts | outcomes | fd before | fd after |');
  console.log('|---|---:|---|---:|---:|');
  for (const r of rows) {
    const outcomes = Object.entries(r.outcomes).map(([k, v]) => `${k}: ${v}`).join(', ') + (r.note ? ` (${r.note})` : '');
    console.log(`| ${r.test} | ${r.attempts} | ${outcomes} | ${r.fdBefore ?? ''} | ${r.fdAfter ?? ''} |`);
  }
}
