// What the heads must show on the sample dataset, with the sample-oracle features:
// 1. PCME++ with its defaults (as `mlens train --head pcme` runs it), on the app's own sample (1,000
//    images, preset A, seed 0): caption Σσ² correlates positively with true multiplicity on the
//    captions of held-out images (measured 0.32 with the best-validation weights kept, the default; 0.48
//    with the last epoch's; 0.52 / 0.54 on seeds 1 / 2 then; all captions 0.23,
//    lower because multiplicity in the 800-image train split is less tied to caption content);
// 2. the conditional head (FiLM) beats the same head without the condition on per-condition mAP@R
//    for most conditions (500-image preset-A sample, seed 3: 400 train / 50 val / 50 test images),
//    also under the restricted per-aspect gallery (core/heads/aspect_eval.ts), in both directions;
// 3. multi-positive retraining with the train split's true false negatives raises held-out mAP@R
//    against the truth over one-to-one training (the same 500-image sample).
// Features for 2 and 3 are degraded (seeded 64×64 Gaussian mixing plus noise 0.5/√64 per entry,
// re-normalised) so the heads have room to help; 1 uses the oracle features as they are.
// Thresholds sit below the values measured on the wasm backend (see core/heads/CONTEXT.md).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { buildTrainInput, degradeFeatures } from '../../src/main/core/heads/data.js';
import { condSpec, multiplicityReduction, sampleConditions } from '../../src/main/core/heads/cond.js';
import { csrFromLists } from '../../src/main/core/heads/csr.js';
import { alignSpec, extraPositives, multiposSpec } from '../../src/main/core/heads/multipos.js';
import { pcmeSpec } from '../../src/main/core/heads/pcme.js';
import { trainHeadOn } from '../../src/main/core/heads/train.js';
import { varianceMultiplicity } from '../../src/main/core/heads/train_project.js';
import { initBackend } from '../../src/main/core/heads/tf.js';
import { tempDir } from '../helpers/tmp.js';

let tmp: ReturnType<typeof tempDir>;
let ds: Dataset;
let degradedImage: Float32Array;
let degradedText: Float32Array;

beforeAll(async () => {
  await initBackend();
  tmp = tempDir('mlens-heads-sample-');
  const dir = join(tmp.dir, 'sample');
  await generateSample({ out: dir, images: 500, preset: 'A', seed: 3, renderImages: false });
  ds = await openDataset(dir);
  const e = ds.embeddings!;
  degradedImage = degradeFeatures(e.image, e.dims, { noise: 0.5, seed: 1 });
  degradedText = degradeFeatures(e.text, e.dims, { noise: 0.5, seed: 2 });
});

afterAll(() => tmp?.cleanup());

