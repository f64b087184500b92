// ProLIP's inclusion loss on a frozen encoder (heads/inclusion.ts): which captions count as more
// general, the sign and symmetry of the inclusion measure, and that the loss only moves variances
// (the means' gradient is the same with and without it), leaving captions wider than their images.
import { describe, expect, it } from 'vitest';
import { tf, initBackend } from '../../src/main/core/heads/tf.js';
import { generalCaptions, inclusionLogit, inclusionLoss } from '../../src/main/core/heads/inclusion.js';
import { csrRow } from '../../src/main/core/heads/csr.js';
import { headConfig } from '../../src/main/core/heads/config.js';
import { Head } from '../../src/main/core/heads/model.js';
import { makeBatch, pairTask } from '../../src/main/core/heads/batches.js';
import { Rng } from '../../src/main/core/sample/rng.js';
import { ROLE_TRAIN, type TrainInput } from '../../src/main/core/heads/data.js';
import { csrFromLists } from '../../src/main/core/heads/csr.js';

describe('generalCaptions', () => {
  it('lists, per caption, the kept captions whose content words are a proper subset of its own', () => {
    const texts = ['A red circle on the left', 'a circle', 'There is a red circle', 'a blue square', 'a circle', 'the circle is red'];
    const g = generalCaptions(texts, (c) => c !== 4);
    const list = (c: number) => Array.from(csrRow(g, c)).map((j) => texts[j]);
    // "red circle left" ⊃ "circle", "red circle" (twice: "There is a red circle", "the circle is red").
    expect(list(0).sort()).toEqual(['There is a red circle', 'a circle', 'the circle is red'].sort());
    // Same words are not more general ("red circle" vs "circle red"); caption 4 is not kept.
    expect(list(2)).toEqual(['a circle']);
    expect(list(5)).toEqual(['a circle']);
    expect(list(1)).toEqual([]);
    expect(list(3)).toEqual([]);
    expect(list(4)).toEqual([]);
  });
});

describe('inclusion measure', () => {
  it('is positive when the first Gaussian sits inside a wider second, antisymmetric, and its loss falls as the second widens', async () => {
    await initBackend();
    const D = 4;
    const m = tf.tensor2d([[0.5, 0.5, 0.5, 0.5]], [1, D]);
    const near = tf.tensor2d([[0.5, 0.5, 0.45, 0.55]], [1, D]);
    const lv = (x: number) => tf.fill([1, D], Math.log(x)) as tf.Tensor2D;
    const inside = inclusionLogit(m, lv(0.01), near, lv(0.1)).dataSync();
    const outside = inclusionLogit(near, lv(0.1), m, lv(0.01)).dataSync();
    for (let d = 0; d < D; d++) {
      expect(inside[d]).toBeGreaterThan(0);
      expect(outside[d]).toBeCloseTo(-inside[d], 5);
    }
    const lossAt = (s2: number) => inclusionLoss(m, lv(0.01), near, lv(s2), 10).dataSync()[0];
    expect(lossAt(0.001)).toBeGreaterThan(lossAt(0.01));
    expect(lossAt(0.01)).toBeGreaterThan(lossAt(0.1));
    // A mask leaves rows out; no row kept → zero.
    expect(inclusionLoss(m, lv(0.01), near, lv(0.001), 10, new Float32Array([0])).dataSync()[0]).toBe(0);
  });
});

