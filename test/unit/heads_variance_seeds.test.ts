// PCME++ variance on the built-in baseline encoder's space (what a user runs), on sample seeds the
// defaults were not chosen on (seed 0 is the tuning seed; docs/variance.md): caption Σσ² must rank
// with true multiplicity above a floor on two unseen seeds. The floor is what the measurement holds
// with margin, not the 0.3 target, which is missed (docs/variance.md gives the figures, from
// bench-results/latest-variance.json). Real parts: rendered sample images, the baseline encoder in
// process, the training loop on the wasm backend.
import { describe, expect, it } from 'vitest';
import { runVarianceBench } from '../../src/main/core/heads/variance_bench.js';

const IMAGES = 320;
/**
 * Caption Σσ² vs |truth| (Spearman over every caption), per unseen seed. Measured on wasm with the
 * shipped defaults: 0.064 (seed 1) and 0.068 (seed 2), far below the 0.3 target; the floor only
 * guards that the sign stays positive with some margin.
 */
const CAPTION_RHO_FLOOR = 0.03;

describe('PCME++ variance on the baseline space, unseen seeds', () => {
  it('caption Σσ² ranks with true multiplicity on seeds 1 and 2', async () => {
    const runs = await runVarianceBench({ images: IMAGES, worlds: [{ preset: 'A', seed: 1 }, { preset: 'A', seed: 2 }], devices: ['default'], log: (s) => console.log(s) });
    expect(runs).toHaveLength(2);
    for (const r of runs) {
      expect(Number.isFinite(r.captionPartial)).toBe(true);
      expect(r.captionRho).toBeGreaterThan(CAPTION_RHO_FLOOR);
      // The kept weights are the best validation epoch's: never below the last epoch's.
      expect(r.valKept).toBeGreaterThanOrEqual(r.valLast - 1e-9);
    }
  }, 300_000);
});
