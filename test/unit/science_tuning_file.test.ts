// scripts/science-tuning-file.mjs: a seed-0 tuning record (bench-results/science-tuning-*.json,
// rendered into docs/science.md) is copied from `npm run bench -- science` outputs, never typed; a
// run of other seeds is refused.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-tuning-file-');
afterAll(() => tmp.cleanup());
const script = join(__dirname, '..', '..', 'scripts', 'science-tuning-file.mjs');

/** A science run's JSON as the bench writes it, one world plus the oracle, with the given figures (per seed: precision + 0.1 × its index). */
function run(path: string, seeds: number[], precision: number, ece: number, bench = 'science'): string {
  const one = (seed: number, k: number) => ({
    seed,
    retrieval: { t2i_truth: { map_at_r: 0.5 }, i2t_truth: { map_at_r: 0.4 } },
    calibration: { precision_top_k: precision + 0.1 * k, precision_top_k_without_same_text: precision - 0.01, precision_top_k_features_fitted_on_truth: 0.61, ece_unreviewed_vs_truth: ece, precision_recall_before_review: { '1000': { precision: 0.25, recall: 0.01, taken: 1000 } }, multiplicity: { mode: 'auto', applied: true, agreement: 0.66, threshold: 0.45, captions: 200 } },
    variance: { spearman: precision / 2, metrics: { val: { mapAtR: 0.33 }, test: { mapAtR: 0.31 } }, diagnostics: { images: [{ against: 'nearest', rho: 0.9 }, { against: 'multiplicity', rho: -0.05, partialRho: -0.04 }], captions: [{ against: 'multiplicity', rho: 0.1, partialRho: 0.11 }, { against: 'multiplicity', scope: 'val+test', rho: 0.21, partialRho: 0.2 }] } },
    partners: { diagnostics: { captions: [{ against: 'multiplicity', rho: 0.2 }, { against: 'multiplicity', scope: 'val+test', rho: 0.45 }] } },
  });
  const perSeed = seeds.map((seed, k) => one(seed, k));
  const groups = [
    { name: 'sample-B-noise0.2', kind: 'sample', per_seed: perSeed },
    { name: 'oracle-A-noise0', kind: 'oracle', per_seed: perSeed },
  ];
  writeFileSync(path, JSON.stringify({ at: '2026-12-07T00:00:00.000Z', results: { [bench]: { protocol: { seeds, encoder: 'baseline', images: bench === 'science' ? 200 : 1000 }, groups } } }));
  return path;
}

