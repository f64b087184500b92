#!/usr/bin/env node
// `npm run docs:screenshots`: runs the e2e tests that take the README's screenshots, with
// MLENS_DOCS_SCREENSHOTS pointing at docs/, so they are refreshed on purpose and never by `npm test`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const files = ['test/e2e/app.test.ts', 'test/e2e/review.test.ts', 'test/e2e/spaces.test.ts'];
const r = spawnSync(process.execPath, [vitest, 'run', ...files], { cwd: root, stdio: 'inherit', env: { ...process.env, MLENS_DOCS_SCREENSHOTS: join(root, 'docs') } });
process.exit(r.status ?? 1);
