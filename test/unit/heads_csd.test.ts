// CSD and match probability against hand-computed values (SCIENCE §2.2–2.3), the loss pieces of
// the heads, and the small helpers (Spearman, CSR positives).
import { beforeAll, describe, expect, it } from 'vitest';
import { csd, matchProbability, pairCsd, totalVariance, varianceRow } from '../../src/main/core/heads/csd.js';
import { csrFromLists, csrFromPairs, csrHas, csrRow, csrTranspose, csrUnion } from '../../src/main/core/heads/csr.js';
import { headConfig } from '../../src/main/core/heads/config.js';
import { bceWithLogits, Head, klToStdNormal, multiPositiveInfoNce } from '../../src/main/core/heads/model.js';
import { spearman } from '../../src/main/core/compute/stats.js';
import { conditionsFromKeywords, keywordConditionPositives, projectAtoms } from '../../src/main/core/heads/cond.js';
import { initBackend, tf } from '../../src/main/core/heads/tf.js';

beforeAll(async () => {
  await initBackend();
});

describe('closed-form sampled distance', () => {
  it('matches hand-computed values', () => {
    // ‖(1,0) − (0,1)‖² = 2; Σσ² = 0.1 + 0.2 and 0.3 + 0.4 → 3.0 (no factor 2)
    const d = csd([1, 0], [Math.log(0.1), Math.log(0.2)], [0, 1], [Math.log(0.3), Math.log(0.4)]);
    expect(d).toBeCloseTo(3.0, 12);
    expect(matchProbability(d)).toBeCloseTo(1 / (1 + Math.exp(10)), 15); // sigmoid(−5·3 + 5)
    expect(matchProbability(d, 1, 3)).toBeCloseTo(0.5, 15);
    expect(matchProbability(0, 5, 5)).toBeCloseTo(1 / (1 + Math.exp(-5)), 15);
    // huge distances do not overflow
    expect(matchProbability(1e6)).toBe(0);
    // an uncertain item is never a perfect match to itself: d(Z, Z) = 2T
    expect(csd([0.6, 0.8], [Math.log(0.05)], [0.6, 0.8], [Math.log(0.05)])).toBeCloseTo(0.2, 12);
    // points (no variance)
    expect(csd([1, 2, 3], null, [1, 2, 5], null)).toBe(4);
  });

  it('reads both log-variance layouts and pairs of a space', () => {
    const lv = Float32Array.from([Math.log(0.1), Math.log(0.3), Math.log(0.5), Math.log(0.5)]);
    expect(Array.from(totalVariance(lv, 2, 2)).map((x) => +x.toFixed(6))).toEqual([0.4, 1]);
    expect(Array.from(totalVariance(Float32Array.from([Math.log(0.25)]), 1, 4))[0]).toBeCloseTo(1, 6);
    expect(Array.from(totalVariance(null, 3, 4))).toEqual([0, 0, 0]);
    expect(Array.from(varianceRow(Float32Array.from([Math.log(2), Math.log(3)]), 2, 3, 1)).map((x) => +x.toFixed(6))).toEqual([3, 3, 3]);
    expect(() => totalVariance(new Float32Array(5), 2, 2)).toThrow(/expected 2 × 2 or 2/);
    const space = {
      dims: 2,
      image: Float32Array.from([1, 0, 0, 1]),
      text: Float32Array.from([0.6, 0.8]),
      imageLogvar: Float32Array.from([Math.log(0.1), Math.log(0.1), Math.log(0.2), Math.log(0.2)]),
      textLogvar: Float32Array.from([Math.log(0.05), Math.log(0.15)]),
    };
    const p = pairCsd(space, 1, 0, { a: 2, b: 1 });
    // ‖(0,1) − (0.6,0.8)‖² = 0.36 + 0.04 = 0.4; T_v = 0.4, T_t = 0.2
    expect(p.meanDistance2).toBeCloseTo(0.4, 6);
    expect(p.imageTrace).toBeCloseTo(0.4, 6);
    expect(p.textTrace).toBeCloseTo(0.2, 6);
    expect(p.csd).toBeCloseTo(1.0, 6);
    expect(p.probability).toBeCloseTo(1 / (1 + Math.exp(1)), 6); // sigmoid(−2·1 + 1)
    expect(p.cosine).toBeCloseTo(0.8, 6);
  });

  it('the head computes the same logits as the JS CSD', () => {
    const cfg = headConfig({ kind: 'pcme', imageIn: 4, textIn: 4, dims: 4, probabilistic: true, varHidden: 0, seed: 3 });
    const head = new Head(cfg);
    // make the log-variance heads non-trivial
    head.setWeights([{ name: 'img.lv.w1', shape: [4, 4], data: Float32Array.from({ length: 16 }, (_, k) => ((k % 5) - 2) * 0.3) }]);
    const xi = Float32Array.from([0.5, 0.5, 0.5, 0.5, 1, 0, 0, 0]);
    const xt = Float32Array.from([0, 0.6, 0.8, 0, 0.2, 0.4, 0.4, 0.8]);
    const im = head.encode('image', xi);
    const tx = head.encode('text', xt);
    const logits = tf.tidy(() => {
      const a = tf.tensor2d(im.mean, [2, 4]);
      const b = tf.tensor2d(tx.mean, [2, 4]);
      return head.logits(a, tf.tensor2d(im.logvar!, [2, 4]), b, tf.tensor2d(tx.logvar!, [2, 4])).dataSync();
    });
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const d = csd(im.mean.subarray(i * 4, i * 4 + 4), im.logvar!.subarray(i * 4, i * 4 + 4), tx.mean.subarray(j * 4, j * 4 + 4), tx.logvar!.subarray(j * 4, j * 4 + 4));
        expect(logits[i * 2 + j]).toBeCloseTo(-5 * d + 5, 4);
      }
    }
    // initial total variance T ≈ 0.3 (bias ln(0.3 / D)) for a text item
    expect(totalVariance(tx.logvar, 2, 4)[0]).toBeCloseTo(0.3, 1);
    head.dispose();
  });
});

