// Embeddings over the memory budget: real clip-retrieval shards (Parquet metadata + .npy shards)
// and a single embeddings/*.npy pair, opened with a tiny budget. The rows stay on disk, and the
// candidate search and the metrics read them block by block and give exactly the in-memory results;
// the rows held at once stay within the blocks the budget allows.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { exactCrossModal } from '../../src/main/core/compute/knn_blocked.js';
import { streamedCrossModal } from '../../src/main/core/compute/stream_knn.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { summarize } from '../../src/main/core/datasets/summary.js';
import { encodeNpy } from '../../src/main/core/io/npy.js';
import { memoryBudgetBytes } from '../../src/main/core/io/memory_budget.js';
import { gatherRows, sampleIndices, sampleText, streamPlan, SubsetRows } from '../../src/main/core/io/row_sample.js';
import { evaluateSpace } from '../../src/main/core/metrics/space_eval.js';
import { evaluateStreamed } from '../../src/main/core/metrics/stream_eval.js';
import { LoadedSpace } from '../../src/main/core/mining/space_engine.js';
import { mulberry32 } from '../../src/shared/random.js';
import { mlens } from '../helpers/cli.js';
import { LensService } from '../../src/main/core/app/lens_service.js';
import { writeSettings } from '../../src/main/core/io/data_dir.js';
import { cleanupTmp, encodeNpyF16, tmpDir, writeFile, writePng } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

const DIMS = 32;
const SHARDS = [250, 200, 150];
const N = SHARDS.reduce((a, b) => a + b, 0);
/** 64 KiB: the 600 + 600 rows × 32 dims (150 KiB) do not fit. */
const BUDGET_MB = 1 / 16;

/** Images and captions near shared topic centres, so neighbours and ranks are not random ties. */
function vectors(seed: number): { image: Float32Array; text: Float32Array } {
  const rnd = mulberry32(seed);
  const centres = Float32Array.from({ length: 20 * DIMS }, () => rnd() * 2 - 1);
  const image = new Float32Array(N * DIMS);
  const text = new Float32Array(N * DIMS);
  for (let i = 0; i < N; i++) {
    const c = i % 20;
    for (let d = 0; d < DIMS; d++) {
      image[i * DIMS + d] = centres[c * DIMS + d] + (rnd() - 0.5);
      text[i * DIMS + d] = centres[c * DIMS + d] + (rnd() - 0.5);
    }
  }
  image[7 * DIMS + 3] = NaN; // zeroed by both paths
  return { image, text };
}

function clipRetrievalFolder(): { root: string; image: Float32Array; text: Float32Array } {
  const root = tmpDir();
  const { image, text } = vectors(5);
  let start = 0;
  SHARDS.forEach((rows, s) => {
    const paths = Array.from({ length: rows }, (_, k) => `/data/laion/${String(s).padStart(5, '0')}/${String(start + k).padStart(9, '0')}.png`);
    for (const p of paths.slice(0, 3)) writePng(root, p.split('/').slice(-2).join('/'), start);
    const meta = parquetWriteBuffer({
      columnData: [
        { name: 'image_path', data: paths, type: 'STRING' },
        { name: 'caption', data: paths.map((_, k) => `caption ${start + k} about topic ${(start + k) % 20}`), type: 'STRING' },
      ],
    } as Parameters<typeof parquetWriteBuffer>[0]);
    writeFile(root, `metadata/metadata_${s}.parquet`, Buffer.from(meta));
    writeFile(root, `img_emb/img_emb_${s}.npy`, encodeNpy(image.slice(start * DIMS, (start + rows) * DIMS), [rows, DIMS]));
    writeFile(root, `text_emb/text_emb_${s}.npy`, encodeNpy(text.slice(start * DIMS, (start + rows) * DIMS), [rows, DIMS]));
    start += rows;
  });
  return { root, image, text };
}