describe('science-tuning-file', () => {
  it('copies each variant\'s seed-0 figures from its science run, the oracle left out', () => {
    const out = join(tmp.dir, 'science-tuning-x.json');
    const a = run(join(tmp.dir, 'a.json'), [0], 0.463, 0.152);
    const b = run(join(tmp.dir, 'b.json'), [0], 0.4771234567, 0.091);
    const r = spawnSync(process.execPath, [script, out, 'A title', 'what was run', `shipped=${a}`, `tried=${b}`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j).toMatchObject({ title: 'A title', what: 'what was run', seed: 0, at: '2026-12-07T00:00:00.000Z' });
    expect(Object.keys(j.variants)).toEqual(['shipped', 'tried']);
    expect(Object.keys(j.variants.tried)).toEqual(['encoder', 'sample-B-noise0.2']);
    expect(j.variants.tried['sample-B-noise0.2']).toEqual({
      t2i_map_at_r_vs_truth: 0.5,
      i2t_map_at_r_vs_truth: 0.4,
      precision_top_k: 0.477123,
      precision_top_k_features_fitted_on_truth: 0.61,
      precision_before_review_top_k: 0.25,
      precision_top_k_without_same_text: 0.467123,
      ece_unreviewed_vs_truth: 0.091,
      caption_sigma2_rho_heldout: 0.238562,
      image_sigma2_rho: -0.05,
      caption_sigma2_partial_heldout: 0.2,
      image_sigma2_partial: -0.04,
      caption_partners_rho_heldout: 0.45,
      pcme_val_map_at_r: 0.33,
      pcme_test_map_at_r: 0.31,
      // Mining's multiplicity check: its Spearman, and 1 where it weighed the prior.
      multiplicity_agreement: 0.66,
      multiplicity_applied: 1,
    });
    expect(j.variants.shipped['sample-B-noise0.2'].precision_top_k).toBe(0.463);
  });

  it('adds the unseen seeds\' runs as mean, sd and median per world, and refuses one that holds seed 0', () => {
    const out = join(tmp.dir, 'science-tuning-u.json');
    const tune = run(join(tmp.dir, 'tune.json'), [0], 0.4, 0.1);
    const u = run(join(tmp.dir, 'u.json'), [101, 102, 103], 0.5, 0.05);
    const r = spawnSync(process.execPath, [script, out, 't', 'w', `chosen=${tune}`, `unseen:chosen=${u}`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(j.variants)).toEqual(['chosen']);
    expect(j.unseen_seeds.seeds).toEqual([101, 102, 103]);
    // precision 0.5, 0.6, 0.7 over the three seeds; the oracle is left out.
    expect(Object.keys(j.unseen_seeds.variants.chosen)).toEqual(['sample-B-noise0.2']);
    expect(j.unseen_seeds.variants.chosen['sample-B-noise0.2'].precision_top_k).toEqual({ mean: 0.6, sd: 0.1, median: 0.6, n: 3 });
    // A 1,000-image run goes apart, and only a science-1000 output is taken for it.
    const big = run(join(tmp.dir, 'big.json'), [101, 102], 0.8, 0.05, 'science-1000');
    const r2 = spawnSync(process.execPath, [script, out, 't', 'w', `chosen=${tune}`, `unseen:chosen=${u}`, `unseen-1000:chosen=${big}`], { encoding: 'utf8' });
    expect(r2.status, r2.stderr).toBe(0);
    const j2 = JSON.parse(readFileSync(out, 'utf8'));
    expect(j2.unseen_seeds_1000).toMatchObject({ seeds: [101, 102], images: 1000 });
    expect(j2.unseen_seeds_1000.variants.chosen['sample-B-noise0.2'].precision_top_k.mean).toBeCloseTo(0.85, 9);
    expect(j2.unseen_seeds.images).toBe(200);
    // A seed-0 check at 1,000 images goes under variants_1000_images.
    const big0 = run(join(tmp.dir, 'big0.json'), [0], 0.7, 0.05, 'science-1000');
    const r3 = spawnSync(process.execPath, [script, out, 't', 'w', `chosen=${tune}`, `seed0-1000:chosen=${big0}`], { encoding: 'utf8' });
    expect(r3.status, r3.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).variants_1000_images.chosen['sample-B-noise0.2'].precision_top_k).toBe(0.7);
    const wrong = spawnSync(process.execPath, [script, out, 't', 'w', `chosen=${tune}`, `unseen-1000:chosen=${u}`], { encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/not a `npm run bench -- science-1000` output/);
    const withZero = run(join(tmp.dir, 'z.json'), [0, 101], 0.5, 0.05);
    const bad = spawnSync(process.execPath, [script, join(tmp.dir, 'y.json'), 't', 'w', `chosen=${tune}`, `unseen:chosen=${withZero}`], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/include the tuning seed 0; an unseen run must not/);
  });

  it('refuses a run of other seeds than the tuning seed, and a bad argument', () => {
    const unseen = run(join(tmp.dir, 'unseen.json'), [101, 102], 0.5, 0.05);
    const r = spawnSync(process.execPath, [script, join(tmp.dir, 'x.json'), 't', 'w', `v=${unseen}`], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/seeds 101,102; a tuning record holds seed 0 only/);
    const bad = spawnSync(process.execPath, [script, join(tmp.dir, 'x.json'), 't', 'w', 'no-equals-sign'], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/expected NAME=path/);
    const usage = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^usage: node scripts\/science-tuning-file\.mjs/);
  });
});
