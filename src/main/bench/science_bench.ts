// `npm run bench -- science`: every scientific figure the README and docs quote, regenerated from
// nothing. Protocol: settings were chosen on seed 0 of the sample only; figures are reported on five
// other seeds, for presets A, B, C at two noise levels with the built-in baseline encoder (what a
// user runs), on the digits world (real MNIST digits), and — separately, as an upper bound — with
// the sample's oracle space built from the truth. Each figure: mean ± sd, median and per-seed values.
// scripts/science-figures.mjs turns the JSON into the docs' generated regions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSample, type SamplePreset } from '../core/sample/generate.js';
import { generateDigits } from '../core/sample/digits_world.js';
import { runWorld, worldDirs, type WorldResult } from './science_world.js';
import { summariseSeeds, type Summary } from './science_stats.js';

const env = (k: string, d: number): number => (process.env[k] ? Number(process.env[k]) : d);

export const PROTOCOL = {
  tuning_seed: 0,
  seeds: [101, 102, 103, 104, 105],
  presets: ['A', 'B', 'C'] as SamplePreset[],
  noise: [0, 0.2],
  images: 200,
  digits_images: 200,
  oracle: { preset: 'A' as SamplePreset, noise: 0 },
  reviews: 200,
  top_k: 1000,
  encoder: 'baseline',
  statistic: 'mean ± sd over the unseen seeds (sample sd); targets judged on the median',
};

/** Targets from the tracker: path of the figure (in a group's summary), comparison, bound. */
export const TARGETS = [
  { name: 'ece', figure: 'calibration.ece_unreviewed_vs_truth', op: '<=', bound: 0.1, label: 'ECE of p̂ on the unreviewed candidates (against the truth) ≤ 0.10' },
  { name: 'precision_top_1000', figure: 'calibration.precision_top_k', op: '>=', bound: 0.6, label: 'precision of the top 1,000 candidates ≥ 0.6' },
  { name: 'caption_variance_rho', figure: 'variance.diagnostics.captions.multiplicity@val+test.rho', op: '>=', bound: 0.3, label: 'Spearman ρ of caption Σσ² (PCME++ head) with true multiplicity (held-out captions) ≥ 0.3' },
  { name: 'image_variance_rho', figure: 'variance.diagnostics.images.multiplicity.rho', op: '>=', bound: 0.2, label: 'Spearman ρ of image Σσ² (PCME++ head) with captions per image ≥ 0.2' },
  // The same Σσ² targets judged on the residual-variance head (`--head residual`) on the same space.
  { name: 'residual_caption_variance_rho', figure: 'residual.diagnostics.captions.multiplicity@val+test.rho', op: '>=', bound: 0.3, label: 'Spearman ρ of caption Σσ² of the residual-variance head with true multiplicity (held-out captions) ≥ 0.3' },
  { name: 'residual_image_variance_rho', figure: 'residual.diagnostics.images.multiplicity.rho', op: '>=', bound: 0.2, label: 'Spearman ρ of image Σσ² of the residual-variance head with captions per image ≥ 0.2' },
  // Not the tracker's targets (those name Σσ²): the same bounds applied to effective partners, a
  // multiplicity estimate read from the space itself (metrics/effective_partners.ts).
  { name: 'caption_partners_rho', figure: 'partners.diagnostics.captions.multiplicity@val+test.rho', op: '>=', bound: 0.3, label: 'Spearman ρ of caption effective partners with true multiplicity (held-out captions) ≥ 0.3 (same bound, not the Σσ² target)' },
  { name: 'image_partners_rho', figure: 'partners.diagnostics.images.multiplicity.rho', op: '>=', bound: 0.2, label: 'Spearman ρ of image effective partners with captions per image ≥ 0.2 (same bound, not the Σσ² target)' },
] as const;

export interface WorldGroup {
  name: string;
  kind: 'sample' | 'digits' | 'oracle';
  label: string;
  preset?: string;
  noise?: number;
  images: number;
  seeds: number[];
  per_seed: Array<WorldResult & { seed: number }>;
  summary: Record<string, Summary>;
  targets: Array<{ name: string; median: number | null; bound: number; op: string; met: boolean | null }>;
}

function judge(summary: Record<string, Summary>): WorldGroup['targets'] {
  return TARGETS.map((t) => {
    const m = summary[t.figure]?.median ?? null;
    return { name: t.name, median: m, bound: t.bound, op: t.op, met: m == null ? null : t.op === '<=' ? m <= t.bound : m >= t.bound };
  });
}

interface GroupPlan {
  name: string;
  kind: WorldGroup['kind'];
  label: string;
  preset?: SamplePreset;
  noise?: number;
  images: number;
}