describe('embeddings over the memory budget', () => {
  it('MLENS_MEMORY_MB sets the budget; the default comes from the machine; nonsense is refused by name', () => {
    expect(memoryBudgetBytes(null, { MLENS_MEMORY_MB: '512' })).toBe(512 * 2 ** 20);
    expect(memoryBudgetBytes(null, {})).toBeGreaterThan(0);
    expect(() => memoryBudgetBytes(null, { MLENS_MEMORY_MB: 'lots' })).toThrow(/MLENS_MEMORY_MB/);
  });

  it('clip-retrieval shards stay on disk; kNN and metrics read them by block and equal the in-memory results', async () => {
    const { root } = clipRetrievalFolder();
    const mem = await openDataset(root);
    const disk = await openDataset(root, { memoryMb: BUDGET_MB });
    expect(mem.embeddings).not.toBeNull();
    expect(mem.streamed).toBeNull();
    expect(disk.embeddings).toBeNull();
    const st = disk.streamed!;
    expect(st.image.rows).toBe(N);
    expect(st.image.shards.map((s) => s.rows)).toEqual(SHARDS);
    const summary = summarize(disk);
    expect(summary.embeddings).toMatchObject({ dims: DIMS, source: 'clip-retrieval', onDisk: { bytes: 2 * N * DIMS * 4, budgetBytes: 64 * 1024 } });
    expect(disk.problems.some((p) => /exceed the memory budget/.test(p.message))).toBe(true);
    expect(disk.hash).toBe(mem.hash);
    // the map samples a quarter of the budget's rows, said with its seed and reason
    const mapSample = summary.embeddings!.onDisk!.mapSample;
    expect(mapSample).toMatchObject({ of: 2 * N, seed: 1 });
    expect(mapSample.rows).toBe(Math.floor((64 * 1024) / 4 / 4 / DIMS));
    expect(sampleText(mapSample)).toMatch(/^a sample of 128 of 1,200 rows \(seed 1\): .*memory budget/);
    expect(summary.embeddings!.onDisk!.knnSample.rows).toBe(2 * N); // small galleries are searched whole

    const budgetBytes = st.budgetBytes;
    const e = mem.embeddings!;
    // gathering rows in any order, repeated, across shard boundaries: the in-memory rows
    const want = [599, 0, 250, 249, 250, 7, 448, 451];
    expect(Array.from(gatherRows(st.image, want))).toEqual(want.flatMap((r) => Array.from(e.image.subarray(r * DIMS, (r + 1) * DIMS))));
    const knnMem = exactCrossModal(new LoadedSpace({ id: 'm', dims: DIMS, image: e.image, text: e.text }), { kI2T: 10, kT2I: 5 });
    const knnDisk = streamedCrossModal(st.image, st.text, { kI2T: 10, kT2I: 5, budgetBytes });
    expect(knnDisk.passes).toBeGreaterThan(1);
    for (const key of ['i2t', 't2i'] as const) {
      expect(Array.from(knnDisk[key].indices)).toEqual(Array.from(knnMem[key].indices));
      expect(Array.from(knnDisk[key].scores)).toEqual(Array.from(knnMem[key].scores));
    }
    expect(Array.from(knnDisk.imageStats.mean)).toEqual(Array.from(knnMem.imageStats.mean));
    expect(Array.from(knnDisk.textStats.sd)).toEqual(Array.from(knnMem.textStats.sd));

    // caption c's positives: its annotated image and the next image of its topic
    const positives = Array.from({ length: N }, (_, c) => [c, (c + 20) % N].sort((a, b) => a - b));
    const metMem = evaluateSpace(e.image, e.text, DIMS, positives, { ks: [1, 5, 10] });
    const metDisk = evaluateStreamed(st.image, st.text, positives, { ks: [1, 5, 10], budgetBytes });
    expect(metDisk.i2t).toEqual(metMem.i2t);
    expect(metDisk.t2i).toEqual(metMem.t2i);
    expect(metMem.i2t.r_precision).toBeGreaterThan(0.05); // not a degenerate case

    // Bounded: no read returned more than one block, far below the matrix.
    const held = Math.max(st.image.maxRowsRead, st.text.maxRowsRead);
    expect(held).toBeLessThanOrEqual(Math.max(knnDisk.blocks.galleryRows, knnDisk.blocks.queryRows, metDisk.blocks.galleryRows, metDisk.blocks.queryRows));
    expect(held).toBeLessThan(N / 2);
    // (queries + gallery) rows and the score block fit the budget
    const b = knnDisk.blocks;
    expect((b.queryRows + b.galleryRows) * DIMS * 4 + b.queryRows * b.galleryRows * 4).toBeLessThanOrEqual(budgetBytes);

    // long positive lists (every image of the topic): fewer queries per block, the same figures
    const topic = Array.from({ length: N }, (_, c) => Array.from({ length: N / 20 }, (_, k) => (c % 20) + 20 * k));
    const longDisk = evaluateStreamed(st.image, st.text, topic, { ks: [1, 5], budgetBytes });
    expect(longDisk.blocks.queryRows).toBeLessThan(metDisk.blocks.queryRows);
    expect(longDisk.t2i).toEqual(evaluateSpace(e.image, e.text, DIMS, topic, { ks: [1, 5] }).t2i);
  });

  it('a sample is seeded and stratified; at a million rows the map and exact kNN sample and say why', async () => {
    const a = sampleIndices(1_000_000, 1000, 3);
    expect(Array.from(a)).toEqual(Array.from(sampleIndices(1_000_000, 1000, 3)));
    expect(Array.from(a)).not.toEqual(Array.from(sampleIndices(1_000_000, 1000, 4)));
    a.forEach((r, s) => expect(r >= s * 1000 && r < (s + 1) * 1000).toBe(true));
    const plan = streamPlan(1_000_000, 1_000_000, 512, 4 * 2 ** 30, 1);
    expect(plan.map).toMatchObject({ rows: 200_000, images: 100_000, captions: 100_000, of: 2_000_000 });
    expect(sampleText(plan.map)).toMatch(/200,000 of 2,000,000 rows \(seed 1\): a first map draws at most 200,000 points/);
    expect(plan.knn).toMatchObject({ images: 50_000, captions: 50_000 });
    expect(plan.knn.reason).toMatch(/exact search/);

    // a sampled search over rows on disk is the in-memory search over the same sampled rows
    const { root } = clipRetrievalFolder();
    const disk = await openDataset(root, { memoryMb: BUDGET_MB });
    const st = disk.streamed!;
    const pick = sampleIndices(N, 100, 7);
    const sub = new SubsetRows(st.image, pick);
    const knnDisk = streamedCrossModal(sub, st.text, { kI2T: 3, kT2I: 3, budgetBytes: st.budgetBytes });
    const space = new LoadedSpace({ id: 's', dims: DIMS, image: gatherRows(st.image, pick), text: st.text.read(0, N) });
    const knnMem = exactCrossModal(space, { kI2T: 3, kT2I: 3 });
    expect(Array.from(knnDisk.t2i.indices)).toEqual(Array.from(knnMem.t2i.indices));
  });

  it('a single embeddings/image.npy + text.npy pair over the budget reads the same rows as in memory', async () => {
    const root = tmpDir();
    const { image, text } = vectors(9);
    const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ image: `images/${i % 5}.png`, caption: `caption ${i}` }));
    for (let i = 0; i < 5; i++) writePng(root, `images/${i}.png`, i);
    writeFile(root, 'captions.jsonl', lines.join('\n') + '\n');
    writeFile(root, 'embeddings/image.npy', encodeNpy(image.slice(0, 5 * DIMS), [5, DIMS]));
    writeFile(root, 'embeddings/text.npy', encodeNpy(text, [N, DIMS]));
    const mem = await openDataset(root);
    const disk = await openDataset(root, { memoryMb: 1 / 64 });
    expect(disk.embeddings).toBeNull();
    const st = disk.streamed!;
    expect(st.source).toBe('embeddings/*.npy');
    const rows: number[] = [];
    for (let r = 0; r < N; r += 97) rows.push(...st.text.read(r, Math.min(97, N - r)));
    expect(rows).toEqual(Array.from(mem.embeddings!.text));
    expect(Array.from(st.image.read(0, 5))).toEqual(Array.from(mem.embeddings!.image));
  });
  it('embeddings/embeddings.safetensors (image F16, text BF16) over the budget is read by row range, as in memory', async () => {
    const root = tmpDir();
    const { image, text } = vectors(11);
    image[7 * DIMS + 3] = 0.5; // no NaN here
    const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ image: `images/${i}.png`, caption: `caption ${i}` }));
    for (let i = 0; i < N; i++) writePng(root, `images/${i}.png`, i % 7);
    writeFile(root, 'captions.jsonl', lines.join('\n') + '\n');
    const f16 = Buffer.from(encodeNpyF16(image, [N, DIMS]).subarray(-N * DIMS * 2));
    const bf16 = Buffer.alloc(N * DIMS * 2);
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    text.forEach((v, k) => {
      f[0] = v;
      bf16.writeUInt16LE(u[0] >>> 16, 2 * k);
    });
    const header = JSON.stringify({
      image: { dtype: 'F16', shape: [N, DIMS], data_offsets: [0, f16.length] },
      text: { dtype: 'BF16', shape: [N, DIMS], data_offsets: [f16.length, f16.length + bf16.length] },
    });
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    writeFile(root, 'embeddings/embeddings.safetensors', Buffer.concat([len, Buffer.from(header), f16, bf16]));
    const mem = await openDataset(root);
    const disk = await openDataset(root, { memoryMb: 1 / 64 });
    expect(mem.embeddings).not.toBeNull();
    const st = disk.streamed!;
    expect(st.source).toBe('embeddings/embeddings.safetensors');
    expect(disk.hash).toBe(mem.hash);
    expect(Array.from(st.image.read(100, 50))).toEqual(Array.from(mem.embeddings!.image.subarray(100 * DIMS, 150 * DIMS)));
    expect(Array.from(st.text.read(N - 30, 30))).toEqual(Array.from(mem.embeddings!.text.subarray((N - 30) * DIMS)));
  });

  it('sharded embeddings-0000K-of-0000M.safetensors: rows concatenated in shard order, in memory and on disk alike; a missing shard is named', async () => {
    const root = tmpDir();
    const { image, text } = vectors(12);
    image[7 * DIMS + 3] = 0.5; // no NaN here
    const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ image: `images/${i}.png`, caption: `caption ${i}` }));
    for (let i = 0; i < N; i++) writePng(root, `images/${i}.png`, i % 7);
    writeFile(root, 'captions.jsonl', lines.join('\n') + '\n');
    const f32 = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    // Three shards with the image and text rows split at different places.
    const cuts = [0, 250, 450, N];
    const tcuts = [0, 100, 500, N];
    for (let k = 0; k < 3; k++) {
      const im = f32(image.slice(cuts[k] * DIMS, cuts[k + 1] * DIMS));
      const tx = f32(text.slice(tcuts[k] * DIMS, tcuts[k + 1] * DIMS));
      const header = JSON.stringify({
        image: { dtype: 'F32', shape: [cuts[k + 1] - cuts[k], DIMS], data_offsets: [0, im.length] },
        text: { dtype: 'F32', shape: [tcuts[k + 1] - tcuts[k], DIMS], data_offsets: [im.length, im.length + tx.length] },
      });
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(header.length));
      writeFile(root, `embeddings/embeddings-0000${k + 1}-of-00003.safetensors`, Buffer.concat([len, Buffer.from(header), im, tx]));
    }
    const mem = await openDataset(root);
    expect(mem.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(Array.from(mem.embeddings!.image)).toEqual(Array.from(image));
    expect(Array.from(mem.embeddings!.text)).toEqual(Array.from(text));
    const disk = await openDataset(root, { memoryMb: 1 / 64 });
    const st = disk.streamed!;
    expect(st.source).toBe('embeddings/embeddings-*.safetensors (3 shards)');
    expect(disk.hash).toBe(mem.hash);
    expect(Array.from(st.image.read(240, 20))).toEqual(Array.from(image.subarray(240 * DIMS, 260 * DIMS)));
    expect(Array.from(st.text.read(90, 420))).toEqual(Array.from(text.subarray(90 * DIMS, 510 * DIMS)));
    rmSync(path.join(root, 'embeddings', 'embeddings-00002-of-00003.safetensors'));
    const broken = await openDataset(root);
    expect(broken.embeddings).toBeNull();
    expect(broken.problems.find((p) => p.severity === 'error')).toMatchObject({ file: 'embeddings/embeddings-00002-of-00003.safetensors', message: expect.stringMatching(/^is missing \(1 of 3 shards are not there\)/) });
  });

  it('the app: the memoryMb setting sets the budget, and the session summary says the embeddings are on disk and how the map samples', async () => {
    const { root } = clipRetrievalFolder();
    const dataDir = tmpDir();
    writeSettings(dataDir, { memoryMb: BUDGET_MB });
    const service = new LensService({ dataDir, mode: 'browser' });
    try {
      const session = await service.api.datasets.open({ path: root });
      expect(session.dataset?.embeddings?.onDisk).toMatchObject({ budgetBytes: 64 * 1024, mapSample: { rows: 128, of: 2 * N, seed: 1 } });
    } finally {
      service.close();
    }
  });

  it('the CLI: mlens open says the embeddings stay on disk and how the map samples; mlens eval gives the in-memory figures', () => {
    const { root } = clipRetrievalFolder();
    const open = mlens(['open', root, '--memory-mb', String(BUDGET_MB)]);
    expect(open.code).toBe(0);
    expect(open.stdout).toMatch(/embeddings on disk: 0\.1 MiB as float32, over the memory budget of 0\.1 MiB/);
    expect(open.stdout).toContain('map: a sample of 128 of 1,200 rows (seed 1)');
    const mem = mlens(['eval', root, '--space', 'dataset', '--split', 'all', '--json']);
    const disk = mlens(['eval', root, '--space', 'dataset', '--split', 'all', '--json'], { MLENS_MEMORY_MB: String(BUDGET_MB) });
    expect(mem.code, mem.stderr).toBe(0);
    expect(disk.code, disk.stderr).toBe(0);
    const a = JSON.parse(mem.stdout) as Record<string, unknown>;
    const b = JSON.parse(disk.stdout) as Record<string, unknown>;
    expect(b.space).toMatchObject({ id: 'dataset', name: expect.stringContaining('on disk') });
    expect(b.i2t).toEqual(a.i2t);
    expect(b.t2i).toEqual(a.t2i);
  });
});
