// Precomputed spaces: user-chosen .npy files (npy:IMG,TXT) and the folder's own embeddings
// ('dataset'), with broken files: wrong rows, wrong dims, NaN, float16, float64, rows out of order.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { encodeSpace } from '../../src/main/core/encoders/encode_job.js';
import { DatasetEmbeddingsEncoder, EmbeddingFileError, NpyEncoder } from '../../src/main/core/encoders/npy_encoder.js';
import { createEncoder, normalizeEncoderSpec, parseEncoderSpec } from '../../src/main/core/encoders/registry.js';
import { encodeNpy } from '../../src/main/core/io/npy.js';
import { SpaceStore } from '../../src/main/core/spaces/space_store.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-npy-');
afterAll(() => tmp.cleanup());

const N_IMG = 4;
const N_CAP = 6;

function fakeDataset(): Dataset {
  return {
    root: tmp.dir,
    name: 'fake',
    format: 'generic',
    images: Array.from({ length: N_IMG }, (_, i) => ({ id: `img${i}`, path: `images/img${i}.png`, split: null, missing: true })),
    captions: Array.from({ length: N_CAP }, (_, c) => ({ id: `cap${c}`, text: `caption ${c}`, imageIndex: c % N_IMG, split: null })),
    truth: null,
    positives: [],
    embeddings: null,
    problems: [],
    hash: 'fakehash00000000',
  };
}

function matrix(rows: number, dims: number, f = (r: number, d: number) => r + d + 1): Float32Array {
  return Float32Array.from({ length: rows * dims }, (_, i) => f(Math.floor(i / dims), i % dims));
}

function write(name: string, buf: Buffer | string): string {
  const file = join(tmp.dir, name);
  writeFileSync(file, buf);
  return file;
}

/** A float16 / float64 .npy by hand (encodeNpy writes float32 only). */
function npyOf(descr: string, shape: number[], bytes: Buffer): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head[0] = 0x93;
  head.write('NUMPY', 1, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), bytes]);
}

const ds = fakeDataset();
const goodImg = write('img.npy', encodeNpy(matrix(N_IMG, 3), [N_IMG, 3]));
const goodTxt = write('txt.npy', encodeNpy(matrix(N_CAP, 3), [N_CAP, 3]));

