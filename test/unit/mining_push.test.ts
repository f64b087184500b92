// InfoNCE push quantities (SCIENCE 4.3) against hand-computed small cases.
import { describe, expect, it } from 'vitest';
import { infoNceBatch, multiPositiveMismatch, pairPush } from '../../src/main/core/mining/push.js';
import { join } from 'node:path';
import { projectPairPush } from '../../src/main/core/mining/panels.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { tempDir } from '../helpers/tmp.js';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

describe('InfoNCE on one batch', () => {
  it('matches the 2 × 2 case worked by hand', () => {
    // logits [[2, 0], [1, 3]]
    const r = infoNceBatch([2, 0, 1, 3], 2);
    const e = Math.E;
    const row00 = e ** 2 / (e ** 2 + 1);
    const row01 = 1 / (e ** 2 + 1);
    const row10 = e / (e + e ** 3);
    const col00 = e ** 2 / (e ** 2 + e);
    const col01 = 1 / (1 + e ** 3);
    const col10 = e / (e ** 2 + e);
    expect(r.pRow[0]).toBeCloseTo(row00, 12);
    expect(r.pRow[1]).toBeCloseTo(row01, 12);
    expect(r.pRow[2]).toBeCloseTo(row10, 12);
    expect(r.pCol[1]).toBeCloseTo(col01, 12);
    expect(r.pCol[2]).toBeCloseTo(col10, 12);
    // L = (1/2B) Σ_i [−log p^{v→t}_ii − log p^{t→v}_ii]
    const loss = (-Math.log(row00) - Math.log(1 - row10) - Math.log(col00) - Math.log(1 - col01)) / 4;
    expect(r.loss).toBeCloseTo(loss, 12);
    expect(r.loss).toBeCloseTo(0.153926, 5);
    // F_01 = (1/2B)(p^{v→t}_01 + p^{t→v}_01); ∂L/∂ℓ_00 = (1/2B)[(p^{v→t}_00 − 1) + (p^{t→v}_00 − 1)]
    expect(r.force[1]).toBeCloseTo((row01 + col01) / 4, 12);
    expect(r.force[1]).toBeCloseTo(0.041657, 5);
    expect(r.force[2]).toBeCloseTo((row10 + col10) / 4, 12);
    expect(r.force[0]).toBe(0);
    expect(r.grad[0]).toBeCloseTo((row00 - 1 + col00 - 1) / 4, 12);
    expect(r.grad[1]).toBeCloseTo(r.force[1], 12);
  });

  it('gives the multi-positive mismatch of SCIENCE 4.3', () => {
    const m = multiPositiveMismatch(3);
    expect(m.falseNegativePush).toBe(0.25);
    expect(m.excessPull).toBe(0.75);
    expect(m.rowGradientError).toBeCloseTo(Math.sqrt(0.75), 12);
    expect(m.lossFloor).toBeCloseTo(Math.log(4), 12);
    expect(multiPositiveMismatch(0).rowGradientError).toBe(0);
    expect(() => multiPositiveMismatch(-1)).toThrow();
  });
});

