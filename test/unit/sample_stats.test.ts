// Multiplicity targets of the sample generator at 5,000 images (SCIENCE.md §6.4), truth within each
// split, and the sample-oracle encoder's retrieval against the truth.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy } from '../../src/main/core/io/npy.js';
import { generateSample } from '../../src/main/core/sample/generate.js';

const root = mkdtempSync(join(tmpdir(), 'mlens-sample-stats-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const within10 = (value: number, target: number): void => {
  expect(value).toBeGreaterThanOrEqual(target * 0.9);
  expect(value).toBeLessThanOrEqual(target * 1.1);
};

describe('sample dataset: multiplicity targets at 5,000 images', () => {
  it('preset A: about 8.5 valid images per caption (ECCV t2i), 5 annotated captions per image', async () => {
    const out = join(root, 'A');
    // Rendering is skipped here only: these numbers do not depend on the pixels.
    const s = await generateSample({ out, images: 5000, preset: 'A', seed: 0, renderImages: false });
    within10(s.imagesPerCaption.true.mean, 8.5);
    expect(s.captions).toBe(25000);
    // Σ_c |I(c)| = Σ_i |C(i)|: mean captions per image = 5 × mean images per caption (§6.4).
    expect(s.captionsPerImage.true.mean).toBeCloseTo(5 * s.imagesPerCaption.true.mean, 2);
    expect(s.unannotatedValidShare).toBeGreaterThan(0.8);

    // Oracle encoder: cosine text→image retrieval in the test split beats chance by far.
    const img = readNpy(join(out, 'embeddings', 'image.npy'));
    const txt = readNpy(join(out, 'embeddings', 'text.npy'));
    expect(img.shape).toEqual([5000, 64]);
    expect(txt.shape).toEqual([25000, 64]);
    const caps = readFileSync(join(out, 'captions.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { split: string });
    const truth = readFileSync(join(out, 'truth.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { images: number[] });
    const testImages = [4500, 5000];
    let hits = 0;
    let chance = 0;
    let queries = 0;
    caps.forEach((c, ci) => {
      if (c.split !== 'test') return;
      let best = -1;
      let bestScore = -Infinity;
      for (let i = testImages[0]; i < testImages[1]; i++) {
        let dot = 0;
        for (let d = 0; d < 64; d++) dot += txt.data[ci * 64 + d] * img.data[i * 64 + d];
        if (dot > bestScore) {
          bestScore = dot;
          best = i;
        }
      }
      queries++;
      if (truth[ci].images.includes(best)) hits++;
      chance += truth[ci].images.length / (testImages[1] - testImages[0]);
    });
    expect(queries).toBe(2500);
    const r1 = hits / queries;
    expect(r1).toBeGreaterThan(0.3);
    expect(r1).toBeGreaterThan(10 * (chance / queries));
  });

  it('preset B: about 8.5 images per caption and 17.9 captions per image (both ECCV numbers)', async () => {
    const s = await generateSample({ out: join(root, 'B'), images: 5000, preset: 'B', seed: 0, renderImages: false });
    within10(s.imagesPerCaption.true.mean, 8.5);
    within10(s.captionsPerImage.true.mean, 17.9);
    expect(s.captions).toBe(10000);
  });

  it('preset C: i2t-matched, about 18 captions per image', async () => {
    const s = await generateSample({ out: join(root, 'C'), images: 5000, preset: 'C', seed: 0, renderImages: false });
    within10(s.captionsPerImage.true.mean, 17.9);
    expect(s.imagesPerCaption.true.mean).toBeLessThan(5);
  });
});
