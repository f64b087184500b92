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

/** A science run's JSON as the bench writes it, one world plus the oracle, with the given figures. */
function run(path: string, seeds: number[], precision: number, ece: number): string {
  const perSeed = {
    seed: seeds[0],
    retrieval: { t2i_truth: { map_at_r: 0.5 }, i2t_truth: { map_at_r: 0.4 } },
    calibration: { precision_top_k: precision, precision_top_k_features_fitted_on_truth: 0.61, ece_unreviewed_vs_truth: ece },
    variance: { spearman: 0.1, diagnostics: { images: [{ against: 'nearest', rho: 0.9 }, { against: 'multiplicity', rho: -0.05 }] } },
    partners: { diagnostics: { captions: [{ against: 'multiplicity', rho: 0.2 }, { against: 'multiplicity', scope: 'val+test', rho: 0.45 }] } },
  };
  const groups = [
    { name: 'sample-B-noise0.2', kind: 'sample', per_seed: [perSeed] },
    { name: 'oracle-A-noise0', kind: 'oracle', per_seed: [perSeed] },
  ];
  writeFileSync(path, JSON.stringify({ at: '2026-12-07T00:00:00.000Z', results: { science: { protocol: { seeds, encoder: 'baseline' }, groups } } }));
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
      ece_unreviewed_vs_truth: 0.091,
      caption_sigma2_rho_heldout: 0.1,
      image_sigma2_rho: -0.05,
      caption_partners_rho_heldout: 0.45,
    });
    expect(j.variants.shipped['sample-B-noise0.2'].precision_top_k).toBe(0.463);
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
