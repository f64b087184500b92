// `npm run bench -- residual-tuning`: how the residual-variance head's regularisation strengths
// (heads/residual.ts, DEFAULT_RESIDUAL) were chosen, reproducibly. On the tuning seed only (seed 0 of
// every headline world of the science protocol: the sample at presets A, B, C and two noise levels,
// and the digits world, 200 images each, the built-in baseline encoder), one encode per world, then
// `mlens train --head residual` (the same function) at every point of a grid. The caption fit
// (caption → image, then caption → log r²) and the image fit (image → caption, then image → log r̄²)
// are independent, so one run of the grid holds a caption grid and an image grid; each is judged on
// its own figure: the median over the worlds of Spearman ρ of Σσ² with true multiplicity (held-out
// captions; images: captions per image). The unseen seeds are never looked at here.
//
// Then a second stage at the chosen strengths: the weight of the effective partners blended into
// each modality's variance (heads/residual.ts, blendPartners), over PARTNER_WEIGHTS, judged the same
// way; ties go to the smaller weight (more of the residual).
//
// Then a third stage at the chosen strengths and partners' weights: the weight of coverage
// (datasets/caption_coverage.ts) mixed into the caption variance, and its transpose into the image
// variance (the two do not interact, so one run holds both), over COVERAGE_WEIGHTS, with its
// agreement check at ρ > 0 (fixed beforehand, not tuned). Judged on what the target asks of
// every world, not on the median: the number of worlds whose caption ρ reaches CAPTION_TARGET on the
// tuning seed, ties to the higher median, then to the smaller weight. (The median alone would keep
// coverage off: it rises in preset C and falls in preset B, and B holds the median; the table shows
// both.) Images are fitted twice per weight: coverage admitted by the images' own check, and by the
// captions' (image coverage is caption coverage's transpose); the weight and the check are chosen
// together, ties to the images' own. Stages 1 and 2 run with coverage off, so their tables are what
// they were before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSpace } from '../core/encoders/encode_job.js';
import { DEFAULT_RESIDUAL, type ResidualParams } from '../core/heads/residual.js';
import { trainProject } from '../core/heads/train_project.js';
import { Project } from '../core/project/project.js';
import { generateDigits } from '../core/sample/digits_world.js';
import { generateSample } from '../core/sample/generate.js';
import { projectDir } from '../core/store/project_store.js';
import { PROTOCOL } from './science_bench.js';
import { median } from './science_stats.js';
import { worldDirs } from './science_world.js';

type Strengths = Pick<ResidualParams, 'captionLambda' | 'captionVarLambda' | 'imageLambda' | 'imageVarLambda'>;

/** The grid: every (map λ, variance λ) pair, for captions and for images. */
export const RESIDUAL_GRID = {
  captionLambda: [1, 10, 100],
  captionVarLambda: [1, 10, 100],
  imageLambda: [0.003, 0.01, 0.03, 0.1, 0.3, 3, 30],
  imageVarLambda: [1, 10, 100, 1000],
};

/** Second stage: the effective partners' weight in the variance (0: residual alone, 1: partners alone). */
export const PARTNER_WEIGHTS = [0, 0.25, 0.5, 0.75, 1];

/** Third stage: coverage's weight in each modality's variance (0: off). */
export const COVERAGE_WEIGHTS = [0, 0.25, 0.5, 0.75, 1];
/** The science protocol's targets (Spearman ρ of Σσ² with true multiplicity / captions per image, per world). */
export const CAPTION_TARGET = 0.3;
export const IMAGE_TARGET = 0.2;