describe('per-pair push on a dataset', () => {
  // Three images and three captions on the unit circle, caption t annotated with image t.
  const ang = { u: [0, 1.2, 2.5], v: [0.3, 0.5, 2.0] };
  const unit = (a: number[]) => Float32Array.from(a.flatMap((x) => [Math.cos(x), Math.sin(x)]));
  const space = { dims: 2, image: unit(ang.u), text: unit(ang.v) };
  const annotated = [0, 1, 2];
  const tau = 0.5;
  const cosOf = (i: number, t: number) => Math.cos(Math.fround(ang.u[i]) - Math.fround(ang.v[t]));

  it('equals the exact batch when the batch is the whole dataset (N = B)', () => {
    const logits: number[] = [];
    for (let i = 0; i < 3; i++) for (let t = 0; t < 3; t++) logits.push(Number(space.image[i * 2]) * space.text[t * 2] / tau + (space.image[i * 2 + 1] * space.text[t * 2 + 1]) / tau);
    const exact = infoNceBatch(logits, 3);
    const p = pairPush(space, annotated, 0, 1, { temperature: tau, batchSize: 3, nPairs: 3, monteCarlo: 20 });
    expect(p.cos).toBeCloseTo(cosOf(0, 1), 5);
    expect(p.infoNce.pRow).toBeCloseTo(exact.pRow[1], 6);
    expect(p.infoNce.pCol).toBeCloseTo(exact.pCol[1], 6);
    expect(p.infoNce.pRowAnnotated).toBeCloseTo(exact.pRow[0], 6);
    expect(p.infoNce.coBatchProbability).toBe(1);
    expect(p.infoNce.conditionalForce).toBeCloseTo(exact.force[1], 6);
    expect(p.infoNce.expectedForce).toBeCloseTo(exact.force[1], 6);
    expect(p.infoNce.pushShareRow).toBeCloseTo(exact.pRow[1] / (1 - exact.pRow[0]), 6);
    expect(p.infoNce.tangentialConditional).toBeCloseTo((exact.force[1] / tau) * Math.sqrt(1 - cosOf(0, 1) ** 2), 5);
    // With N = B every batch is the dataset, so sampling agrees exactly.
    expect(p.monteCarlo!.pRow).toBeCloseTo(exact.pRow[1], 6);
    expect(p.monteCarlo!.conditionalForce).toBeCloseTo(exact.force[1], 6);
  });

  it('scales the force by the co-batch probability and reports the gradient error', () => {
    const p = pairPush(space, annotated, 0, 1, { temperature: tau, batchSize: 3, nPairs: 101, validOfImage: 11 });
    expect(p.infoNce.coBatchProbability).toBeCloseTo(2 / 100, 12);
    expect(p.infoNce.expectedForce).toBeCloseTo(p.infoNce.conditionalForce * 0.02, 12);
    // E|V ∩ B| = 1 + (B−1)(|V|−1)/(N−1) = 1 + 2·10/100 = 1.2
    expect(p.infoNce.expectedValidInBatchRow).toBeCloseTo(1.2, 12);
    expect(p.infoNce.gradientErrorRow).toBeCloseTo(1 / 1.2, 12);
    expect(p.infoNce.rowGradientErrorNorm).toBeCloseTo(Math.sqrt(0.2 / 1.2), 12);
  });

  it('gives the pairwise-BCE push beside it, with PCME++ pseudo-positives', () => {
    const p = pairPush(space, annotated, 0, 1, { temperature: tau, batchSize: 3, nPairs: 3 });
    // Unit vectors without variances: CSD = 2 − 2 cos; logit = −5·CSD + 5.
    const csd = 2 - 2 * cosOf(0, 1);
    expect(p.bce.csd).toBeCloseTo(csd, 5);
    expect(p.bce.push).toBeCloseTo(sig(-5 * csd + 5), 5);
    // Row: caption 1 is 0.5 rad from image 0, its annotated caption 0 only 0.3 → not pseudo-positive.
    // Column: caption 1's annotated image is 1 (angle 1.2, 0.7 away) vs image 0 (0.5 away): pseudo-positive.
    expect(p.bce.pseudoPositiveShare).toBe(0.5);
    expect(p.bce.ppPush).toBeCloseTo(1.1 * p.bce.push - 0.1 * 0.5, 6);
    expect(() => pairPush(space, annotated, 1, 1)).toThrow(/annotated/);
  });
});

describe('the push panel on a dataset with truth', () => {
  it('counts |V_i| and |V_j| from the truth without inverting it', async () => {
    const tmp = tempDir('mlens-push-');
    try {
      const dir = join(tmp.dir, 'sample');
      await generateSample({ out: dir, images: 120, preset: 'A', seed: 2 });
      const ds = await openDataset(dir);
      const emb = ds.embeddings!;
      const space = { id: 'dataset', dims: emb.dims, image: emb.image, text: emb.text };
      const truth = ds.truth!;
      let ran = 0;
      for (const [image, caption] of [[3, 40], [1, 0], [50, 7]]) {
        if (ds.captions[caption].imageIndex === image) continue;
        ran++;
        const p = projectPairPush(ds, null, space, image, caption);
        const hasPair = Array.from(truth[caption]).includes(image);
        const vI = truth.filter((l) => Array.from(l).includes(image)).length + (hasPair ? 0 : 1);
        const vJ = truth[caption].length + (hasPair ? 0 : 1);
        expect(p.validFrom).toBe('truth');
        expect(p.infoNce.expectedValidInBatchRow).toBeCloseTo(1 + ((p.batchSize - 1) * (vI - 1)) / (p.nPairs - 1), 9);
        expect(p.infoNce.expectedValidInBatchCol).toBeCloseTo(1 + ((p.batchSize - 1) * (vJ - 1)) / (p.nPairs - 1), 9);
      }
      expect(ran).toBeGreaterThanOrEqual(2);
    } finally {
      tmp.cleanup();
    }
  }, 60_000);
});