describe('npy:IMG,TXT', () => {
  it('reads float32 files into a normalised space', async () => {
    const enc = new NpyEncoder(goodImg, goodTxt);
    const out = await enc.encode({ dataset: ds });
    expect(out.dims).toBe(3);
    expect(out.normalized).toBe(true);
    for (let r = 0; r < N_IMG; r++) expect(Math.hypot(...out.image.subarray(r * 3, r * 3 + 3))).toBeCloseTo(1, 6);
    expect(enc.id).toBe(`npy:${goodImg},${goodTxt}`);
    expect(enc.readsPixels).toBe(false);
  });

  it('reads .safetensors files (one 2-D tensor, or one named "embeddings") and names what is wrong', async () => {
    const st = (name: string, tensors: Record<string, { shape: number[]; data: Float32Array }>): string => {
      const header: Record<string, unknown> = {};
      let off = 0;
      const parts: Buffer[] = [];
      for (const [k, t] of Object.entries(tensors)) {
        const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
        header[k] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + bytes.length] };
        off += bytes.length;
        parts.push(bytes);
      }
      const h = Buffer.from(JSON.stringify(header));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(h.length));
      return write(name, Buffer.concat([len, h, ...parts]));
    };
    const img = st('img.safetensors', { embeddings: { shape: [N_IMG, 3], data: matrix(N_IMG, 3) }, bias: { shape: [3], data: matrix(1, 3) } });
    const txt = st('txt.safetensors', { x: { shape: [N_CAP, 3], data: matrix(N_CAP, 3) } });
    const out = await new NpyEncoder(img, txt).encode({ dataset: ds });
    expect(out.dims).toBe(3);
    expect(Math.hypot(...out.text.subarray(0, 3))).toBeCloseTo(1, 6);
    const two = st('two.safetensors', { a: { shape: [N_CAP, 3], data: matrix(N_CAP, 3) }, b: { shape: [N_CAP, 3], data: matrix(N_CAP, 3) } });
    await expect(new NpyEncoder(img, two).encode({ dataset: ds })).rejects.toThrow(/two\.safetensors: holds 2 tensors \(a, b\)/);
    const short = st('short.safetensors', { embeddings: { shape: [N_CAP - 1, 3], data: matrix(N_CAP - 1, 3) } });
    await expect(new NpyEncoder(img, short).encode({ dataset: ds })).rejects.toThrow(/short\.safetensors: has 5 rows but the dataset has 6 captions/);
  });

  it('accepts float16 (widened to float32)', async () => {
    // 1.0 = 0x3c00, 2.0 = 0x4000, 0.5 = 0x3800
    const halves = Buffer.alloc(N_IMG * 2 * 2);
    for (let r = 0; r < N_IMG; r++) {
      halves.writeUInt16LE(0x3c00, r * 4);
      halves.writeUInt16LE(r % 2 ? 0x4000 : 0x3800, r * 4 + 2);
    }
    const img16 = write('img16.npy', npyOf('<f2', [N_IMG, 2], halves));
    const txt = write('txt2.npy', encodeNpy(matrix(N_CAP, 2), [N_CAP, 2]));
    const out = await new NpyEncoder(img16, txt, false).encode({ dataset: ds });
    expect(Array.from(out.image.subarray(0, 4))).toEqual([1, 0.5, 1, 2]);
  });

  it('refuses wrong row counts, naming the file and both counts', async () => {
    const short = write('short.npy', encodeNpy(matrix(N_IMG - 1, 3), [N_IMG - 1, 3]));
    const err = await new NpyEncoder(short, goodTxt).encode({ dataset: ds }).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddingFileError);
    expect(err.file).toBe(short);
    expect(err.message).toBe(`${short}: has 3 rows but the dataset has 4 images; rows must be the images in item order, one each`);
    const txtShort = write('txtshort.npy', encodeNpy(matrix(N_CAP + 1, 3), [N_CAP + 1, 3]));
    await expect(new NpyEncoder(goodImg, txtShort).encode({ dataset: ds })).rejects.toThrow(`${txtShort}: has 7 rows but the dataset has 6 captions`);
  });

  it('refuses different dims for images and text, and non-2-D arrays', async () => {
    const txt5 = write('txt5.npy', encodeNpy(matrix(N_CAP, 5), [N_CAP, 5]));
    await expect(new NpyEncoder(goodImg, txt5).encode({ dataset: ds })).rejects.toThrow(`${txt5}: has 5 dims but ${goodImg} has 3; image and text rows must share one space`);
    const flat = write('flat.npy', encodeNpy(matrix(1, N_IMG), [N_IMG]));
    await expect(new NpyEncoder(flat, goodTxt).encode({ dataset: ds })).rejects.toThrow(`${flat}: must be a 2-D array (rows × dims) but has shape (4)`);
  });

  it('refuses NaN and Inf, naming the file, the row and the item', async () => {
    const withNaN = matrix(N_IMG, 3);
    withNaN[2 * 3 + 1] = NaN;
    withNaN[3 * 3] = Infinity;
    const f = write('nan.npy', encodeNpy(withNaN, [N_IMG, 3]));
    const err = await new NpyEncoder(f, goodTxt).encode({ dataset: ds }).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddingFileError);
    expect(err.row).toBe(2);
    expect(err.message).toBe(`${f}: row 2: holds NaN or Inf (image 2, images/img2.png; 2 rows in all)`);
  });

  it('refuses float64, truncated files and files that are not .npy', async () => {
    const f64 = write('f64.npy', npyOf('<f8', [N_IMG, 1], Buffer.alloc(N_IMG * 8)));
    await expect(new NpyEncoder(f64, goodTxt).encode({ dataset: ds })).rejects.toThrow(`${f64}: dtype <f8 is not supported (use float32 or float16, little-endian)`);
    const cut = write('cut.npy', encodeNpy(matrix(N_IMG, 3), [N_IMG, 3]).subarray(0, 100));
    await expect(new NpyEncoder(cut, goodTxt).encode({ dataset: ds })).rejects.toThrow(`${cut}: truncated`);
    const junk = write('junk.npy', Buffer.from('hello'));
    await expect(new NpyEncoder(junk, goodTxt).encode({ dataset: ds })).rejects.toThrow(`${junk}: not a .npy file (bad magic)`);
    await expect(new NpyEncoder(join(tmp.dir, 'nope.npy'), goodTxt).encode({ dataset: ds })).rejects.toThrow('nope.npy: does not exist');
  });

  it('checks row order against a sidecar id list, naming the first row out of place', async () => {
    const img = write('ordered.npy', encodeNpy(matrix(N_IMG, 3), [N_IMG, 3]));
    write('ordered.ids.json', JSON.stringify(['img0', 'img1', 'img2', 'img3']));
    await expect(new NpyEncoder(img, goodTxt).encode({ dataset: ds })).resolves.toBeTruthy();
    write('ordered.ids.json', JSON.stringify(['img0', 'img2', 'img1', 'img3']));
    await expect(new NpyEncoder(img, goodTxt).encode({ dataset: ds })).rejects.toThrow(
      /ordered\.ids\.json: row 1: is image 'img2' but the dataset's image 1 is 'img1' \(images\/img1\.png\): rows must follow the dataset's item order/,
    );
  });

  it('parses and normalises specs, and says what is wrong with a bad one', async () => {
    expect(normalizeEncoderSpec('npy:a.npy, b.npy', '/data')).toBe('npy:/data/a.npy,/data/b.npy');
    expect(parseEncoderSpec('baseline:dims=32')).toEqual({ kind: 'baseline', arg: 'dims=32' });
    expect(() => parseEncoderSpec('npy:only.npy')).toThrow(/two .npy or .safetensors files separated by one comma/);
    expect(() => parseEncoderSpec('word2vec')).toThrow(/unknown encoder 'word2vec': use baseline/);
    expect(() => parseEncoderSpec('clip:')).toThrow(/needs a path/);
    await expect(createEncoder('baseline:depth=3')).rejects.toThrow(/unknown parameter depth/);
    expect((await createEncoder(`npy:${goodImg},${goodTxt}`)).id).toBe(`npy:${goodImg},${goodTxt}`);
  });

  it('becomes a saved space through the job, keyed by the files’ content', async () => {
    const projectDir = join(tmp.dir, 'project');
    mkdirSync(projectDir, { recursive: true });
    const r1 = await encodeSpace({ dataset: ds, encoderSpec: `npy:${goodImg},${goodTxt}`, projectDir, inProcess: true });
    expect(r1.cached).toBe(false);
    expect(r1.record).toMatchObject({ encoder: `npy:${goodImg},${goodTxt}`, dims: 3, nImages: N_IMG, nCaptions: N_CAP, normalized: true, probabilistic: false });
    expect(r1.record.run.backend).toBe('js');
    const space = new SpaceStore(projectDir).load(r1.record.id);
    expect(Math.hypot(...space.text.subarray(0, 3))).toBeCloseTo(1, 6);
    const r2 = await encodeSpace({ dataset: ds, encoderSpec: `npy:${goodImg},${goodTxt}`, projectDir, inProcess: true });
    expect(r2).toMatchObject({ cached: true, record: { id: r1.record.id } });
    // A broken file: a clear error and nothing saved.
    const before = new SpaceStore(projectDir).list().length;
    const bad = write('bad.npy', encodeNpy(matrix(2, 3), [2, 3]));
    await expect(encodeSpace({ dataset: ds, encoderSpec: `npy:${bad},${goodTxt}`, projectDir, inProcess: true })).rejects.toThrow(/has 2 rows but the dataset has 4 images/);
    expect(new SpaceStore(projectDir).list()).toHaveLength(before);
  });
});

