#!/usr/bin/env node
// Mining before any review on digits worlds larger than the protocol's, as a user runs it: `mlens
// sample --world digits`, `mlens encode --encoder baseline`, then `mlens mine --json` with the
// default (the multiplicity check) and with --no-multiplicity-prior. Writes
// bench-results/mining-digits-scale.json (rendered into docs/science.md, region digits_scale, by
// scripts/science-figures.mjs). Each run's figures are copied from the CLI's JSON, none typed.
//
//   node scripts/digits-scale-check.mjs [--images 5000,20000] [--seed 3] [--work DIR]
//
// Takes about 4 minutes for 20,000 images on the 2-core VM (the truth file is 2.6 GB there).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : dflt;
};
const sizes = arg('images', '5000,20000').split(',').map(Number);
const seed = Number(arg('seed', '3'));
const work = arg('work', null) ?? mkdtempSync(join(tmpdir(), 'mlens-digits-scale-'));
const cli = join(ROOT, 'bin', 'mlens.mjs');

function mlens(args, env) {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 28, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return { out, seconds: (performance.now() - t0) / 1000 };
}

const runs = [];
try {
  for (const images of sizes) {
    const dir = join(work, `digits-${images}`);
    const env = { MLENS_DATA_DIR: join(work, `data-${images}`) };
    mkdirSync(env.MLENS_DATA_DIR, { recursive: true });
    console.error(`digits ${images} images, seed ${seed}: sample`);
    mlens(['sample', '--world', 'digits', '--images', String(images), '--seed', String(seed), '--out', dir, '--json'], env);
    console.error('  encode (baseline)');
    const enc = mlens(['encode', dir, '--encoder', 'baseline', '--json'], env);
    const run = { images, seed, encode_seconds: Number(enc.seconds.toFixed(1)), mine: {} };
    for (const [name, flags] of [['auto', []], ['off', ['--no-multiplicity-prior']]]) {
      console.error(`  mine (${name})`);
      const m = mlens(['mine', dir, '--json', ...flags], env);
      const j = JSON.parse(m.out);
      run.mine[name] = {
        seconds: Number(m.seconds.toFixed(1)),
        candidates: j.candidates,
        prior: j.prior,
        multiplicity: { applied: j.multiplicity.applied, agreement: j.multiplicity.agreement },
        same_text: { pairs: j.same_text.pairs, share: j.same_text.share, percentile: j.same_text.percentile, top: j.same_text.top, top_share: j.same_text.top_share },
        precision: Object.fromEntries(Object.entries(j.precision_recall).map(([b, f]) => [b, f.precision])),
        // The same order with the same-text candidates left out: what a reviewer judges once they are accepted.
        ...(j.precision_recall_needing_review ? { precision_needing_review: Object.fromEntries(Object.entries(j.precision_recall_needing_review).map(([b, f]) => [b, f.precision])) } : {}),
        true_unannotated: j.true_unannotated,
      };
    }
    runs.push(run);
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  if (!process.argv.includes('--work')) rmSync(work, { recursive: true, force: true });
}
const out = join(ROOT, 'bench-results', 'mining-digits-scale.json');
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, encoder: 'baseline', runs }, null, 2)}\n`);
console.error(`wrote ${out}`);