export async function benchResidualTuning(): Promise<object> {
  const seed = PROTOCOL.tuning_seed;
  const g = RESIDUAL_GRID;
  // Caption point k and image point k share run k (the two fits do not interact); the shorter list wraps.
  const captionPoints = g.captionLambda.flatMap((a) => g.captionVarLambda.map((b) => [a, b] as const));
  const imagePoints = g.imageLambda.flatMap((a) => g.imageVarLambda.map((b) => [a, b] as const));
  const runs: Strengths[] = Array.from({ length: Math.max(captionPoints.length, imagePoints.length) }, (_, k) => {
    const [captionLambda, captionVarLambda] = captionPoints[k % captionPoints.length];
    const [imageLambda, imageVarLambda] = imagePoints[k % imagePoints.length];
    return { captionLambda, captionVarLambda, imageLambda, imageVarLambda };
  });
  const worlds: Array<{ name: string; preset?: 'A' | 'B' | 'C'; noise?: number }> = [];
  for (const preset of PROTOCOL.presets) for (const noise of PROTOCOL.noise) worlds.push({ name: `sample-${preset}-noise${noise}`, preset, noise });
  worlds.push({ name: 'digits' });

  const root = mkdtempSync(join(tmpdir(), 'mlens-residual-tuning-'));
  const t0 = performance.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  type Rho = { caption: number | null; image: number | null; agreement?: number | null; applied?: boolean | null; imageAgreement?: number | null; imageApplied?: boolean | null };
  const measure = async (p: Project, space: string, residual: Partial<ResidualParams>): Promise<Rho> => {
    const out = await trainProject(p, { space, head: 'residual', inProcess: true, residual });
    const d = out.varianceDiagnostics;
    const cap = d?.captions.find((c) => c.against === 'multiplicity' && c.scope === 'val+test');
    const img = d?.images.find((c) => c.against === 'multiplicity' && !c.scope);
    const cov = out.residual?.coverage ?? null;
    return { caption: cap && Number.isFinite(cap.rho) ? cap.rho : null, image: img && Number.isFinite(img.rho) ? img.rho : null, ...(cov ? { agreement: Number.isFinite(cov.agreement) ? cov.agreement : null, applied: cov.applied, imageAgreement: Number.isFinite(cov.imageAgreement) ? cov.imageAgreement : null, imageApplied: cov.imageApplied } : {}) };
  };
  const names = worlds.map((w) => w.name);
  const best = <T extends { median: number | null }>(rows: T[]): T => rows.reduce((a, b) => ((b.median ?? -Infinity) > (a.median ?? -Infinity) ? b : a));
  const medianOf = (per: Record<string, Rho[]>, k: number, which: 'caption' | 'image') => median(names.map((n) => per[n][k][which]));
  const perWorld = (per: Record<string, Rho[]>, k: number, which: 'caption' | 'image') => Object.fromEntries(names.map((n) => [n, per[n][k][which]]));
  // rho[world][run], blend[world][weight index]
  const rho: Record<string, Rho[]> = {};
  const blend: Record<string, Rho[]> = {};
  const cover: Record<string, Rho[]> = {};
  const coverByCaptions: Record<string, Rho[]> = {};
  const blendTable = (which: 'caption' | 'image') => PARTNER_WEIGHTS.map((weight, k) => ({ weight, median: medianOf(blend, k, which), worlds: perWorld(blend, k, which) }));
  const encoded: Array<{ name: string; dir: string; dataDir: string; space: string }> = [];
  let captions: Array<{ lambda: number; var_lambda: number; median: number | null; worlds: Record<string, number | null> }> = [];
  let images: typeof captions = [];
  try {
    // Stage 1: the strengths, on the residual alone (no partners in the variance).
    for (const w of worlds) {
      const { dir, dataDir } = worldDirs(root, w.name);
      log(`residual-tuning: ${w.name} seed ${seed} (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`);
      if (w.preset) await generateSample({ out: dir, images: PROTOCOL.images, preset: w.preset, seed, noise: w.noise });
      else await generateDigits({ out: dir, images: PROTOCOL.digits_images, seed });
      const ds = await Project.readDataset(dir);
      const enc = await encodeSpace({ dataset: ds, encoderSpec: PROTOCOL.encoder, projectDir: projectDir(ds.root, dataDir), inProcess: true });
      encoded.push({ name: w.name, dir, dataDir, space: enc.record.id });
      const p = await Project.open(dir, { dataDir });
      try {
        rho[w.name] = [];
        for (const r of runs) rho[w.name].push(await measure(p, enc.record.id, { ...r, captionPartnersWeight: 0, imagePartnersWeight: 0, captionCoverageWeight: 0, imageCoverageWeight: 0 }));
      } finally {
        p.close();
      }
    }
    const table = (which: 'caption' | 'image', points: ReadonlyArray<readonly [number, number]>) =>
      points.map(([lambda, varLambda], k) => ({ lambda, var_lambda: varLambda, median: medianOf(rho, k, which), worlds: perWorld(rho, k, which) }));
    captions = table('caption', captionPoints);
    images = table('image', imagePoints);
    const bc = best(captions);
    const bi = best(images);
    // Stage 2: the partners' weight, at the chosen strengths.
    for (const e of encoded) {
      log(`residual-tuning: ${e.name} partners' weight (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`);
      const p = await Project.open(e.dir, { dataDir: e.dataDir });
      try {
        blend[e.name] = [];
        for (const wt of PARTNER_WEIGHTS) {
          blend[e.name].push(await measure(p, e.space, { captionLambda: bc.lambda, captionVarLambda: bc.var_lambda, imageLambda: bi.lambda, imageVarLambda: bi.var_lambda, captionPartnersWeight: wt, imagePartnersWeight: wt, captionCoverageWeight: 0, imageCoverageWeight: 0 }));
        }
      } finally {
        p.close();
      }
    }
    // Stage 3: coverage's weight, at the chosen strengths and partners' weights.
    const bw = (which: 'caption' | 'image') => best(blendTable(which)).weight;
    for (const e of encoded) {
      log(`residual-tuning: ${e.name} coverage's weight (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`);
      const p = await Project.open(e.dir, { dataDir: e.dataDir });
      try {
        cover[e.name] = [];
        coverByCaptions[e.name] = [];
        const at = { captionLambda: bc.lambda, captionVarLambda: bc.var_lambda, imageLambda: bi.lambda, imageVarLambda: bi.var_lambda, captionPartnersWeight: bw('caption'), imagePartnersWeight: bw('image') };
        for (const wt of COVERAGE_WEIGHTS) {
          cover[e.name].push(await measure(p, e.space, { ...at, captionCoverageWeight: wt, imageCoverageWeight: wt, imageCoverageCheck: 'image' }));
          // Images again, admitted by the captions' check instead (captions' figures identical, not read).
          coverByCaptions[e.name].push(await measure(p, e.space, { ...at, captionCoverageWeight: wt, imageCoverageWeight: wt, imageCoverageCheck: 'caption' }));
        }
      } finally {
        p.close();
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const bc = best(captions);
  const bi = best(images);
  const blendCaptions = blendTable('caption');
  const blendImages = blendTable('image');
  // Caption and image coverage ran in the same fits (each touches its own modality), judged the same way.
  const coverageRows = (which: 'caption' | 'image', target: number, runs = cover) =>
    COVERAGE_WEIGHTS.map((weight, k) => ({
      weight,
      median: medianOf(runs, k, which),
      worlds_at_target: names.filter((n) => (runs[n][k][which] ?? -Infinity) >= target).length,
      worlds: perWorld(runs, k, which),
      agreement: Object.fromEntries(names.map((n) => [n, (which === 'caption' ? runs[n][k].agreement : runs[n][k].imageAgreement) ?? null])),
      applied: Object.fromEntries(names.map((n) => [n, (which === 'caption' ? runs[n][k].applied : runs[n][k].imageApplied) ?? null])),
    }));
  const coverageTable = coverageRows('caption', CAPTION_TARGET);
  const imageCoverageTable = coverageRows('image', IMAGE_TARGET);
  const imageCoverageByCaptionsTable = coverageRows('image', IMAGE_TARGET, coverByCaptions);
  const byTarget = <T extends { worlds_at_target: number; median: number | null }>(rows: T[]): T =>
    rows.reduce((a, b) => (b.worlds_at_target > a.worlds_at_target || (b.worlds_at_target === a.worlds_at_target && (b.median ?? -Infinity) > (a.median ?? -Infinity)) ? b : a));
  const chosen = {
    captionLambda: bc.lambda,
    captionVarLambda: bc.var_lambda,
    imageLambda: bi.lambda,
    imageVarLambda: bi.var_lambda,
    captionPartnersWeight: best(blendCaptions).weight,
    imagePartnersWeight: best(blendImages).weight,
    captionCoverageWeight: byTarget(coverageTable).weight,
    // Images: the weight and the check together; the images' own check first, so a tie keeps it.
    ...(() => {
      const own = byTarget(imageCoverageTable);
      const byCaptions = byTarget(imageCoverageByCaptionsTable);
      const pick = byTarget([own, byCaptions]);
      return { imageCoverageWeight: pick.weight, imageCoverageCheck: (pick === own ? 'image' : 'caption') as ResidualParams['imageCoverageCheck'] };
    })(),
  };
  const d = DEFAULT_RESIDUAL;
  const shipped = {
    captionLambda: d.captionLambda,
    captionVarLambda: d.captionVarLambda,
    imageLambda: d.imageLambda,
    imageVarLambda: d.imageVarLambda,
    captionPartnersWeight: d.captionPartnersWeight,
    imagePartnersWeight: d.imagePartnersWeight,
    captionCoverageWeight: d.captionCoverageWeight,
    imageCoverageWeight: d.imageCoverageWeight,
    imageCoverageCheck: d.imageCoverageCheck,
  };
  return {
    seed,
    images: PROTOCOL.images,
    encoder: PROTOCOL.encoder,
    grid: { ...g, partnersWeight: PARTNER_WEIGHTS, coverageWeight: COVERAGE_WEIGHTS, coverageMinAgreement: DEFAULT_RESIDUAL.coverageMinAgreement },
    worlds: names,
    captions,
    images_grid: images,
    partners_weight: { captions: blendCaptions, images: blendImages },
    coverage_weight: coverageTable,
    image_coverage_weight: imageCoverageTable,
    image_coverage_weight_caption_check: imageCoverageByCaptionsTable,
    chosen,
    shipped,
    shipped_is_chosen: Object.entries(chosen).every(([k, v]) => shipped[k as keyof typeof shipped] === v),
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