describe("'dataset' (the folder's embeddings/*.npy)", () => {
  it('normalises deterministic embeddings and keeps Gaussian means as they are', async () => {
    const withEmb: Dataset = {
      ...ds,
      embeddings: { dims: 2, dtype: 'float32', image: matrix(N_IMG, 2), text: matrix(N_CAP, 2), imageLogvar: null, textLogvar: null, source: 'embeddings/*.npy' },
    };
    const out = await new DatasetEmbeddingsEncoder().encode({ dataset: withEmb });
    expect(out.normalized).toBe(true);
    expect(Math.hypot(out.image[0], out.image[1])).toBeCloseTo(1, 6);
    const prob: Dataset = { ...withEmb, embeddings: { ...withEmb.embeddings!, imageLogvar: matrix(N_IMG, 2, () => -1), textLogvar: matrix(N_CAP, 2, () => -2) } };
    const p = await new DatasetEmbeddingsEncoder().encode({ dataset: prob });
    expect(p.normalized).toBe(false);
    expect(p.image[0]).toBe(1);
    expect(p.textLogvar![0]).toBe(-2);
  });

  it('says why when there are none, and checks meta.json row ids', async () => {
    const none: Dataset = { ...ds, problems: [{ severity: 'error', file: 'embeddings/image.npy', message: 'has 3 rows but the dataset has 4 images; the dataset opens without embeddings' }] };
    await expect(new DatasetEmbeddingsEncoder().encode({ dataset: none })).rejects.toThrow(/embeddings: not usable: embeddings\/image\.npy: has 3 rows but the dataset has 4 images/);
    const wrongOrder: Dataset = {
      ...ds,
      embeddings: { dims: 2, dtype: 'float32', image: matrix(N_IMG, 2), text: matrix(N_CAP, 2), imageLogvar: null, textLogvar: null, source: 'x', meta: { image_ids: ['img0', 'img1', 'img3', 'img2'] } },
    };
    await expect(new DatasetEmbeddingsEncoder().encode({ dataset: wrongOrder })).rejects.toThrow(/image_ids: row 2: is image 'img3' but the dataset's image 2 is 'img2'/);
  });
});
