// The built-in encoder: decoding (PNG, JPEG; corrupt files refused by name; other formats in image_decode_any.test.ts), features,
// and retrieval quality on a generated sample against its truth (the phenomenon: top-1 images are
// mostly valid although rarely the annotated one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { BaselineEncoder, baselineParams } from '../../src/main/core/encoders/baseline/baseline_encoder.js';
import { imageFeatureDims, imageFeatures } from '../../src/main/core/encoders/baseline/image_features.js';
import { fitTextFeatures, textFeatures, tokenize } from '../../src/main/core/encoders/baseline/text_features.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { decodeImage, ImageDecodeError, UnsupportedImageError, type RgbaImage } from '../../src/main/core/encoders/image_decode.js';
import { evaluateSpace } from '../../src/main/core/metrics/space_eval.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { SpaceStore } from '../../src/main/core/spaces/space_store.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-baseline-');
afterAll(() => tmp.cleanup());

function solid(w: number, h: number, rgb: [number, number, number], square?: { x: number; y: number; s: number; rgb: [number, number, number] }): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inSq = square && x >= square.x && x < square.x + square.s && y >= square.y && y < square.y + square.s;
      data.set([...(inSq ? square.rgb : rgb), 255], (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data };
}

function pngBytes(img: RgbaImage): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data);
  return PNG.sync.write(png);
}

describe('decoding', () => {
  it('decodes PNG and JPEG by their bytes, refuses WebP and corrupt files naming them', () => {
    const img = solid(16, 8, [200, 30, 40]);
    const p = decodeImage(pngBytes(img), 'a.png');
    expect([p.width, p.height, ...p.data.subarray(0, 4)]).toEqual([16, 8, 200, 30, 40, 255]);
    const j = decodeImage(jpeg.encode({ width: 16, height: 8, data: Buffer.from(img.data) }, 95).data, 'b.jpg');
    expect([j.width, j.height]).toEqual([16, 8]);
    expect(Math.abs(j.data[0] - 200)).toBeLessThan(10);
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(16)]);
    expect(() => decodeImage(webp, 'images/c.webp')).toThrow(UnsupportedImageError);
    expect(() => decodeImage(webp, 'images/c.webp')).toThrow(/^images\/c\.webp: WEBP images are not supported by the built-in decoder/);
    const broken = pngBytes(img).subarray(0, 40);
    expect(() => decodeImage(broken, 'images/d.png')).toThrow(ImageDecodeError);
    expect(() => decodeImage(broken, 'images/d.png')).toThrow(/^images\/d\.png: corrupt PNG/);
    expect(() => decodeImage(Buffer.from('not an image at all'), 'e.png')).toThrow(/e\.png: is not a PNG or JPEG file/);
  });
});

describe('features', () => {
  it('image features see colour and where it is', () => {
    const dims = imageFeatureDims();
    const grey = imageFeatures(solid(64, 64, [222, 222, 222]));
    const redLeft = imageFeatures(solid(64, 64, [222, 222, 222], { x: 2, y: 24, s: 14, rgb: [220, 30, 40] }));
    const redRight = imageFeatures(solid(64, 64, [222, 222, 222], { x: 48, y: 24, s: 14, rgb: [220, 30, 40] }));
    const blueLeft = imageFeatures(solid(64, 64, [222, 222, 222], { x: 2, y: 24, s: 14, rgb: [40, 80, 220] }));
    expect(grey.length).toBe(dims);
    expect(Array.from(grey).every(Number.isFinite)).toBe(true);
    const dist = (a: Float32Array, b: Float32Array): number => Math.hypot(...a.map((v, i) => v - b[i]));
    // Global colour histogram (first 27 values): red left = red right.
    expect(dist(redLeft.subarray(0, 27), redRight.subarray(0, 27))).toBeLessThan(1e-6);
    expect(dist(redLeft.subarray(0, 27), blueLeft.subarray(0, 27))).toBeGreaterThan(0.3);
    expect(dist(redLeft, redRight)).toBeGreaterThan(0.3);
  });

  it('text features: hashed word and character n-grams, tf-idf, unit rows', () => {
    expect(tokenize('A red disc, left of a Star!')).toEqual(['a', 'red', 'disc', 'left', 'of', 'a', 'star']);
    const texts = ['a red disc', 'a red discs', 'a blue square', ''];
    const t = textFeatures(texts, fitTextFeatures(texts));
    const row = (r: number): Map<number, number> => new Map(Array.from(t.indices.subarray(t.offsets[r], t.offsets[r + 1]), (k, j) => [k, t.values[t.offsets[r] + j]]));
    const cos = (a: number, b: number): number => [...row(a)].reduce((s, [k, v]) => s + v * (row(b).get(k) ?? 0), 0);
    expect(cos(0, 0)).toBeCloseTo(1, 5);
    expect(cos(0, 1)).toBeGreaterThan(cos(0, 2));
    expect(t.offsets[4] - t.offsets[3]).toBe(0);
  });
});

