// The residual-variance head (`mlens train --head residual`, heads/residual.ts) on the built-in
// baseline encoder's space (what a user runs), on seeds its settings were not chosen on (seed 0 is
// the tuning seed; docs/variance.md, "Residual variance"). Real parts: rendered sample images and real
// MNIST digits, the baseline encoder in process, the project's space store.
//
// Sample A is checked on seeds 106 and 107, which no choice saw (the protocol's fresh seeds;
// seeds 101-105 prompted the coverage checks), the other worlds on 101 and 102.
// Floors are what the measurement holds with margin on these seeds: with the shipped blend
// (residual, effective partners, and coverage), caption Σσ² on samples A and C and on digits, and
// image Σσ² on samples A and B and on digits, meet their targets (unseen-seed medians in
// bench-results/latest-science.json; docs/science.md).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { generateDigits } from '../../src/main/core/sample/digits_world.js';
import { Project } from '../../src/main/core/project/project.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { projectDir } from '../../src/main/core/store/project_store.js';
import { trainProject, type TrainCommandResult } from '../../src/main/core/heads/train_project.js';
import { blendPartners, fitResidualVariance } from '../../src/main/core/heads/residual.js';
import { captionCoverage } from '../../src/main/core/datasets/caption_coverage.js';
import { effectivePartners } from '../../src/main/core/metrics/effective_partners.js';
import { spearman } from '../../src/main/core/compute/stats.js';
import { formatTrainResult } from '../../src/main/cli/train_verb.js';
import { layoutProject, layoutSpaceOf } from '../../src/main/core/services/projection.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-residual-');
afterAll(() => tmp.cleanup());

const IMAGES = 200;
/** Image Σσ² vs captions per image on sample A (noise 0): measured 0.73 and 0.78 on seeds 106 and 107 (bench-results/latest-science-fresh.json). */
const IMAGE_RHO_FLOOR = 0.25;
/** Caption Σσ² vs true multiplicity, held-out captions, sample A (noise 0): measured 0.75 and 0.79 on seeds 106 and 107; sample C (noise 0): 0.62 and 0.51 on 101 and 102 (the target, 0.3). */
const SAMPLE_CAPTION_RHO_FLOOR = 0.3;
/** Caption Σσ² vs true multiplicity on the digits world, held-out captions: measured 0.83 and 0.86. */
const CAPTION_RHO_FLOOR = 0.6;

async function encodeAndFit(dir: string, dataDir: string): Promise<{ r: TrainCommandResult; project: Project; parentId: string }> {
  const ds = await Project.readDataset(dir);
  const enc = await encodeSpace({ dataset: ds, encoderSpec: 'baseline', projectDir: projectDir(ds.root, dataDir), inProcess: true });
  const project = await Project.open(dir, { dataDir });
  const r = await trainProject(project, { space: enc.record.id, head: 'residual', inProcess: true });
  return { r, project, parentId: enc.record.id };
}

function rows(x: Float32Array, n: number, d: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));
}

/** A fresh world (a sample preset without noise, or digits), encoded, with the residual head fitted; the project closed. */
async function fitOn(world: 'B' | 'C' | 'digits', seed: number): Promise<TrainCommandResult> {
  const dir = join(tmp.dir, `${world}-${seed}`);
  if (world === 'digits') await generateDigits({ out: dir, images: IMAGES, seed });
  else await generateSample({ out: dir, images: IMAGES, preset: world, seed, noise: 0 });
  const { r, project } = await encodeAndFit(dir, join(tmp.dir, `data-${world}-${seed}`));
  project.close();
  return r;
}

