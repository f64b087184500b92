// The CLIP/SigLIP path on tiny fixture models (random weights, real layout, real processors).
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClipEncoder, ModelFolderError, type ClipEncoder } from '../../src/main/core/encoders/clip/clip_encoder.js';
import { chooseOnnxDevice, loadTransformers } from '../../src/main/core/encoders/clip/runtime.js';
import { CancelledError } from '../../src/main/core/jobs/job.js';
import { buildClipFixture } from '../fixtures/models/clip_fixture.js';
import { makeTestDataset } from '../fixtures/models/images.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-clip-');
const encoders: ClipEncoder[] = [];
const make = (dir: string, opts = {}): ClipEncoder => {
  const e = createClipEncoder(dir, { device: 'cpu', ...opts });
  encoders.push(e);
  return e;
};

afterAll(async () => {
  for (const e of encoders) await e.dispose();
  tmp.cleanup();
});

function norms(v: Float32Array, dims: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < v.length / dims; r++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += v[r * dims + j]! ** 2;
    out.push(Math.sqrt(s));
  }
  return out;
}

describe('CLIP encoder on a tiny fixture model', () => {
  let modelDir: string;
  beforeAll(() => {
    modelDir = buildClipFixture(path.join(tmp.dir, 'clip'), { textDims: 16 });
  });

  it('encodes captions and images: declared dims, normalised, deterministic, distinct; bad images skipped', async () => {
    const ds = makeTestDataset(path.join(tmp.dir, 'ds'), { good: 5, bad: true });
    const enc = make(modelDir, { imageBatch: 2, textBatch: 3 });
    expect(enc.id).toBe(`clip:${path.resolve(modelDir)}`);
    await enc.check!({ dataset: ds });
    const phases: string[] = [];
    const t0 = performance.now();
    const out = await enc.encode({ dataset: ds, onProgress: (p) => phases.push(`${p.phase}:${p.done}/${p.total}`) });
    const ms = performance.now() - t0;
    expect(out.dims).toBe(16);
    expect(out.normalized).toBe(true);
    expect(out.text.length).toBe(ds.captions.length * 16);
    expect(out.image.length).toBe(ds.images.length * 16);
    for (const n of norms(out.text, 16)) expect(n).toBeCloseTo(1, 5);
    const imgNorms = norms(out.image, 16);
    for (const n of imgNorms.slice(0, 5)) expect(n).toBeCloseTo(1, 5);
    expect(imgNorms.slice(5)).toEqual([0, 0]);
    expect(out.skipped.map((p) => p.file)).toEqual(['images/broken.png', 'images/gone.png']);
    expect(out.skipped[0]!.message).toMatch(/cannot read image/);
    // Two different captions / images give different vectors.
    expect(Array.from(out.text.subarray(0, 16))).not.toEqual(Array.from(out.text.subarray(16, 32)));
    expect(Array.from(out.image.subarray(0, 16))).not.toEqual(Array.from(out.image.subarray(16, 32)));
    // Progress per batch, captions then images.
    expect(phases).toContain('captions:3/4');
    expect(phases).toContain('captions:4/4');
    expect(phases.filter((p) => p.startsWith('images:'))).toEqual(['images:2/7', 'images:4/7', 'images:6/7', 'images:7/7']);
    expect(enc.runtime()).toMatchObject({ family: 'clip', device: 'cpu', dims: 16, textOutput: 'text_embeds', imageOutput: 'image_embeds' });
    console.log(`fixture CLIP: ${ds.images.length} images + ${ds.captions.length} captions in ${ms.toFixed(0)} ms (load ${enc.runtime()!.loadSeconds.toFixed(2)} s)`);

    // Deterministic: a second encoder (fresh sessions), other batch sizes, same vectors.
    await enc.dispose();
    const again = await make(modelDir, { imageBatch: 7, textBatch: 1 }).encode({ dataset: ds });
    for (let i = 0; i < out.text.length; i++) expect(again.text[i]).toBeCloseTo(out.text[i]!, 5);
    for (let i = 0; i < out.image.length; i++) expect(again.image[i]).toBeCloseTo(out.image[i]!, 5);
  });

  it('keeps the end token when truncating, and never reaches the network', async () => {
    const words = 'a red dog on the house with two small cat in the green tree of blue car photo one big'.split(' ');
    const ds = makeTestDataset(path.join(tmp.dir, 'ds-long'), { good: 0, captions: [words.join(' '), words.slice(0, 14).join(' '), words.slice(0, 13).join(' ')] });
    const enc = make(modelDir);
    const out = await enc.encode({ dataset: ds });
    // maxLength 16 = start + 14 words + end: the long caption is cut to its first 14 words.
    for (let j = 0; j < 16; j++) expect(out.text[j]).toBeCloseTo(out.text[16 + j]!, 6);
    expect(Array.from(out.text.subarray(16, 32))).not.toEqual(Array.from(out.text.subarray(32, 48)));
    const t = await loadTransformers();
    expect(t.env.allowRemoteModels).toBe(false);
    expect(t.env.useFSCache).toBe(false);
    await expect(t.env.fetch('https://huggingface.co/x')).rejects.toThrow(/network access is disabled/);
  });

  it('chooses cpu with a reason when CUDA is not usable', () => {
    const auto = chooseOnnxDevice();
    if (auto.device === 'cpu') expect(auto.reason).toMatch(/CUDA|NVIDIA/);
    expect(chooseOnnxDevice('cpu')).toEqual({ device: 'cpu', reason: null });
  });

  it('weightsHash is a sha256 of the model files and changes when a file changes', async () => {
    const dir = buildClipFixture(path.join(tmp.dir, 'clip-hash'), { seed: 1 });
    const h1 = await make(dir).weightsHash();
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(await make(dir).weightsHash()).toBe(h1);
    buildClipFixture(dir, { seed: 2 });
    expect(await make(dir).weightsHash()).not.toBe(h1);
    expect(make(dir).params).toMatchObject({ family: 'clip', dtype: 'fp32', maxLength: 16 });
  });

  it('names every missing file before loading anything', async () => {
    const dir = buildClipFixture(path.join(tmp.dir, 'clip-missing'));
    rmSync(path.join(dir, 'tokenizer.json'));
    rmSync(path.join(dir, 'onnx', 'vision_model.onnx'));
    const ds = makeTestDataset(path.join(tmp.dir, 'ds-missing'), { good: 1 });
    const enc = make(dir);
    const err = await enc.encode({ dataset: ds }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFolderError);
    expect((err as ModelFolderError).missing).toEqual(['tokenizer.json', 'onnx/vision_model.onnx']);
    expect((err as Error).message).toContain('is missing 2 files: tokenizer.json, onnx/vision_model.onnx');
    await expect(enc.check!({ dataset: ds })).rejects.toThrow(/tokenizer\.json/);
    await expect(make(path.join(tmp.dir, 'nowhere')).weightsHash()).rejects.toThrow(/does not exist/);
  });

  it('refuses a model whose text and image vectors differ in size', async () => {
    const dir = buildClipFixture(path.join(tmp.dir, 'clip-dims'), { textDims: 16, imageDims: 12 });
    const ds = makeTestDataset(path.join(tmp.dir, 'ds-dims'), { good: 1 });
    await expect(make(dir).encode({ dataset: ds })).rejects.toThrow(/text model gives 16-dimensional vectors .* vision model gives 12/);
  });

  it('stops between batches when cancelled', async () => {
    const ds = makeTestDataset(path.join(tmp.dir, 'ds-cancel'), { good: 4 });
    const ac = new AbortController();
    const enc = make(modelDir, { imageBatch: 1 });
    const err = await enc
      .encode({
        dataset: ds,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.phase === 'images' && p.done === 1) ac.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
  });

  it('runs a SigLIP-shaped folder (pooler_output, max_length padding, no attention mask)', async () => {
    const dir = buildClipFixture(path.join(tmp.dir, 'siglip'), { family: 'siglip', textDims: 8 });
    const ds = makeTestDataset(path.join(tmp.dir, 'ds-siglip'), { good: 2 });
    const enc = make(dir);
    const out = await enc.encode({ dataset: ds });
    expect(out.dims).toBe(8);
    expect(enc.runtime()).toMatchObject({ family: 'siglip', textOutput: 'pooler_output', imageOutput: 'pooler_output' });
    for (const n of norms(out.text, 8)) expect(n).toBeCloseTo(1, 5);
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    await expect(make(dir).weightsHash()).rejects.toThrow(/model_type "bert" is not supported/);
  });
});