/** t2i metrics of one split against annotated pairs and against the full truth. */
function splitMetrics(ds: Dataset, image: Float32Array, text: Float32Array, dims: number, split: string) {
  const imgs = ds.images.flatMap((im, i) => (im.split === split ? [i] : []));
  const caps = ds.captions.flatMap((c, i) => (c.split === split ? [i] : []));
  const local = new Map(imgs.map((g, l) => [g, l]));
  const I = new Float32Array(imgs.length * dims);
  imgs.forEach((g, l) => I.set(image.subarray(g * dims, (g + 1) * dims), l * dims));
  const C = new Float32Array(caps.length * dims);
  caps.forEach((g, l) => C.set(text.subarray(g * dims, (g + 1) * dims), l * dims));
  const annotated = caps.map((c) => [local.get(ds.captions[c].imageIndex)!]);
  const truth = caps.map((c) => Array.from(ds.truth![c], (g) => local.get(g)!));
  const a = evaluateSpace(I, C, dims, annotated).t2i;
  const t = evaluateSpace(I, C, dims, truth).t2i;
  // Expected mAP@R of a random ranking: (1/R) Σ_{i≤R} P(rank i relevant) · E[P@i | rank i relevant]
  // = (1/R) Σ_i (R/N) · (1 + (i−1)(R−1)/(N−1)) / i.
  const N = imgs.length;
  const randomAp = (R: number): number => {
    let s = 0;
    for (let i = 1; i <= R; i++) s += (R / N) * ((1 + ((i - 1) * (R - 1)) / (N - 1)) / i);
    return s / R;
  };
  const chanceMapAtR = truth.reduce((sum, p) => sum + randomAp(p.length), 0) / caps.length;
  return { images: imgs.length, captions: caps.length, annotatedR1: a.recall_at[1], truthMapAtR: t.map_at_r, truthR1: t.recall_at[1], truthRPrecision: t.r_precision, chanceMapAtR };
}