describe('residual-variance head on the baseline space, unseen seeds', () => {
  for (const seed of [106, 107]) {
    it(`image Σσ² ranks with captions per image, and caption Σσ² with true multiplicity, on sample A, seed ${seed}; the means are the parent's`, async () => {
      const dir = join(tmp.dir, `A-${seed}`);
      await generateSample({ out: dir, images: IMAGES, preset: 'A', seed, noise: 0 });
      const { r, project, parentId } = await encodeAndFit(dir, join(tmp.dir, `data-A-${seed}`));
      try {
        expect(r.head).toBe('residual');
        expect(r.probabilistic).toBe(true);
        expect(r.parent).toBe(parentId);
        expect(r.name).toMatch(/^residual variance on /);
        const rho = r.varianceDiagnostics!.images.find((c) => c.against === 'multiplicity')!.rho;
        console.log(`sample A seed ${seed}: image ρ ${rho.toFixed(3)}, caption ρ ${r.spearman?.toFixed(3)}`);
        expect(rho).toBeGreaterThan(IMAGE_RHO_FLOOR);
        expect(r.spearmanScope).toBe('held-out');
        expect(r.spearman!).toBeGreaterThan(SAMPLE_CAPTION_RHO_FLOOR);
        expect(r.residual!.partners).toMatchObject({ captionWeight: 0.75, imageWeight: 0.5, sampled: false });
        // Saved like any space: the means are the parent's (normalised), one log σ² per item (isotropic).
        const parent = project.spaces.load(parentId);
        const child = project.spaces.load(r.id);
        const D = child.record.dims;
        const norm = (v: number[]) => Math.hypot(...v);
        const pRow = rows(parent.text, 1, D)[0];
        const cRow = rows(child.text, 1, D)[0];
        for (let d = 0; d < D; d++) expect(cRow[d]).toBeCloseTo(pRow[d] / norm(pRow), 5);
        const lv = child.textLogvar!;
        for (let d = 1; d < D; d++) expect(lv[d]).toBe(lv[0]);
        expect(Array.from(lv).every(Number.isFinite)).toBe(true);
        // No epochs: the CLI says closed form, not a best epoch.
        const text = formatTrainResult(r).join('\n');
        expect(text).toMatch(/closed form/);
        expect(text).not.toMatch(/best epoch/);
        // The same fit twice is the same space (deterministic).
        const again = await trainProject(project, { space: parentId, head: 'residual', inProcess: true });
        expect(again.id).toBe(r.id);
        // Same means, same map: the head's map is the parent's, not laid out again.
        expect(layoutSpaceOf(project, r.id)).toBe(parentId);
        expect(layoutSpaceOf(project, parentId)).toBe(parentId);
        project.setActiveSpace(parentId);
        const parentMap = await layoutProject(project, { method: 'pca' });
        project.setActiveSpace(r.id);
        const childMap = await layoutProject(project, { method: 'pca' });
        expect(childMap.cached).toBe(true);
        expect(Array.from(childMap.xy)).toEqual(Array.from(parentMap.xy));
      } finally {
        project.close();
      }
    }, 240_000);
  }

  it("image Σσ² ranks with captions per image on sample preset B (two captions per image), through coverage's transpose; seeds 101 and 102", async () => {
    for (const seed of [101, 102]) {
      const r = await fitOn('B', seed);
      const rho = r.varianceDiagnostics!.images.find((c) => c.against === 'multiplicity')!.rho;
      console.log(`sample B seed ${seed}: image ρ ${rho.toFixed(3)}, image coverage agreement ${r.residual!.coverage!.imageAgreement.toFixed(3)}`);
      expect(r.residual!.coverage).toMatchObject({ imageWeight: 0.5, imageApplied: true });
      // measured 0.57 and 0.57 (the image target, 0.2; before coverage 0.46 and 0.34 on these seeds)
      expect(rho).toBeGreaterThan(0.2);
    }
  }, 300_000);

  it('caption Σσ² ranks with true multiplicity on sample preset C, where the space alone does not, through caption coverage; seeds 101 and 102', async () => {
    for (const seed of [101, 102]) {
      const r = await fitOn('C', seed);
      console.log(`sample C seed ${seed}: caption ρ ${r.spearman?.toFixed(3)}, coverage agreement ${r.residual!.coverage!.agreement.toFixed(3)}`);
      expect(r.residual!.coverage).toMatchObject({ weight: 0.5, applied: true });
      expect(r.spearmanScope).toBe('held-out');
      expect(r.spearman!).toBeGreaterThan(SAMPLE_CAPTION_RHO_FLOOR);
    }
  }, 300_000);

  it("caption Σσ² ranks with true multiplicity on the digits world (real MNIST), and image Σσ² with captions per image through coverage the captions' check admits; seeds 101 and 102", async () => {
    for (const seed of [101, 102]) {
      const r = await fitOn('digits', seed);
      const image = r.varianceDiagnostics!.images.find((c) => c.against === 'multiplicity' && !c.scope)!.rho;
      const cov = r.residual!.coverage!;
      console.log(`digits seed ${seed}: caption ρ ${r.spearman?.toFixed(3)} (${r.spearmanScope}), image ρ ${image.toFixed(3)}; coverage agreement captions ${cov.agreement.toFixed(3)}, images ${cov.imageAgreement.toFixed(3)}`);
      expect(r.spearmanScope).toBe('held-out');
      expect(r.spearman!).toBeGreaterThan(CAPTION_RHO_FLOOR);
      // The images' own partners rank digits' images against their multiplicity, so their own check
      // would refuse coverage (agreement ≤ 0); the captions' check admits it.
      expect(cov).toMatchObject({ imageCheck: 'caption', applied: true, imageApplied: true });
      expect(cov.imageAgreement).toBeLessThan(0);
      // measured 0.52 and 0.47 (the image target, 0.2; with the images' own check −0.15 median over the unseen seeds)
      expect(image).toBeGreaterThan(0.3);
    }
  }, 300_000);
});

