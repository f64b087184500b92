// Mining's automatic multiplicity check (mine.ts decideMultiplicity, the default of `mlens mine`
// and of the Review tab): the PU prior is weighed by each caption's effective partners m̂ only where
// the captions' coverage by the other captions' text ranks the captions like m̂ does. On the digits
// world (captions from "handwritten digits" to "a 7 left of a 3") the two agree and the weighing
// lifts the first candidates; on the sample they disagree and the plain prior stays.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decideMultiplicity, MULTIPLICITY_AGREEMENT, MULTIPLICITY_CHECK_CAPTIONS, mineProject } from '../../src/main/core/mining/mine.js';
import type { MiningSpaceInput } from '../../src/main/core/mining/space_engine.js';
import { generateDigits } from '../../src/main/core/sample/digits_world.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { Project } from '../../src/main/core/project/project.js';
import { projectDir } from '../../src/main/core/store/project_store.js';
import { mulberry32 } from '../../src/shared/random.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * 300 random 8-d unit images; 2,500 captions: half of them generic (the normalised mean of 60
 * images, about equally close to many), the others specific (one image plus a little noise).
 * Coverage is given per caption: `agree` makes it high for the generic captions.
 */
function world(agree: boolean) {
  const u = mulberry32(11);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const dims = 8;
  const nI = 300;
  const nC = 2500;
  const unit = (m: Float32Array, r: number) => {
    let n = 0;
    for (let d = 0; d < dims; d++) n += m[r * dims + d] ** 2;
    for (let d = 0; d < dims; d++) m[r * dims + d] /= Math.sqrt(n);
  };
  const image = Float32Array.from({ length: nI * dims }, normal);
  for (let i = 0; i < nI; i++) unit(image, i);
  const text = new Float32Array(nC * dims);
  const coverage = new Int32Array(nC);
  for (let c = 0; c < nC; c++) {
    const generic = c % 2 === 0;
    for (let k = 0; k < (generic ? 60 : 1); k++) {
      const i = Math.floor(u() * nI);
      for (let d = 0; d < dims; d++) text[c * dims + d] += image[i * dims + d];
    }
    if (!generic) for (let d = 0; d < dims; d++) text[c * dims + d] += 0.1 * normal();
    unit(text, c);
    coverage[c] = (generic === agree ? 40 : 1) + Math.floor(u() * 5);
  }
  const space: MiningSpaceInput = { id: 's', dims, image, text };
  return { spaces: [space], nImages: nI, nCaptions: nC, captionCoverage: coverage };
}

describe('the multiplicity check on a synthetic space', () => {
  it('weighs the prior where coverage ranks the captions like their effective partners, on a sample of the captions, and gives m̂ for every caption', () => {
    const w = world(true);
    const { decision, multiplicity } = decideMultiplicity({ ...w, options: {} });
    expect(decision).toMatchObject({ mode: 'auto', applied: true, captions: MULTIPLICITY_CHECK_CAPTIONS, threshold: MULTIPLICITY_AGREEMENT });
    expect(decision.agreement!).toBeGreaterThan(0.6);
    expect(decision.reason).toMatch(/agree on which captions are generic \(Spearman 0\.\d\d ≥ 0\.45\)/);
    expect(multiplicity).toHaveLength(w.nCaptions);
    // Generic captions get the larger m̂.
    let gen = 0;
    let spec = 0;
    for (let c = 0; c < w.nCaptions; c++) (c % 2 === 0 ? (gen += Math.log(multiplicity![c]) / 1250) : (spec += Math.log(multiplicity![c]) / 1250));
    expect(gen).toBeGreaterThan(spec + 0.5);
  });

  it('keeps the plain prior where they disagree, says why, and never computes m̂ for every caption', () => {
    const { decision, multiplicity } = decideMultiplicity({ ...world(false), options: {} });
    expect(decision).toMatchObject({ mode: 'auto', applied: false });
    expect(decision.agreement!).toBeLessThan(-0.5);
    expect(decision.reason).toMatch(/disagree on which captions are generic \(Spearman -0\.\d\d < 0\.45\)/);
    expect(multiplicity).toBeNull();
  });

  it('follows an explicit choice whatever the check would say, and refuses nothing without texts', () => {
    const on = decideMultiplicity({ ...world(false), options: { multiplicityPrior: true } });
    expect(on.decision).toMatchObject({ mode: 'on', applied: true, agreement: null });
    expect(on.multiplicity).toHaveLength(2500);
    const off = decideMultiplicity({ ...world(true), options: { multiplicityPrior: false } });
    expect(off).toMatchObject({ decision: { mode: 'off', applied: false }, multiplicity: null });
    const noText = decideMultiplicity({ ...world(true), captionCoverage: null, options: {} });
    expect(noText.decision).toMatchObject({ applied: false, reason: 'no caption texts to check m̂ against' });
  });
});

describe('the multiplicity check on the worlds a user opens (baseline encoder, seed 101)', () => {
  const tmp = tempDir('mlens-mult-auto-');
  afterAll(tmp.cleanup);

  async function mineBoth(world: 'digits' | 'A') {
    const dir = join(tmp.dir, world);
    const dataDir = join(tmp.dir, `data-${world}`);
    if (world === 'digits') await generateDigits({ out: dir, images: 200, seed: 101 });
    else await generateSample({ out: dir, images: 200, preset: 'A', seed: 101, noise: 0 });
    const ds = await Project.readDataset(dir);
    const enc = await encodeSpace({ dataset: ds, encoderSpec: 'baseline', projectDir: projectDir(ds.root, dataDir), inProcess: true });
    const p = await Project.open(dir, { dataDir });
    try {
      const auto = await mineProject(p, { spaces: [enc.record.id], threads: 1 });
      const plain = await mineProject(p, { spaces: [enc.record.id], threads: 1, multiplicityPrior: false });
      return { auto, plain };
    } finally {
      p.close();
    }
  }

  it('on the digits world (real MNIST, captions from generic to specific) the check passes and more of the first 1,000 candidates are valid', async () => {
    const { auto, plain } = await mineBoth('digits');
    expect(auto.multiplicity.applied).toBe(true);
    expect(auto.multiplicity.agreement!).toBeGreaterThanOrEqual(MULTIPLICITY_AGREEMENT);
    expect(auto.prior).toBe('pu-multiplicity');
    expect(plain.prior).toBe('pu');
    expect(auto.precisionRecall!['1000'].precision).toBeGreaterThan(plain.precisionRecall!['1000'].precision + 0.05);
    // Captions from a template: most candidates read exactly like a caption of their image, valid
    // by the annotation. With their annotated twin's features the prior puts them first (with τ_txt
    // = 1 it ranked them below a random order: 42 % of the first 1,000 against 66 % of the pool).
    expect(auto.sameText.share).toBeGreaterThan(0.3);
    expect(auto.sameText.topShare).toBeGreaterThan(auto.sameText.share + 0.1);
  }, 180_000);

  it('on the sample (preset A) the check fails and the run is the plain prior’s', async () => {
    const { auto, plain } = await mineBoth('A');
    expect(auto.multiplicity.applied).toBe(false);
    expect(auto.multiplicity.agreement!).toBeLessThan(MULTIPLICITY_AGREEMENT);
    expect(auto.prior).toBe('pu');
    expect(auto.precisionRecall).toEqual(plain.precisionRecall);
    // Few same-text pairs, and the first 1,000 candidates richer in them than the pool.
    expect(auto.sameText.share).toBeLessThan(0.1);
    expect(auto.sameText.topShare).toBeGreaterThan(auto.sameText.share);
  }, 180_000);
});
