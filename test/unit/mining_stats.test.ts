// Capture–recapture, multiplicity statistics, review units and the active-learning classifier.
import { describe, expect, it } from 'vitest';
import { chapman, estimateRemaining } from '../../src/main/core/mining/capture_recapture.js';
import { histogram, multiplicityStats } from '../../src/main/core/mining/multiplicity_stats.js';
import { buildReviewUnits, calibrateCosts, orderQueue, type ReviewUnit } from '../../src/main/core/mining/clusters.js';
import { auc, fitClassifier, predictAll } from '../../src/main/core/mining/classifier.js';
import { fitPlatt, applyPlatt } from '../../src/main/core/mining/logistic.js';
import { mulberry32 } from '../../src/shared/random.js';

describe('Chapman estimator', () => {
  it('matches the formula on a known case', () => {
    // n1 = n2 = 10, m = 5: N̂ = 11·11/6 − 1 = 19.1667, var = 11·11·5·5/(6²·7) = 12.004
    const c = chapman(10, 10, 5);
    expect(c.estimate).toBeCloseTo(121 / 6 - 1, 10);
    expect(c.variance).toBeCloseTo(3025 / 252, 10);
    expect(c.found).toBe(15);
    expect(c.remaining).toBeCloseTo(121 / 6 - 16, 10);
    expect(c.ci95[0]).toBeGreaterThanOrEqual(15);
    // Complete overlap: nothing left.
    expect(chapman(4, 4, 4).estimate).toBe(4);
    expect(() => chapman(3, 2, 4)).toThrow(/cannot exceed/);
  });

  it('uses only fully reviewed queries, per pair of spaces', () => {
    // caption 0: 3 valid (A only, B only, both) and 1 invalid; caption 1: 2 valid by both;
    // caption 2 has an unreviewed candidate, so it is left out.
    const caption = [0, 0, 0, 0, 1, 1, 2, 2];
    const sources = [0b01, 0b10, 0b11, 0b11, 0b11, 0b11, 0b01, 0b10];
    const label = [1, 1, 1, 0, 1, 1, 1, -1];
    const est = estimateRemaining({ image: caption.map((_, k) => k), caption, sources, label, nCaptions: 10 }, 0, 1)!;
    expect(est.queries).toBe(2);
    expect([est.n1, est.n2, est.m]).toEqual([4, 4, 3]);
    expect(est.estimate).toBeCloseTo(25 / 4 - 1, 10);
    expect(est.remainingExtrapolated).toBeCloseTo(((25 / 4 - 1 - 5) / 2) * 10, 10);
  });
});

describe('multiplicity statistics', () => {
  it('histograms', () => {
    const h = histogram([0, 1, 1, 3]);
    expect(h.counts).toEqual([1, 2, 0, 1]);
    expect(h.mean).toBe(1.25);
    expect(h.median).toBe(1);
    expect(h.max).toBe(3);
    expect(histogram([1, 2, 3, 4]).median).toBe(2.5);
  });

  it('counts annotated, verified and true positives, and per-space precision', () => {
    // 3 images, 3 captions (caption t annotated with image t); truth adds (1,0), (2,0), (0,1).
    const s = multiplicityStats({
      nImages: 3,
      annotated: [0, 1, 2],
      verified: [[0, 1], [1], [2]],
      truth: [[0, 1, 2], [0, 1], [2]],
      spaces: ['a', 'b'],
      candidates: { n: 3, image: [1, 2, 0], caption: [0, 0, 1], sources: [0b01, 0b11, 0b10], agreement: [1, 2, 1] },
      labels: [1, -1, -1],
    });
    expect(s.imagesPerCaption.verified.counts).toEqual([0, 2, 1]);
    expect(s.imagesPerCaption.true!.mean).toBe(2);
    expect(s.captionsPerImage.true!.counts).toEqual([0, 0, 3]);
    expect(s.perSpace[0]).toMatchObject({ space: 'a', candidates: 2, reviewed: 1, confirmed: 1, precision: 1, truthPrecision: 1 });
    expect(s.perSpace[1]).toMatchObject({ space: 'b', candidates: 2, reviewed: 0, precision: null, truthPrecision: 1 });
    expect(s.byAgreement.find((r) => r.agreement === 2)!.candidates).toBe(1);
  });
});