describe('residual-variance fit, bad input', () => {
  const D = 4;
  const input = (nImages: number, trainImages: number) => {
    const nCaptions = nImages * 2;
    const image = new Float32Array(nImages * D).map((_, i) => Math.sin(i + 1));
    const text = new Float32Array(nCaptions * D).map((_, i) => Math.cos(i * 0.7));
    const captionImage = Int32Array.from({ length: nCaptions }, (_, c) => c >> 1);
    const imageRole = Int8Array.from({ length: nImages }, (_, i) => (i < trainImages ? 0 : 2));
    return { nImages, nCaptions, dims: D, image, text, captionImage, imageRole };
  };

  it('refuses a train split too small to cross-fit, naming the counts', () => {
    expect(() => fitResidualVariance(input(20, 4))).toThrow(/the train split has 4 images and 8 annotated captions; it needs at least 10 images/);
  });

  it('refuses rows that do not match the counts, and bad settings', () => {
    const bad = { ...input(20, 16), text: new Float32Array(5 * D) };
    expect(() => fitResidualVariance(bad)).toThrow(RangeError);
    expect(() => fitResidualVariance(input(20, 16), { captionLambda: -1 })).toThrow(/captionLambda must be a positive number/);
    expect(() => fitResidualVariance(input(20, 16), { folds: 1 })).toThrow(/folds must be an integer ≥ 2/);
    expect(() => fitResidualVariance(input(20, 16), { captionPartnersWeight: 1.5 })).toThrow(/captionPartnersWeight must be between 0 and 1/);
    expect(() => fitResidualVariance(input(20, 16), { partnersTau: 0 })).toThrow(/partnersTau must be a positive number/);
  });

  it('blends the effective partners in by weight: 0 is the residual alone, 1 ranks exactly as the partners do, on the residual\'s scale', () => {
    const x = input(40, 30);
    const alone = fitResidualVariance(x, { captionPartnersWeight: 0, imagePartnersWeight: 0 });
    expect(alone.partners).toBeNull();
    const full = fitResidualVariance(x, { captionPartnersWeight: 1, imagePartnersWeight: 1 });
    const e = effectivePartners({ dims: D, image: x.image, text: x.text }, { seed: 1 });
    expect(spearman(Array.from(full.textLogvar), Array.from(e.text))).toBeCloseTo(1, 6);
    expect(spearman(Array.from(full.imageLogvar), Array.from(e.image))).toBeCloseTo(1, 6);
    expect(full.partners).toMatchObject({ captionWeight: 1, imageWeight: 1, galleryImages: 40, galleryCaptions: 80, sampled: false });
    // The blend keeps the residual's mean and spread of log σ² (ellipse sizes stay on its scale).
    const stats = (v: Float32Array) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length)];
    };
    const [m0, s0] = stats(alone.textLogvar);
    const [m1, s1] = stats(full.textLogvar);
    expect(m1).toBeCloseTo(m0, 4);
    expect(s1).toBeCloseTo(s0, 4);
    // A half blend lies between: it ranks with both.
    const half = blendPartners(alone.textLogvar, e.text, 0.5);
    expect(spearman(Array.from(half), Array.from(e.text))).toBeGreaterThan(spearman(Array.from(alone.textLogvar), Array.from(e.text)));
    expect(spearman(Array.from(half), Array.from(alone.textLogvar))).toBeGreaterThan(spearman(Array.from(full.textLogvar), Array.from(alone.textLogvar)));
    expect(blendPartners(alone.textLogvar, e.text, 0)).toBe(alone.textLogvar);
    expect(() => blendPartners(alone.textLogvar, e.image, 0.5)).toThrow(/40 effective-partner values for 80 items/);
  });

  it('mixes caption coverage into caption Σσ² only where it ranks captions like their effective partners', () => {
    const x = input(40, 30);
    // Two captions per image: a generic one ("a shape"), on every image, and a specific one.
    const words = ['red', 'blue', 'green', 'pink', 'brown'];
    const captionTexts = Array.from({ length: x.nCaptions }, (_, c) => (c % 2 ? `a ${words[(c >> 1) % 5]} star number ${c}` : `a ${words[(c >> 1) % 5]} shape`));
    const off = fitResidualVariance({ ...x, captionTexts }, { captionCoverageWeight: 0, imageCoverageWeight: 0 });
    expect(off.coverage).toBeNull();
    // Without texts there is no coverage, whatever its weight.
    expect(fitResidualVariance(x).coverage).toBeNull();
    // The check refuses (agreement must exceed 1): the caption variance is the partners' blend, untouched.
    const refused = fitResidualVariance({ ...x, captionTexts }, { captionCoverageWeight: 1, coverageMinAgreement: 1 });
    expect(refused.coverage).toMatchObject({ weight: 1, applied: false });
    expect(Array.from(refused.textLogvar)).toEqual(Array.from(off.textLogvar));
    // The check passes (any agreement above −1): at weight 1 the captions rank exactly as their coverage.
    const all = fitResidualVariance({ ...x, captionTexts }, { captionCoverageWeight: 1, imageCoverageWeight: 0, coverageMinAgreement: -1 });
    expect(all.coverage!.applied).toBe(true);
    expect(all.coverage!.imageApplied).toBe(false);
    const generic = Array.from(all.textLogvar).filter((_, c) => c % 2 === 0);
    const specific = Array.from(all.textLogvar).filter((_, c) => c % 2 === 1);
    expect(Math.min(...generic)).toBeGreaterThan(Math.max(...specific));
    // the image variance is not touched
    expect(Array.from(all.imageLogvar)).toEqual(Array.from(off.imageLogvar));
    // Images the same way, through the transpose: at weight 1 they rank exactly as the captions they cover.
    const images = fitResidualVariance({ ...x, captionTexts }, { captionCoverageWeight: 0, imageCoverageWeight: 1, coverageMinAgreement: -1 });
    expect(images.coverage).toMatchObject({ applied: false, imageApplied: true });
    expect(Array.from(images.textLogvar)).toEqual(Array.from(off.textLogvar));
    const { imageCount } = captionCoverage(captionTexts, x.captionImage, x.imageRole, x.nImages);
    expect(spearman(Array.from(images.imageLogvar), Array.from(imageCount))).toBeCloseTo(1, 6);
    expect(() => fitResidualVariance({ ...x, captionTexts: captionTexts.slice(1) })).toThrow(/79 caption texts for 80 captions/);
    expect(() => fitResidualVariance(x, { coverageMinAgreement: 2 })).toThrow(/coverageMinAgreement must be between -1 and 1/);
  });

  it("admits image coverage by the check it is told to: the captions' (the default) or the images' own", () => {
    const x = input(40, 30);
    const words = ['red', 'blue', 'green', 'pink', 'brown'];
    const captionTexts = Array.from({ length: x.nCaptions }, (_, c) => (c % 2 ? `a ${words[(c >> 1) % 5]} star number ${c}` : `a ${words[(c >> 1) % 5]} shape`));
    const probe = fitResidualVariance({ ...x, captionTexts }, { coverageMinAgreement: -1 });
    const { agreement, imageAgreement } = probe.coverage!;
    expect(Math.abs(agreement - imageAgreement)).toBeGreaterThan(1e-4);
    // A bar between the two agreements: one check passes, the other fails.
    const bar = (agreement + imageAgreement) / 2;
    const byCaptions = fitResidualVariance({ ...x, captionTexts }, { coverageMinAgreement: bar });
    expect(byCaptions.coverage).toMatchObject({ imageCheck: 'caption', imageApplied: agreement > bar, applied: agreement > bar });
    const byImages = fitResidualVariance({ ...x, captionTexts }, { coverageMinAgreement: bar, imageCoverageCheck: 'image' });
    expect(byImages.coverage).toMatchObject({ imageCheck: 'image', imageApplied: imageAgreement > bar, applied: agreement > bar });
    // The image variance follows whichever admitted coverage; the caption variance is the same either way.
    expect(Array.from(byImages.textLogvar)).toEqual(Array.from(byCaptions.textLogvar));
    expect(Array.from(byImages.imageLogvar)).not.toEqual(Array.from(byCaptions.imageLogvar));
    const off = fitResidualVariance({ ...x, captionTexts }, { imageCoverageWeight: 0 });
    const refused = byCaptions.coverage!.imageApplied ? byImages : byCaptions;
    expect(Array.from(refused.imageLogvar)).toEqual(Array.from(off.imageLogvar));
    expect(() => fitResidualVariance(x, { imageCoverageCheck: 'both' as never })).toThrow(/imageCoverageCheck must be 'image' or 'caption' \(got both\)/);
  });

  it('gives every item, held-out ones too, a finite log σ², the same on a second run', () => {
    const a = fitResidualVariance(input(40, 30));
    const b = fitResidualVariance(input(40, 30));
    expect(a.imageLogvar.length).toBe(40);
    expect(a.textLogvar.length).toBe(80);
    expect(Array.from(a.textLogvar).every(Number.isFinite)).toBe(true);
    expect(Array.from(a.imageLogvar).every(Number.isFinite)).toBe(true);
    expect(Array.from(b.textLogvar)).toEqual(Array.from(a.textLogvar));
    expect(a.trainImages).toBe(30);
  });
});