function plans(p: typeof PROTOCOL): GroupPlan[] {
  const out: GroupPlan[] = [];
  for (const preset of p.presets)
    for (const noise of p.noise) out.push({ name: `sample-${preset}-noise${noise}`, kind: 'sample', label: `sample ${preset}, noise ${noise}`, preset, noise, images: p.images });
  out.push({ name: 'digits', kind: 'digits', label: 'digits (real MNIST images)', images: p.digits_images });
  out.push({ name: `oracle-${p.oracle.preset}-noise${p.oracle.noise}`, kind: 'oracle', label: 'oracle (built from truth), upper bound', preset: p.oracle.preset, noise: p.oracle.noise, images: p.images });
  return out;
}

/**
 * The protocol's worlds at another size (`npm run bench -- science-1000`: 1,000 images per world,
 * written to latest-science-1000.json). The headline stays at PROTOCOL.images; a larger world has
 * more valid unannotated pairs than the top 1,000 can hold, so there the precision target is not
 * bounded by the candidate pool's base rate as it is at 200 images (its ceiling column says how much).
 */
export const LARGER_WORLDS = { images: 1000, digits_images: 1000 };

/**
 * Seeds that no setting was chosen on or prompted by (`npm run bench -- science-fresh`, written to
 * latest-science-fresh.json). Some choices were made after seeing PROTOCOL.seeds' figures (the
 * residual head's coverage checks, docs/science.md says which); these five were run once, afterwards,
 * with nothing changed, as the check that those choices hold beyond the seeds that prompted them.
 */
export const FRESH_SEEDS = [106, 107, 108, 109, 110];

export async function benchScience(size: { images: number; digits_images: number } = PROTOCOL, seeds: number[] = PROTOCOL.seeds): Promise<object> {
  const protocol = { ...PROTOCOL, seeds, images: env('MLENS_SCIENCE_IMAGES', size.images), digits_images: env('MLENS_SCIENCE_DIGITS_IMAGES', size.digits_images) };
  if (process.env.MLENS_SCIENCE_SEEDS) protocol.seeds = process.env.MLENS_SCIENCE_SEEDS.split(',').map(Number);
  const only = process.env.MLENS_SCIENCE_GROUPS?.split(',');
  // Tuning runs only: another spec of the built-in encoder (the figures' protocol names 'baseline').
  if (process.env.MLENS_SCIENCE_ENCODER) protocol.encoder = process.env.MLENS_SCIENCE_ENCODER;
  const root = mkdtempSync(join(tmpdir(), 'mlens-science-'));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const groups: WorldGroup[] = [];
  const log = (s: string) => process.stderr.write(`${s}\n`);
  try {
    for (const plan of plans(protocol)) {
      if (only && !only.includes(plan.name)) continue;
      const perSeed: WorldGroup['per_seed'] = [];
      for (const seed of protocol.seeds) {
        const name = `${plan.name}-seed${seed}`;
        const { dir, dataDir } = worldDirs(root, name);
        const w0 = performance.now();
        log(`science: ${name} (${plan.images} images; ${((w0 - t0) / 1000).toFixed(0)} s so far)`);
        if (plan.kind === 'digits') await generateDigits({ out: dir, images: plan.images, seed });
        else await generateSample({ out: dir, images: plan.images, preset: plan.preset, seed, noise: plan.noise });
        const r = await runWorld({ dir, dataDir, space: plan.kind === 'oracle' ? 'oracle' : 'baseline', encoderSpec: protocol.encoder, reviews: protocol.reviews, topK: protocol.top_k, log });
        r.seconds.total = Math.round((performance.now() - w0) / 100) / 10;
        perSeed.push({ seed, ...r });
        rmSync(join(root, name), { recursive: true, force: true });
      }
      const summary = summariseSeeds(perSeed.map(({ variance, residual, partners, cond, calibration, retrieval }) => ({ variance, residual, partners, cond, calibration, retrieval })));
      groups.push({ name: plan.name, kind: plan.kind, label: plan.label, preset: plan.preset, noise: plan.noise, images: plan.images, seeds: protocol.seeds, per_seed: perSeed, summary, targets: judge(summary) });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const headline = groups.filter((g) => g.kind !== 'oracle');
  return {
    protocol,
    targets: TARGETS.map((t) => ({
      ...t,
      met_by: Object.fromEntries(headline.map((g) => [g.name, g.targets.find((x) => x.name === t.name)?.met ?? null])),
      met_everywhere: headline.length > 0 && headline.every((g) => g.targets.find((x) => x.name === t.name)?.met === true),
    })),
    groups,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    cpu_seconds: Math.round((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e5) / 10,
  };
}