/** A toy input: 40 images in 4 clusters, 2 captions each (one generic, one specific), all train. */
function toyInput(): { input: TrainInput; texts: string[] } {
  const rng = new Rng(3, 'toy');
  const D = 8;
  const nI = 40;
  const img = new Float32Array(nI * D);
  const txt = new Float32Array(nI * 2 * D);
  const captionImage = new Int32Array(nI * 2);
  const texts: string[] = [];
  const names = ['circle', 'square', 'star', 'heart'];
  for (let i = 0; i < nI; i++) {
    const k = i % 4;
    for (let d = 0; d < D; d++) img[i * D + d] = (d === k ? 1 : 0) + 0.3 * rng.normal();
    for (const [j, spec] of [
      [2 * i, 0.1],
      [2 * i + 1, 0.5],
    ] as const) {
      for (let d = 0; d < D; d++) txt[j * D + d] = img[i * D + d] * (1 - spec) + (d === k ? spec : 0) + 0.05 * rng.normal();
      captionImage[j] = i;
    }
    texts.push(`a small ${names[k]} number ${i}`, `a ${names[k]}`);
  }
  const norm = (a: Float32Array) => {
    for (let r = 0; r < a.length / D; r++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += a[r * D + d] ** 2;
      s = Math.sqrt(s) || 1;
      for (let d = 0; d < D; d++) a[r * D + d] /= s;
    }
    return a;
  };
  const input: TrainInput = {
    nImages: nI,
    nCaptions: nI * 2,
    imageDims: D,
    textDims: D,
    imageFeatures: norm(img),
    textFeatures: norm(txt),
    captionImage,
    imageRole: new Int8Array(nI).fill(ROLE_TRAIN),
    evalPositives: csrFromLists(Array.from({ length: nI * 2 }, (_, c) => [captionImage[c]])),
    evalIsTruth: false,
    extraPositives: null,
    conditions: null,
  };
  return { input, texts };
}

describe('a PCME++ head with the inclusion loss', () => {
  it('batches carry one more general caption per caption row, and image ⊂ caption moves variances, not means', async () => {
    await initBackend();
    const { input, texts } = toyInput();
    input.generalCaptions = generalCaptions(texts, () => true);
    const task = pairTask(input, 'annotated', 16);
    const anchors = task.epoch(new Rng(1, 'e'))[0];
    const b = makeBatch(input, task, anchors, new Rng(2, 'g'));
    expect(b.general).toHaveLength(16 * input.textDims);
    // Specific captions ("a small circle number 3") have a general one ("a circle"); generic ones have none.
    for (let j = 0; j < 16; j++) expect(b.generalMask![j]).toBe(anchors.caption[j] % 2 === 0 ? 1 : 0);

    const make = (inclusionImage: number) => new Head(headConfig({ kind: 'pcme', imageIn: 8, textIn: 8, dims: 8, probabilistic: true, varHidden: 0, inclusionImage, inclusionScale: 10, seed: 1 }));
    // The loss's gradient on the mean towers is the same with and without inclusion (means are held constant in it).
    const meanGrads = (h: Head) => {
      const { value, grads } = tf.variableGrads(() => h.loss(b), h.meanVariables());
      const out = Object.values(grads).map((g) => Array.from(g.dataSync()));
      const varG = tf.variableGrads(() => h.loss(b), h.varianceVariables());
      const varOut = Object.values(varG.grads).map((g) => Array.from(g.dataSync()));
      tf.dispose([value, varG.value, ...Object.values(grads), ...Object.values(varG.grads)]);
      return { mean: out, variance: varOut };
    };
    const [h0, h1] = [make(0), make(1)];
    const g0 = meanGrads(h0);
    const g1 = meanGrads(h1);
    expect(g1.mean.length).toBeGreaterThan(0);
    g1.mean.forEach((g, k) => g.forEach((x, i) => expect(x).toBeCloseTo(g0.mean[k][i], 6)));
    expect(g1.variance.flat().some((x, i) => Math.abs(x - g0.variance.flat()[i]) > 1e-4)).toBe(true);
    h0.dispose();
    h1.dispose();

    const train = (inclusionImage: number) => {
      const head = make(inclusionImage);
      const opt = tf.train.adam(0.01);
      const rng = new Rng(5, 'steps');
      for (let e = 0; e < 30; e++) {
        for (const a of task.epoch(rng)) {
          const batch = makeBatch(input, task, a, rng);
          const l = opt.minimize(() => head.loss(batch), true, head.varianceVariables());
          l?.dispose();
        }
      }
      opt.dispose();
      const im = head.encode('image', input.imageFeatures);
      const tx = head.encode('text', input.textFeatures);
      const meanLv = (a: Float32Array) => a.reduce((s, x) => s + x, 0) / a.length;
      const out = { image: meanLv(im.logvar!), text: meanLv(tx.logvar!) };
      head.dispose();
      return out;
    };
    const off = train(0);
    const on = train(1);
    // Variance heads trained alone: with inclusion the captions end wider than their images.
    expect(on.text - on.image).toBeGreaterThan(off.text - off.image + 0.5);
  }, 60_000);
});
