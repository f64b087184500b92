// `npm run bench -- residual-tuning`: how the residual-variance head's regularisation strengths
// (heads/residual.ts, DEFAULT_RESIDUAL) were chosen, reproducibly. On the tuning seed only (seed 0 of
// every headline world of the science protocol: the sample at presets A, B, C and two noise levels,
// and the digits world, 200 images each, the built-in baseline encoder), one encode per world, then
// `mlens train --head residual` (the same function) at every point of a grid. The caption fit
// (caption → image, then caption → log r²) and the image fit (image → caption, then image → log r̄²)
// are independent, so one run of the grid holds a caption grid and an image grid; each is judged on
// its own figure: the median over the worlds of Spearman ρ of Σσ² with true multiplicity (held-out
// captions; images: captions per image). The unseen seeds are never looked at here.
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
import { worldDirs } from './science_world.js';

type Strengths = Pick<ResidualParams, 'captionLambda' | 'captionVarLambda' | 'imageLambda' | 'imageVarLambda'>;

/** The grid: every (map λ, variance λ) pair, for captions and for images. */
export const RESIDUAL_GRID = {
  captionLambda: [1, 10, 100],
  captionVarLambda: [1, 10, 100],
  imageLambda: [0.003, 0.01, 0.03, 0.1, 0.3, 3, 30],
  imageVarLambda: [1, 10, 100, 1000],
};

const median = (xs: number[]): number | null => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

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
  // rho[world][run] = { caption, image }
  const rho: Record<string, Array<{ caption: number | null; image: number | null }>> = {};
  try {
    for (const w of worlds) {
      const { dir, dataDir } = worldDirs(root, w.name);
      log(`residual-tuning: ${w.name} seed ${seed} (${((performance.now() - t0) / 1000).toFixed(0)} s so far)`);
      if (w.preset) await generateSample({ out: dir, images: PROTOCOL.images, preset: w.preset, seed, noise: w.noise });
      else await generateDigits({ out: dir, images: PROTOCOL.digits_images, seed });
      const ds = await Project.readDataset(dir);
      const enc = await encodeSpace({ dataset: ds, encoderSpec: PROTOCOL.encoder, projectDir: projectDir(ds.root, dataDir), inProcess: true });
      const p = await Project.open(dir, { dataDir });
      try {
        rho[w.name] = [];
        for (const r of runs) {
          const out = await trainProject(p, { space: enc.record.id, head: 'residual', inProcess: true, residual: r });
          const d = out.varianceDiagnostics;
          const cap = d?.captions.find((c) => c.against === 'multiplicity' && c.scope === 'val+test');
          const img = d?.images.find((c) => c.against === 'multiplicity' && !c.scope);
          rho[w.name].push({ caption: cap && Number.isFinite(cap.rho) ? cap.rho : null, image: img && Number.isFinite(img.rho) ? img.rho : null });
        }
      } finally {
        p.close();
      }
      rmSync(join(root, w.name), { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const names = worlds.map((w) => w.name);
  const table = (which: 'caption' | 'image', points: ReadonlyArray<readonly [number, number]>) =>
    points.map(([lambda, varLambda], k) => {
      const per = Object.fromEntries(names.map((n) => [n, rho[n][k][which]]));
      return { lambda, var_lambda: varLambda, median: median(names.map((n) => rho[n][k][which] ?? NaN)), worlds: per };
    });
  const captions = table('caption', captionPoints);
  const images = table('image', imagePoints);
  const best = (rows: typeof captions) => rows.reduce((a, b) => ((b.median ?? -Infinity) > (a.median ?? -Infinity) ? b : a));
  const bc = best(captions);
  const bi = best(images);
  const chosen = { captionLambda: bc.lambda, captionVarLambda: bc.var_lambda, imageLambda: bi.lambda, imageVarLambda: bi.var_lambda };
  const shipped = { captionLambda: DEFAULT_RESIDUAL.captionLambda, captionVarLambda: DEFAULT_RESIDUAL.captionVarLambda, imageLambda: DEFAULT_RESIDUAL.imageLambda, imageVarLambda: DEFAULT_RESIDUAL.imageVarLambda };
  return {
    seed,
    images: PROTOCOL.images,
    encoder: PROTOCOL.encoder,
    grid: g,
    worlds: names,
    captions,
    images_grid: images,
    chosen,
    shipped,
    shipped_is_chosen: Object.entries(chosen).every(([k, v]) => shipped[k as keyof typeof shipped] === v),
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