describe('review units', () => {
  const unit = (priority: number, uncertainty: number): ReviewUnit => ({
    kind: 'caption_card', captions: [0], images: [0], referenceImages: [], pairs: [], expectedValid: 0, uncertainty, priority, costSeconds: 1, position: -1, servedBy: 'priority',
  });

  it('serves every fifth place by uncertainty', () => {
    const units = Array.from({ length: 10 }, (_, k) => unit(10 - k, k));
    const q = orderQueue(units, 0.2);
    expect(q.map((u) => u.servedBy)).toEqual(['priority', 'priority', 'priority', 'priority', 'uncertainty', 'priority', 'priority', 'priority', 'priority', 'uncertainty']);
    expect(q[0].priority).toBe(10);
    expect(q[4].uncertainty).toBe(9);
    expect(q.map((u) => u.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('groups near-identical captions that share candidate images into a block', () => {
    // Captions 0 and 1 say the same thing; caption 2 differs. Candidates: (img, cap, p).
    const cands: [number, number, number][] = [
      [3, 0, 0.9], [4, 0, 0.6], [3, 1, 0.8], [5, 1, 0.5], [3, 2, 0.7], [6, 2, 0.02],
    ];
    const input = { n: cands.length, image: cands.map((c) => c[0]), caption: cands.map((c) => c[1]), p: cands.map((c) => c[2]), lev: cands.map(() => 0) };
    const text = [[1, 0], [0.999, 0.04], [0, 1]];
    const sim = (a: number, b: number) => text[a][0] * text[b][0] + text[a][1] * text[b][1];
    const { units, theta } = buildReviewUnits(input, [0, 1, 2], { sim, theta: 0.01, checkPairs: 0 });
    expect(theta).toBe(0.01);
    const block = units.find((u) => u.kind === 'block')!;
    expect(block.captions).toEqual([0, 1]);
    expect(block.images.sort()).toEqual([3, 4, 5]);
    expect(block.referenceImages.sort()).toEqual([0, 1]);
    // Y = Σp (no lev); cost = 5 + 1.5·(3 + 2) + 3·2
    expect(block.expectedValid).toBeCloseTo(2.8, 10);
    expect(block.costSeconds).toBeCloseTo(18.5, 10);
    const card = units.find((u) => u.captions[0] === 2)!;
    expect(card.kind).toBe('caption_card');
    expect(card.pairs).toEqual([4]); // p = 0.02 is below pMin
    const cards = buildReviewUnits(input, [0, 1, 2], { mode: 'image_cards', checkPairs: 0 }).units;
    expect(cards.find((u) => u.images[0] === 3)!.captions.sort()).toEqual([0, 1, 2]);
  });

  it('calibrates the cost model from review times', () => {
    const samples = [];
    for (let k = 0; k < 20; k++) samples.push({ images: 1 + (k % 7), captions: 1 + (k % 3), seconds: 4 + 2 * (1 + (k % 7)) + 3 * (1 + (k % 3)) });
    const c = calibrateCosts(samples);
    expect(c.c0).toBeCloseTo(4, 6);
    expect(c.cI).toBeCloseTo(2, 6);
    expect(c.cT).toBeCloseTo(3, 6);
    expect(calibrateCosts(samples.slice(0, 3))).toEqual({ c0: 5, cI: 1.5, cT: 3 });
  });
});

describe('classifier and calibration', () => {
  it('Platt scaling separates two score distributions', () => {
    const r = mulberry32(4);
    const pos = Array.from({ length: 300 }, () => 0.6 + 0.2 * r());
    const neg = Array.from({ length: 300 }, () => 0.1 + 0.4 * r());
    const p = fitPlatt(pos, neg);
    expect(p.a).toBeGreaterThan(0);
    expect(applyPlatt(p, 0.75)).toBeGreaterThan(0.9);
    expect(applyPlatt(p, 0.2)).toBeLessThan(0.1);
  });

  it('refits on reviews only from 50 labels, and is calibrated in the large', () => {
    const r = mulberry32(5);
    const n = 400;
    const label = new Int8Array(n).fill(-1);
    const c = {
      n,
      image: new Int32Array(n),
      caption: Int32Array.from({ length: n }, (_, k) => k),
      sources: new Int32Array(n),
      agreement: new Uint8Array(n),
      rrf: new Float32Array(n),
      zMean: new Float32Array(n),
      margin: new Float32Array(n),
      lev: new Uint8Array(n),
      tauImg: new Float32Array(n),
      tauTxt: new Float32Array(n),
      prior: new Float32Array(n).fill(0.5),
      p: new Float32Array(n),
      scores: new Float32Array(0),
      ranks: new Int32Array(0),
    };
    const truth = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      truth[k] = r() < 0.3 ? 1 : 0;
      c.tauTxt[k] = truth[k] ? 0.7 + 0.3 * r() : 0.2 + 0.6 * r();
      c.zMean[k] = r();
      c.agreement[k] = r() < 0.5 ? 1 : 2;
    }
    for (let k = 0; k < 40; k++) label[k] = truth[k];
    expect(fitClassifier(c, 2, label)).toBeNull();
    for (let k = 0; k < 200; k++) label[k] = truth[k];
    const fit = fitClassifier(c, 2, label)!;
    expect(fit.positives + fit.negatives).toBe(200);
    expect(fit.trainAuc).toBeGreaterThan(0.85);
    const p = predictAll(c, 2, fit.model);
    const reviewedMean = Array.from(p.subarray(0, 200)).reduce((a, b) => a + b, 0) / 200;
    expect(reviewedMean).toBeCloseTo(fit.positives / 200, 6);
    expect(auc(Array.from(p.subarray(200)), Array.from(truth.subarray(200)))).toBeGreaterThan(0.85);
  });
});
