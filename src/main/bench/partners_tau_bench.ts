// `npm run bench -- partners-tau`: how the effective partners' temperature depends on the dataset's
// size (metrics/effective_partners.ts, partnerTau). On the tuning seed only (seed 0 of every headline
// world of the science protocol: the sample at presets A, B, C and two noise levels, and the digits
// world, the built-in baseline encoder), at several sizes, the partners report at every τ of a grid:
// Spearman ρ of caption N_eff with true multiplicity (held-out captions) and of image N_eff with
// captions per image, and the median over the worlds. The unseen seeds are never looked at here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSpace } from '../core/encoders/encode_job.js';
import { partnersReport } from '../core/heads/partners_report.js';
import { partnerTau } from '../core/metrics/effective_partners.js';
import { Project } from '../core/project/project.js';
import { generateDigits } from '../core/sample/digits_world.js';
import { generateSample } from '../core/sample/generate.js';
import { projectDir } from '../core/store/project_store.js';
import { PROTOCOL } from './science_bench.js';
import { median } from './science_stats.js';
import { worldDirs } from './science_world.js';

export const TAU_SIZES = [200, 1000, 3000];
export const TAU_GRID = [0.01, 0.02, 0.03, 0.05, 0.1, 0.2];


export async function benchPartnersTau(): Promise<object> {
  const seed = PROTOCOL.tuning_seed;
  const worlds: Array<{ name: string; preset?: 'A' | 'B' | 'C'; noise?: number }> = [];
  for (const preset of PROTOCOL.presets) for (const noise of PROTOCOL.noise) worlds.push({ name: `sample-${preset}-noise${noise}`, preset, noise });
  worlds.push({ name: 'digits' });
  const names = worlds.map((w) => w.name);
  const root = mkdtempSync(join(tmpdir(), 'mlens-partners-tau-'));
  const t0 = performance.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const sizes: Array<{ images: number; rule_tau: number; rows: Array<{ tau: number; caption_median: number | null; image_median: number | null; captions: Record<string, number | null>; images: Record<string, number | null> }> }> = [];
  try {
    for (const size of TAU_SIZES) {
      const captions: Record<string, Record<string, number | null>> = {};
      const images: Record<string, Record<string, number | null>> = {};
      for (const w of worlds) {
        const { dir, dataDir } = worldDirs(root, `${w.name}-${size}`);
        log(`partners-tau: ${w.name}, ${size} images, seed ${seed} (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`);
        if (w.preset) await generateSample({ out: dir, images: size, preset: w.preset, seed, noise: w.noise });
        else await generateDigits({ out: dir, images: size, seed });
        const ds = await Project.readDataset(dir);
        const enc = await encodeSpace({ dataset: ds, encoderSpec: PROTOCOL.encoder, projectDir: projectDir(ds.root, dataDir), inProcess: true });
        const p = await Project.open(dir, { dataDir });
        try {
          const sp = p.space(enc.record.id);
          for (const tau of TAU_GRID) {
            const d = partnersReport(p.ds, sp, { tau }).diagnostics;
            const cap = d?.captions.find((c) => c.against === 'multiplicity' && c.scope === 'val+test')?.rho;
            const img = d?.images.find((c) => c.against === 'multiplicity' && !c.scope)?.rho;
            (captions[tau] ??= {})[w.name] = cap != null && Number.isFinite(cap) ? cap : null;
            (images[tau] ??= {})[w.name] = img != null && Number.isFinite(img) ? img : null;
          }
        } finally {
          p.close();
        }
        rmSync(join(root, `${w.name}-${size}`), { recursive: true, force: true });
      }
      sizes.push({
        images: size,
        rule_tau: partnerTau(size),
        rows: TAU_GRID.map((tau) => ({
          tau,
          caption_median: median(names.map((n) => captions[tau][n])),
          image_median: median(names.map((n) => images[tau][n])),
          captions: captions[tau],
          images: images[tau],
        })),
      });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const best = sizes.map((s) => ({ images: s.images, caption_tau: s.rows.reduce((a, b) => ((b.caption_median ?? -Infinity) > (a.caption_median ?? -Infinity) ? b : a)).tau, rule_tau: s.rule_tau }));
  return { seed, encoder: PROTOCOL.encoder, worlds: names, grid: TAU_GRID, sizes, best, seconds: Math.round((performance.now() - t0) / 100) / 10 };
}
