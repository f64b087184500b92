// Mixed-sample augmentation on features: mixed image rows lie between their two sources and their
// label rows are the same mix (soft targets); captions and the other rows are untouched.
import { describe, expect, it } from 'vitest';
import { mixBatch } from '../../src/main/core/heads/batches.js';
import { Rng } from '../../src/main/core/sample/rng.js';

describe('mixBatch', () => {
  it('mixes a share of image rows with row B−1−i and gives them soft labels', () => {
    const B = 8;
    const dims = 3;
    const image = Float32Array.from({ length: B * dims }, (_, k) => Math.floor(k / dims));
    const labels = new Float32Array(B * B);
    for (let i = 0; i < B; i++) labels[i * B + i] = 1;
    const text = new Float32Array(B * dims).fill(7);
    const batch = { image, text, cond: null, labels, size: B };
    const out = mixBatch(batch, dims, 0.5, new Rng(1, 'mix'));
    expect(out.text).toBe(text);
    let mixed = 0;
    for (let i = 0; i < B; i++) {
      const row = Array.from(out.labels.subarray(i * B, (i + 1) * B));
      const j = B - 1 - i;
      if (row[i] === 1) {
        expect(Array.from(out.image.subarray(i * dims, (i + 1) * dims))).toEqual([i, i, i]);
        continue;
      }
      mixed++;
      const lam = row[i];
      expect(lam).toBeGreaterThan(0);
      expect(row[j]).toBeCloseTo(1 - lam, 6);
      expect(out.image[i * dims]).toBeCloseTo(lam * i + (1 - lam) * j, 5);
    }
    expect(mixed).toBe(4);
    // the input batch is not changed
    expect(batch.labels[0]).toBe(1);
    expect(mixBatch(batch, dims, 0, new Rng(1, 'mix'))).toBe(batch);
  });
});
