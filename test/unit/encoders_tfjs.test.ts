// TensorFlow.js model folders as encoders: tiny layers models saved at test time.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTfjsEncoder, TfjsModelError } from '../../src/main/core/encoders/tfjs_model/tfjs_encoder.js';
import { hashedNgrams, tokenIds } from '../../src/main/core/encoders/tfjs_model/text_input.js';
import { tf } from '../../src/main/core/tensor/backend.js';
import * as tfl from '@tensorflow/tfjs-layers';
import { buildTfjsPair, saveLayersModel, tinyImageModel, tinyTokenTextModel, writeGraphTextModel } from '../fixtures/models/tfjs_fixture.js';
import { makeTestDataset, writePng } from '../fixtures/models/images.js';
import { tempDir } from '../helpers/tmp.js';
import { PNG } from 'pngjs';

const tmp = tempDir('mlens-tfjs-');
afterAll(() => tmp.cleanup());

function rowNorm(v: Float32Array, dims: number, r: number): number {
  let s = 0;
  for (let j = 0; j < dims; j++) s += v[r * dims + j]! ** 2;
  return Math.sqrt(s);
}

function unit(v: ArrayLike<number>): number[] {
  const n = Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));
  return Array.from(v, (x) => x / n);
}

describe('TensorFlow.js encoder', () => {
  let pair: string;
  beforeAll(async () => {
    pair = await buildTfjsPair(path.join(tmp.dir, 'pair'));
  });

  it('encodes a tfjs:DIR pair folder with the sidecar preprocessing, matching the model run by hand', async () => {
    const ds = makeTestDataset(path.join(tmp.dir, 'ds'), { good: 4, bad: true });
    // One image already at the model size: no resize, so the input can be rebuilt by hand.
    writePng(path.join(ds.root, 'images/exact.png'), 16, 16, 9);
    ds.images.push({ id: 'exact', path: 'images/exact.png', split: null, missing: false });
    const enc = createTfjsEncoder(pair);
    expect(enc.id).toBe(`tfjs:${path.resolve(pair)}`);
    await enc.check!({ dataset: ds });
    const phases: string[] = [];
    const t0 = performance.now();
    const out = await enc.encode({ dataset: ds, onProgress: (p) => phases.push(`${p.phase}:${p.done}/${p.total}`) });
    console.log(`fixture tfjs: ${ds.images.length} images + ${ds.captions.length} captions in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(out.dims).toBe(8);
    expect(out.normalized).toBe(true);
    expect(out.skipped.map((p) => p.file)).toEqual(['images/broken.png', 'images/gone.png']);
    expect(out.skipped[0]!.message).toMatch(/is not an image file/);
    for (let r = 0; r < ds.captions.length; r++) expect(rowNorm(out.text, 8, r)).toBeCloseTo(1, 5);
    for (const r of [0, 1, 2, 3, 6]) expect(rowNorm(out.image, 8, r)).toBeCloseTo(1, 5);
    expect(rowNorm(out.image, 8, 4)).toBe(0);
    expect(phases).toContain('images:7/7');
    expect(Array.from(out.text.subarray(0, 8))).not.toEqual(Array.from(out.text.subarray(8, 16)));

    // By hand: the exact-size image, scaled by 1/255, minus mean, over std; the caption's hashed n-grams.
    const model = (await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: JSON.parse(readFileSync(path.join(pair, 'image/model.json'), 'utf8')).modelTopology, weightSpecs: JSON.parse(readFileSync(path.join(pair, 'image/model.json'), 'utf8')).weightsManifest[0].weights, weightData: new Uint8Array(readFileSync(path.join(pair, 'image/weights.bin'))).buffer }),
    )) as tfl.LayersModel;
    const png = PNG.sync.read(readFileSync(path.join(ds.root, 'images/exact.png')));
    const x = new Float32Array(16 * 16 * 3);
    const mean = [0.5, 0.4, 0.3];
    const std = [0.25, 0.2, 0.3];
    for (let p = 0; p < 256; p++) for (let c = 0; c < 3; c++) x[p * 3 + c] = (png.data[p * 4 + c]! / 255 - mean[c]!) / std[c]!;
    const want = unit(await (model.predict(tf.tensor4d(x, [1, 16, 16, 3])) as tf.Tensor).data());
    const got = Array.from(out.image.subarray(6 * 8, 7 * 8));
    got.forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 4));
    model.dispose();

    // Deterministic across encoders.
    const again = await createTfjsEncoder(pair).encode({ dataset: ds });
    expect(Array.from(again.image)).toEqual(Array.from(out.image));
    expect(Array.from(again.text)).toEqual(Array.from(out.text));
    expect(await enc.weightsHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(enc.params).toMatchObject({ image: { modality: 'image', inputSize: [16, 16], resize: 'stretch' }, text: { textInput: 'hashed-ngrams', ngrams: 2 } });
    enc.dispose();
  });

  it('takes tfjs:TXTDIR,IMGDIR (either order) with a token-id text model and a vocab file', async () => {
    const root = path.join(tmp.dir, 'two');
    const vocab = ['<pad>', '[UNK]', 'a', 'photo', 'of', 'red', 'dog', 'cat', 'blue', 'car', 'two', 'small', 'cats', 'on', 'the', 'house', 'green', 'tree', 'in', '<s>'];
    writeFileSync(path.join(tmp.dir, 'vocab.txt'), vocab.join('\n'));
    const txt = await saveLayersModel(tinyTokenTextModel(8, vocab.length, 10), path.join(root, 'txt'), { modality: 'text', textInput: 'token-ids', vocab: 'vocab.txt', bosId: 19 });
    writeFileSync(path.join(txt, 'vocab.txt'), vocab.join('\n'));
    const img = await saveLayersModel(tinyImageModel(8), path.join(root, 'img'), { modality: 'image', inputSize: [16, 16], resize: 'crop', channelsFirst: false });
    const ds = makeTestDataset(path.join(tmp.dir, 'ds2'), { good: 2 });
    const enc = createTfjsEncoder(`${txt},${img}`);
    expect(enc.spec()).toEqual({ imageDir: img, textDir: txt });
    const out = await enc.encode({ dataset: ds });
    expect(out.dims).toBe(8);
    for (let r = 0; r < 4; r++) expect(rowNorm(out.text, 8, r)).toBeCloseTo(1, 5);
    expect(Array.from(out.text.subarray(0, 8))).not.toEqual(Array.from(out.text.subarray(8, 16)));
    // Changing the vocabulary changes the hash.
    const h1 = await enc.weightsHash();
    writeFileSync(path.join(txt, 'vocab.txt'), [...vocab.slice(0, -1), '<bos>'].join('\n'));
    expect(await createTfjsEncoder(`${txt},${img}`).weightsHash()).not.toBe(h1);
    enc.dispose();
  });

  it('runs a graph-model text tower (JSON GraphDef + shard), reading the named output', async () => {
    const root = path.join(tmp.dir, 'graph');
    const txt = writeGraphTextModel(path.join(root, 'text'), 32, 8, { modality: 'text', textInput: 'hashed-ngrams', output: 'embedding' });
    await saveLayersModel(tinyImageModel(8), path.join(root, 'image'), { modality: 'image', inputSize: [16, 16] });
    const ds = makeTestDataset(path.join(tmp.dir, 'ds-graph'), { good: 1 });
    const out = await createTfjsEncoder(root).encode({ dataset: ds });
    expect(out.dims).toBe(8);
    // By hand: tanh(hashed · W), normalised.
    const w = new Float32Array(readFileSync(path.join(txt, 'group1-shard1of1.bin')).buffer.slice(0));
    const x = hashedNgrams([ds.captions[0]!.text], 32, 2, true);
    const y = Array.from({ length: 8 }, (_, j) => Math.tanh(x.reduce((s, v, i) => s + v * w[i * 8 + j]!, 0)));
    unit(y).forEach((v, j) => expect(out.text[j]).toBeCloseTo(v, 4));
    writeFileSync(path.join(txt, 'mlens.json'), JSON.stringify({ modality: 'text', textInput: 'hashed-ngrams', output: 'nope' }));
    await expect(createTfjsEncoder(root).encode({ dataset: ds })).rejects.toThrow(/"output": "nope" is not an output of the model \(it has embedding\)/);
  });

  it('names a missing weights file', async () => {
    const root = await buildTfjsPair(path.join(tmp.dir, 'noweights'));
    rmSync(path.join(root, 'image', 'weights.bin'));
    const ds = makeTestDataset(path.join(tmp.dir, 'ds3'), { good: 1 });
    const want = new RegExp(`weight file missing: ${path.join(root, 'image', 'weights.bin').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`);
    await expect(createTfjsEncoder(root).encode({ dataset: ds })).rejects.toThrow(want);
    await expect(createTfjsEncoder(root).weightsHash()).rejects.toThrow(want);
    // A truncated shard is named too.
    const root2 = await buildTfjsPair(path.join(tmp.dir, 'short'));
    const bin = path.join(root2, 'text', 'weights.bin');
    writeFileSync(bin, readFileSync(bin).subarray(0, 40));
    await expect(createTfjsEncoder(root2).encode({ dataset: ds })).rejects.toThrow(/weights\.bin holds 40 bytes but the manifest needs/);
  });

  it('gives clear errors for a lone model, mismatched sizes and a bad sidecar', async () => {
    const ds = makeTestDataset(path.join(tmp.dir, 'ds4'), { good: 1 });
    const e1 = await createTfjsEncoder(path.join(pair, 'image')).encode({ dataset: ds }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(TfjsModelError);
    expect((e1 as Error).message).toMatch(/holds only an image model; .*tfjs:IMAGE_DIR,TEXT_DIR/);

    const mis = await buildTfjsPair(path.join(tmp.dir, 'mismatch'), { imageDims: 8, textDims: 6 });
    await expect(createTfjsEncoder(mis).encode({ dataset: ds })).rejects.toThrow(/gives 8-dimensional vectors but the text model .* gives 6/);

    writeFileSync(path.join(mis, 'image', 'mlens.json'), JSON.stringify({ modality: 'image', inputSize: [20, 16] }));
    await expect(createTfjsEncoder(mis).encode({ dataset: ds })).rejects.toThrow(/mlens\.json: inputSize \[20,16\] .* the model takes \[batch, 16, 16, 3\]/);
    writeFileSync(path.join(mis, 'image', 'mlens.json'), JSON.stringify({ modality: 'picture' }));
    await expect(createTfjsEncoder(mis).encode({ dataset: ds })).rejects.toThrow(/image[\\/]mlens\.json: "modality" must be one of "image", "text"/);
    writeFileSync(path.join(mis, 'image', 'mlens.json'), JSON.stringify({ modality: 'image', inputSize: [16, 16] }));
    rmSync(path.join(mis, 'text', 'mlens.json'));
    await expect(createTfjsEncoder(`${path.join(mis, 'image')},${path.join(mis, 'text')}`).weightsHash()).rejects.toThrow(/text[\\/]mlens\.json: missing/);
  });

  it('builds text inputs as documented', () => {
    const h = hashedNgrams(['Red dog', 'red DOG', ''], 16, 2, true);
    expect(Array.from(h.subarray(0, 16))).toEqual(Array.from(h.subarray(16, 32)));
    expect(h.subarray(0, 16).reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 6);
    expect(Array.from(h.subarray(32))).toEqual(Array(16).fill(0));
    const ids = tokenIds(['a red zebra', 'one two three four five'], { vocab: ['<pad>', '[UNK]', 'a', 'red', '</s>'], maxLength: 4, padId: 0, unkId: 1, bosId: null, eosId: 4, lowercase: true });
    expect(Array.from(ids)).toEqual([2, 3, 1, 4, 1, 1, 1, 4]);
  });
});