describe('heads on the sample dataset', () => {
  it('PCME++: captions valid for more images get larger variance', async () => {
    const dir = join(tmp.dir, 'app-sample');
    await generateSample({ out: dir, images: 1000, preset: 'A', seed: 0, renderImages: false });
    const app = await openDataset(dir);
    const e = app.embeddings!;
    const input = buildTrainInput(app, { image: e.image, text: e.text, dims: e.dims });
    const r = await trainHeadOn(input, pcmeSpec(e.dims));
    const text = r.head.encode('text', input.textFeatures);
    const sp = varianceMultiplicity(app, text.logvar!, r.config.dims, input.imageRole)!;
    console.log(`PCME++ Spearman(Σσ², multiplicity): held-out ${sp.heldOut?.toFixed(3)} (${sp.heldOutCaptions} captions), all ${sp.all.toFixed(3)}, by split ${JSON.stringify(sp.bySplit)}`);
    expect(sp.heldOutCaptions).toBe(1000);
    expect(sp.heldOut!).toBeGreaterThan(SPEARMAN_HELD_OUT_MIN);
    expect(sp.all).toBeGreaterThan(SPEARMAN_ALL_MIN);
    r.head.dispose();
  }, 180_000);

  it('the conditional head beats the unconditioned head for most conditions', async () => {
    const conditions = sampleConditions(ds, { semantics: 'project' })!;
    expect(conditions.names).toEqual(['colour', 'shape', 'size', 'position', 'count']);
    const red = multiplicityReduction(csrFromLists(ds.truth!), sampleConditions(ds, { semantics: 'filter' })!, ds.images.length);
    expect(red.perImageCondition.size).toBeLessThan(red.perImage);
    const input = buildTrainInput(ds, { image: degradedImage, text: degradedText, dims: 64, conditions });
    const train = { epochs: 12, patience: 0, lr: 6e-3 };
    const uncond = await trainHeadOn(input, condSpec(64, { mode: 'none', train }));
    const film = await trainHeadOn(input, condSpec(64, { mode: 'film', train }));
    const a = uncond.test!.perCondition!;
    const b = film.test!.perCondition!;
    const names = Object.keys(b);
    const wins = names.filter((c) => b[c].mapAtR > a[c].mapAtR);
    console.log(`per-condition test mAP@R, uncond → FiLM: ${names.map((c) => `${c} ${a[c].mapAtR.toFixed(3)} → ${b[c].mapAtR.toFixed(3)}`).join(', ')}`);
    expect(names.length).toBeGreaterThanOrEqual(3);
    expect(wins.length).toBeGreaterThan(names.length / 2);
    expect(film.test!.mapAtR).toBeGreaterThan(uncond.test!.mapAtR + 0.025); // measured +0.049 (mean over conditions)
    // The same pair under the restricted gallery (only captions the aspect applies to), per direction.
    const fa = film.test!.aspects!;
    const ua = uncond.test!.aspects!;
    console.log(`aspect-gallery test mAP@R, uncond → FiLM: ${names.map((c) => `${c} i2t ${ua.perAspect[c].i2t.mapAtR.toFixed(3)} → ${fa.perAspect[c].i2t.mapAtR.toFixed(3)}, t2i ${ua.perAspect[c].t2i.mapAtR.toFixed(3)} → ${fa.perAspect[c].t2i.mapAtR.toFixed(3)}`).join('; ')}`);
    expect(Object.keys(fa.perAspect)).toEqual(names);
    for (const c of names) expect(fa.perAspect[c].i2t.gallery).toBe(fa.perAspect[c].captions);
    // On these (degraded oracle) features the gain survives the restriction, in both directions
    // (measured: i2t 0.619 → 0.675, t2i 0.575 → 0.653; on the baseline encoder it does not:
    // docs/conditional-aspects.md).
    expect(fa.i2tMapAtR).toBeGreaterThan(ua.i2tMapAtR + 0.025);
    expect(fa.t2iMapAtR).toBeGreaterThan(ua.t2iMapAtR + 0.025);
    uncond.head.dispose();
    film.head.dispose();
  });

  it('multi-positive retraining with the true false negatives beats one-to-one training on held-out captions', async () => {
    const extra = extraPositives(ds, 'truth');
    const input = buildTrainInput(ds, { image: degradedImage, text: degradedText, dims: 64, extraPositives: extra.csr });
    const train = { epochs: 10 };
    const one = await trainHeadOn(input, alignSpec(64, { train }));
    const multi = await trainHeadOn(input, multiposSpec(64, { base: 'align', train }));
    console.log(`test mAP@R against the truth: one-to-one ${one.test!.mapAtR.toFixed(3)}, multi-positive ${multi.test!.mapAtR.toFixed(3)}`);
    expect(multi.test!.mapAtR).toBeGreaterThan(one.test!.mapAtR + 0.01);
    one.head.dispose();
    multi.head.dispose();
  });
});

const SPEARMAN_HELD_OUT_MIN = 0.25; // measured 0.322 on wasm with the best-validation weights kept (0.476 with the last epoch's)
const SPEARMAN_ALL_MIN = 0.08; // measured 0.116 on wasm (0.230 with the last epoch's weights)