describe('baseline on the generated sample', () => {
  let root: string;
  beforeAll(async () => {
    root = join(tmp.dir, 'sample');
    await generateSample({ out: root, images: 400, preset: 'A', seed: 1 });
  });

  it('retrieves well above chance on held-out splits, and shows the multiplicity gap', async () => {
    const ds = await openDataset(root);
    const projectDir = join(tmp.dir, 'project');
    const r = await encodeSpace({ dataset: ds, encoderSpec: 'baseline', projectDir });
    expect(r.problems).toEqual([]);
    expect(r.stats.trainOnAllSplits).toBe(0); // trained on 'train' only: val and test are held out
    const s = new SpaceStore(projectDir).load(r.record.id);
    const m = Object.fromEntries(['train', 'val', 'test'].map((split) => [split, splitMetrics(ds, s.image, s.text, s.record.dims, split)]));
    console.log(JSON.stringify({ backend: r.record.run.backend, seconds: r.record.run.seconds, stats: r.stats, metrics: m }));
    for (const split of ['val', 'test']) {
      const x = m[split];
      const chance = 1 / x.images; // 40 images: 0.025
      expect(x.annotatedR1).toBeGreaterThan(2.5 * chance);
      // mAP@R against the full truth (measured 0.36–0.41), far above a random ranking.
      expect(x.truthMapAtR).toBeGreaterThan(0.2);
      expect(x.truthMapAtR).toBeGreaterThan(3 * x.chanceMapAtR);
      // The phenomenon: the top image is valid far more often than it is the annotated one.
      expect(x.truthR1).toBeGreaterThan(2.5 * x.annotatedR1);
    }
  });

  it('skips unreadable images by name and finishes', async () => {
    const dir = join(tmp.dir, 'broken');
    mkdirSync(join(dir, 'images'), { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) {
      copyFileSync(join(root, 'images', `00000${i}.png`), join(dir, 'images', `ok${i}.png`));
      lines.push(JSON.stringify({ image: `images/ok${i}.png`, caption: `caption number ${i}` }));
    }
    writeFileSync(join(dir, 'images', 'cut.png'), pngBytes(solid(8, 8, [1, 2, 3])).subarray(0, 30));
    writeFileSync(join(dir, 'images', 'pic.webp'), Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(16)]));
    lines.push(JSON.stringify({ image: 'images/cut.png', caption: 'a cut file' }), JSON.stringify({ image: 'images/pic.webp', caption: 'a webp file' }));
    writeFileSync(join(dir, 'captions.jsonl'), `${lines.join('\n')}\n`);
    const ds = await openDataset(dir);
    const r = await encodeSpace({ dataset: ds, encoderSpec: 'baseline:hidden=16,dims=8,steps=4,minEpochs=1', projectDir: join(dir, '.mlens') });
    expect(r.problems.map((p) => [p.file, p.severity])).toEqual([
      ['images/cut.png', 'error'],
      ['images/pic.webp', 'error'],
    ]);
    expect(r.problems[0].message).toMatch(/^corrupt PNG .*; skipped, its row is zero$/);
    expect(r.problems[1].message).toMatch(/^corrupt WEBP .*; skipped, its row is zero$/);
    expect(r.stats).toMatchObject({ imagesEncoded: 4, imagesSkipped: 2 });
    const s = new SpaceStore(join(dir, '.mlens')).load(r.record.id);
    expect(Array.from(s.image.subarray(4 * 8, 6 * 8)).every((v) => v === 0)).toBe(true);
    // Reopened, the cached space still lists them.
    const again = await encodeSpace({ dataset: ds, encoderSpec: 'baseline:hidden=16,dims=8,steps=4,minEpochs=1', projectDir: join(dir, '.mlens') });
    expect(again.cached).toBe(true);
    expect(again.problems.map((p) => p.file)).toEqual(['images/cut.png', 'images/pic.webp']);
  });
});

describe('caption feature dropout (baseline:textDropout)', () => {
  it('is off by default with the space id it had before the option existed, refused at 1, and deterministic when on', async () => {
    expect(() => baselineParams({ textDropout: 1 })).toThrow(/textDropout=1 must be below 1/);
    expect(() => baselineParams({ textDropout: -0.1 })).toThrow(/textDropout=-0.1 is not a valid non-negative number/);
    expect('textDropout' in new BaselineEncoder({}).params).toBe(false);
    expect('textDropout' in new BaselineEncoder({ textDropout: 0 }).params).toBe(false);
    expect(new BaselineEncoder({ textDropout: 0.4 }).params.textDropout).toBe(0.4);

    const dir = join(tmp.dir, 'dropout');
    await generateSample({ out: dir, images: 100, preset: 'A', seed: 4 });
    const ds = await openDataset(dir);
    const spec = 'baseline:hidden=16,dims=8,steps=20,minEpochs=1';
    const encode = async (extra: string, project: string) => {
      const r = await encodeSpace({ dataset: ds, encoderSpec: `${spec}${extra}`, projectDir: join(dir, project), inProcess: true });
      return { id: r.record.id, name: r.record.name, text: new SpaceStore(join(dir, project)).load(r.record.id).text };
    };
    const off = await encode('', 'p-off');
    const zero = await encode(',textDropout=0', 'p-zero');
    const on = await encode(',textDropout=0.4', 'p-on');
    const again = await encode(',textDropout=0.4', 'p-again');
    expect(zero.id).toBe(off.id);
    expect(Array.from(zero.text)).toEqual(Array.from(off.text));
    expect(on.id).not.toBe(off.id);
    // The space's name says which settings differ from the defaults, so two spaces can be told apart.
    expect(off.name).toBe('baseline 8-d (hidden=16,steps=20,minEpochs=1)');
    expect(on.name).toBe('baseline 8-d (hidden=16,steps=20,minEpochs=1,textDropout=0.4)');
    expect(Array.from(again.text)).toEqual(Array.from(on.text));
    expect(Array.from(on.text)).not.toEqual(Array.from(off.text));
  });
});