describe('loss pieces', () => {
  it('binary cross-entropy with logits, KL and multi-positive InfoNCE', () => {
    const bce = tf.tidy(() => bceWithLogits(tf.tensor1d([0, 2, -3]), tf.tensor1d([1, 0, 0])).dataSync()[0]);
    const want = (Math.log(2) + Math.log(1 + Math.exp(2)) + Math.log(1 + Math.exp(-3))) / 3;
    expect(bce).toBeCloseTo(want, 5);
    // KL(N(μ, σ²) ‖ N(0, 1)) per element: ½(σ² + μ² − 1 − ln σ²); mean over entries
    const kl = tf.tidy(() => klToStdNormal(tf.tensor2d([[0.6, 0.8]]), tf.tensor2d([[Math.log(0.5), Math.log(2)]])).dataSync()[0]);
    const k1 = 0.5 * (0.5 + 0.36 - 1 - Math.log(0.5));
    const k2 = 0.5 * (2 + 0.64 - 1 - Math.log(2));
    expect(kl).toBeCloseTo((k1 + k2) / 2, 5);
    // 2×2 logits, row 0 has both captions positive
    const l = [
      [1, 2],
      [0, 3],
    ];
    const nce = tf.tidy(() => multiPositiveInfoNce(tf.tensor2d(l), tf.tensor2d([[1, 1], [0, 1]])).dataSync()[0]);
    const lse = (xs: number[]): number => Math.log(xs.reduce((s, x) => s + Math.exp(x), 0));
    const rows = (lse([1, 2]) - lse([1, 2])) + (lse([0, 3]) - 3);
    const cols = (lse([1, 0]) - 1) + (lse([2, 3]) - lse([2, 3]));
    expect(nce).toBeCloseTo(0.5 * (rows / 2 + cols / 2), 5);
  });
});

describe('helpers', () => {
  it('Spearman with ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
    expect(Number.isNaN(spearman([1, 1, 1], [1, 2, 3]))).toBe(true);
  });

  it('CSR positives', () => {
    const m = csrFromLists([[3, 1, 3], [], [0]]);
    expect(Array.from(csrRow(m, 0))).toEqual([1, 3]);
    expect(csrHas(m, 0, 3)).toBe(true);
    expect(csrHas(m, 1, 3)).toBe(false);
    const t = csrTranspose(m, 4);
    expect(Array.from(csrRow(t, 3))).toEqual([0]);
    expect(Array.from(csrRow(t, 0))).toEqual([2]);
    const u = csrUnion(m, csrFromPairs([[1, 2], [0, 1]], 3));
    expect(Array.from(csrRow(u, 1))).toEqual([2]);
    expect(Array.from(csrRow(u, 0))).toEqual([1, 3]);
  });
});

describe('conditions', () => {
  it('keyword rules tag captions and keep their positives', () => {
    const caps = [{ text: 'A red car next to a tree' }, { text: 'bluish sky' }, { text: 'a reddish wall' }, { text: 'Two dogs' }];
    const kc = conditionsFromKeywords(
      [
        { name: 'colour', keywords: ['red', 'blu*'] },
        { name: 'relation', keywords: ['next to'] },
        { name: 'count', keywords: ['two'] },
      ],
      caps,
    );
    expect(Array.from(kc.tags[0])).toEqual([1, 1, 0, 0]);
    expect(Array.from(kc.tags[1])).toEqual([1, 0, 0, 0]);
    expect(Array.from(kc.tags[2])).toEqual([0, 0, 0, 1]);
    expect(kc.counts).toEqual([2, 1, 1]);
    const cp = keywordConditionPositives(kc, csrFromLists([[0], [1, 2], [2], [3]]));
    expect(Array.from(csrRow(cp.positives[0], 1))).toEqual([1, 2]);
    expect(csrRow(cp.positives[0], 2).length).toBe(0);
    expect(() => conditionsFromKeywords([{ name: 'x', keywords: [] }], caps)).toThrow(/no keywords/);
  });

  it('projects caption atoms onto an aspect', () => {
    const atoms = [
      { type: 'exists', desc: { shape: 'circle', colour: 'red', size: 'large' } },
      { type: 'count', desc: { shape: 'square' }, k: 2 },
      { type: 'left_of', a: { shape: 'star', colour: 'blue' }, b: { shape: 'heart', colour: 'pink' } },
      { type: 'only', n: 3 },
    ] as const;
    expect(projectAtoms(atoms as never, 'colour')).toEqual([
      { type: 'exists', desc: { colour: 'red' } },
      { type: 'exists', desc: { colour: 'blue' } },
      { type: 'exists', desc: { colour: 'pink' } },
    ]);
    expect(projectAtoms(atoms as never, 'count')).toEqual([atoms[1], { type: 'total', n: 3 }]);
    expect(projectAtoms(atoms as never, 'relation')).toEqual([atoms[2]]);
    expect(projectAtoms(atoms as never, 'position')).toEqual([]);
  });
});
