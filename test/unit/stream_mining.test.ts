// Mining a dataset whose embeddings are over the memory budget: the rows stay on disk, the
// candidate search reads them block by block per split, the pair scores gather rows into a bounded
// cache, and the candidates, their features, the review units and the figures are the in-memory
// run's, exactly. Real folders (captions.jsonl + embeddings/*.npy + truth), real project stores.
import { afterAll, describe, expect, it } from 'vitest';
import { mineCompute, mineInput, mineProject } from '../../src/main/core/mining/mine.js';
import { resolveSpaces } from '../../src/main/core/mining/project.js';
import { mineInWorker } from '../../src/main/core/mining/mine_job.js';
import { Project } from '../../src/main/core/project/project.js';
import { encodeNpy } from '../../src/main/core/io/npy.js';
import { mulberry32 } from '../../src/shared/random.js';
import { mlens } from '../helpers/cli.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { SpaceStore } from '../../src/main/core/spaces/space_store.js';
import { projectDir } from '../../src/main/core/store/project_store.js';
import { LensService } from '../../src/main/core/app/lens_service.js';
import { writeSettings } from '../../src/main/core/io/data_dir.js';
import { cleanupTmp, jsonl, tmpDir, writeFile, writePng } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

const DIMS = 32;
const N_IMAGES = 400;
const PER_IMAGE = 2;
const N_CAPTIONS = N_IMAGES * PER_IMAGE;
/** 64 KiB (the floor of any budget): the 1,200 rows × 32 dims (150 KiB as float32) do not fit. */
const BUDGET_MB = 1 / 16;

/** Two splits; images and captions near 20 shared topics, so a caption has valid unannotated images (the truth). */
function folder(): string {
  const root = tmpDir();
  const rnd = mulberry32(3);
  const centres = Float32Array.from({ length: 20 * DIMS }, () => rnd() * 2 - 1);
  const image = new Float32Array(N_IMAGES * DIMS);
  const text = new Float32Array(N_CAPTIONS * DIMS);
  const topic = (i: number): number => i % 20;
  for (let i = 0; i < N_IMAGES; i++) for (let d = 0; d < DIMS; d++) image[i * DIMS + d] = centres[topic(i) * DIMS + d] + (rnd() - 0.5);
  for (let c = 0; c < N_CAPTIONS; c++) {
    const i = Math.floor(c / PER_IMAGE);
    for (let d = 0; d < DIMS; d++) text[c * DIMS + d] = centres[topic(i) * DIMS + d] + (rnd() - 0.5) * 1.2;
  }
  image[7 * DIMS + 3] = NaN; // a bad row: zeroed on both paths
  const split = (i: number): string => (i < 120 ? 'test' : 'train');
  for (let i = 0; i < N_IMAGES; i++) writePng(root, `images/img${i}.png`, i);
  const lines = Array.from({ length: N_CAPTIONS }, (_, c) => {
    const i = Math.floor(c / PER_IMAGE);
    return { image: `images/img${i}.png`, caption: `caption ${c} about topic ${topic(i)}`, id: `c${c}`, split: split(i) };
  });
  writeFile(root, 'captions.jsonl', jsonl(lines));
  // truth: a caption's valid images are its topic's images in its split
  const truth = lines.map((_, c) => {
    const i = Math.floor(c / PER_IMAGE);
    const valid = Array.from({ length: N_IMAGES }, (_, j) => j).filter((j) => topic(j) === topic(i) && split(j) === split(i));
    return { caption_index: c, images: valid.map((j) => `images/img${j}.png`) };
  });
  writeFile(root, 'truth.jsonl', jsonl(truth));
  writeFile(root, 'embeddings/image.npy', encodeNpy(image, [N_IMAGES, DIMS]));
  writeFile(root, 'embeddings/text.npy', encodeNpy(text, [N_CAPTIONS, DIMS]));
  return root;
}

async function opened<T>(root: string, memoryMb: number | undefined, fn: (p: Project) => Promise<T>): Promise<T> {
  const p = await Project.open(root, { dataDir: tmpDir('mlens-data-'), memoryMb });
  try {
    return await fn(p);
  } finally {
    p.close();
  }
}

const plain = (t: object): Record<string, unknown> => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v]));

describe('mining embeddings over the memory budget', () => {
  const root = folder();

  it('the candidates, their features and scores, the units and the figures are the in-memory run, and the rows held stay bounded', async () => {
    const mem = await opened(root, undefined, async (p) => {
      expect(p.ds.embeddings).not.toBeNull();
      const input = mineInput(p, { spaces: ['dataset'] });
      return { computed: await mineCompute(input), out: await mineProject(p, { spaces: ['dataset'] }) };
    });
    const disk = await opened(root, BUDGET_MB, async (p) => {
      expect(p.ds.embeddings).toBeNull();
      const st = p.ds.streamed!;
      expect(st).toBeTruthy();
      const input = mineInput(p, { spaces: ['dataset'] });
      expect(input.spaces[0].onDisk).toBeTruthy();
      const computed = await mineCompute(input);
      const out = await mineProject(p, { spaces: ['dataset'] });
      return { computed, out, maxRead: Math.max(st.image.maxRowsRead, st.text.maxRowsRead) };
    });
    const a = mem.computed;
    const b = disk.computed;
    expect(a.table.n).toBeGreaterThan(100);
    expect(a.figures!['100'].precision).toBeGreaterThan(0.5); // the data has real false negatives to find
    const { knnReports: ka, platt: pa, pu: ua, ...ta } = a.table;
    const { knnReports: kb, platt: pb, pu: ub, ...tb } = b.table;
    expect(plain(tb)).toEqual(plain(ta));
    expect(pb).toEqual(pa);
    expect(ub).toEqual(ua);
    expect(b.units).toEqual(a.units);
    expect(b.theta).toBe(a.theta);
    expect(b.figures).toEqual(a.figures);

    // one kNN per split, each mined from disk; what the run reports
    expect(ka.map((k) => [k.group, k.method, k.streamed])).toEqual([
      [0, 'exact', undefined],
      [1, 'exact', undefined],
    ]);
    expect(kb.map((k) => [k.group, k.method])).toEqual([
      [0, 'exact'],
      [1, 'exact'],
    ]);
    for (const k of kb) {
      const s = k.streamed!;
      expect(s.rowsHeld).toBeGreaterThan(0);
      expect(s.rowsHeld).toBeLessThanOrEqual(s.cacheRows);
      // the kNN's two blocks and the pair-score cache: under half of the 1,200 rows
      expect(s.queryRows + s.galleryRows + s.cacheRows).toBeLessThan((N_IMAGES + N_CAPTIONS) / 2);
    }
    // the cache filled up (evictions happened) and the scores still matched
    expect(kb.some((k) => k.streamed!.rowsHeld === k.streamed!.cacheRows)).toBe(true);
    // no read returned more rows than one block or one gathering run
    expect(disk.maxRead).toBeLessThanOrEqual(Math.max(...kb.map((k) => Math.max(k.streamed!.queryRows, k.streamed!.galleryRows, k.streamed!.cacheRows))));

    const { seconds: _s1, runId: _r1, knn: kn1, ...o1 } = mem.out;
    const { seconds: _s2, runId: _r2, knn: kn2, ...o2 } = disk.out;
    expect(o2).toEqual(o1);
    expect(kn2.every((k) => k.streamed)).toBe(true);
    expect(kn1.some((k) => k.streamed)).toBe(false);
  });

  it("the app's mining job (compute in a worker) mines the space on disk in this thread, with the same run", async () => {
    const args = { spaces: ['dataset'] };
    const mem = await opened(root, undefined, (p) => mineProject(p, args, mineInWorker));
    const disk = await opened(root, BUDGET_MB, (p) => mineProject(p, args, mineInWorker));
    const strip = ({ seconds: _s, runId: _r, knn, ...o }: typeof mem) => ({ ...o, knn: knn.map(({ streamed: _x, ...k }) => k) });
    expect(strip(disk)).toEqual(strip(mem));
    expect(disk.knn.every((k) => k.streamed)).toBe(true);
  });

  it('the app: with the memoryMb setting, mining the opened folder (no space given) mines its embeddings from disk, the in-memory run', async () => {
    const run = async (memoryMb?: number) => {
      const dataDir = tmpDir('mlens-data-');
      if (memoryMb) writeSettings(dataDir, { memoryMb });
      const service = new LensService({ dataDir, mode: 'browser' });
      try {
        await service.api.datasets.open({ path: root });
        return await service.api.mining.run({ jobId: 'mine' });
      } finally {
        service.close();
      }
    };
    const mem = await run();
    const disk = await run(BUDGET_MB);
    expect(disk.spaces).toEqual(['dataset']);
    expect({ ...disk, seconds: 0 }).toEqual({ ...mem, seconds: 0 });
  });

  it('with a second space in memory (a stored space), the run is still the in-memory one', async () => {
    const dir = folder();
    const dataDir = tmpDir('mlens-data-');
    const ds = await openDataset(dir);
    const e = ds.embeddings!;
    const out = 16;
    const r = mulberry32(42);
    const proj = Float32Array.from({ length: e.dims * out }, () => r() - 0.5);
    const project = (m: Float32Array, n: number) => {
      const o = new Float32Array(n * out);
      for (let k = 0; k < n; k++) for (let j = 0; j < out; j++) for (let d = 0; d < e.dims; d++) o[k * out + j] += m[k * e.dims + d] * proj[d * out + j];
      return o;
    };
    const now = new Date().toISOString();
    new SpaceStore(projectDir(ds.root, dataDir)).save(
      {
        id: 'proj16', name: 'projection', encoder: 'test', weightsHash: '-', dims: out, nImages: N_IMAGES, nCaptions: N_CAPTIONS,
        probabilistic: false, normalized: false, parent: null, condition: null,
        run: { appVersion: 'test', datasetHash: ds.hash, encoder: 'test', weightsHash: '-', params: {}, seed: 42, backend: 'js', startedAt: now, seconds: 0 },
      },
      { image: project(e.image, N_IMAGES), text: project(e.text, N_CAPTIONS), imageLogvar: null, textLogvar: null },
    );
    const run = async (memoryMb?: number) => {
      const p = await Project.open(dir, { dataDir, memoryMb });
      try {
        return await mineCompute(mineInput(p, { spaces: ['dataset', 'proj16'] }));
      } finally {
        p.close();
      }
    };
    const a = await run();
    const b = await run(BUDGET_MB);
    const { knnReports: ka, ...ta } = a.table;
    const { knnReports: kb, ...tb } = b.table;
    expect(plain(tb)).toEqual(plain(ta));
    expect(b.units).toEqual(a.units);
    expect(b.figures).toEqual(a.figures);
    expect(ka.some((k) => k.streamed)).toBe(false);
    expect(kb.map((k) => [k.space, !!k.streamed])).toEqual([
      ['dataset', true],
      ['proj16', false],
      ['dataset', true],
      ['proj16', false],
    ]);
  });

  it('operations that need the rows in memory refuse the space on disk by name', async () => {
    await opened(root, BUDGET_MB, async (p) => {
      expect(() => resolveSpaces(p.ds, p.dir, ['dataset'])).toThrow(/embeddings \(embeddings\/\*\.npy\) are on disk, over the memory budget .*raise the budget/);
      expect(() => p.space('dataset')).toThrow(/on disk, over the memory budget/);
      expect(() => p.space()).toThrow(/on disk, over the memory budget/);
    });
  });

  it('the CLI: mlens mine over the budget says the space was mined from disk and gives the in-memory candidates', () => {
    const dataA = tmpDir('mlens-data-');
    const dataB = tmpDir('mlens-data-');
    const mem = mlens(['mine', root, '--spaces', 'dataset', '--json'], { MLENS_DATA_DIR: dataA });
    const disk = mlens(['mine', root, '--spaces', 'dataset', '--json'], { MLENS_DATA_DIR: dataB, MLENS_MEMORY_MB: String(BUDGET_MB) });
    expect(mem.code, mem.stderr).toBe(0);
    expect(disk.code, disk.stderr).toBe(0);
    const a = mem.json() as Record<string, unknown> & { knn: Record<string, unknown>[] };
    const b = disk.json() as Record<string, unknown> & { knn: Record<string, unknown>[] };
    for (const k of ['candidates', 'clusters', 'theta', 'precision_recall', 'true_unannotated']) expect(b[k]).toEqual(a[k]);
    expect(a.knn[0].streamed).toBeUndefined();
    expect(b.knn[0].streamed).toMatchObject({ query_rows: expect.any(Number), gallery_rows: expect.any(Number), cache_rows: expect.any(Number), rows_held: expect.any(Number) });
    const text = mlens(['mine', root, '--spaces', 'dataset', '--memory-mb', String(BUDGET_MB)], { MLENS_DATA_DIR: dataB });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/space dataset \(group 0\): mined from disk \(over the memory budget\), read by block/);
    expect(text.stdout).toContain(`${a.candidates as number} candidates`);
  });
});

describe('the map of embeddings over the memory budget', () => {
  const root = folder();

  it('draws the seeded sample the summary announces; the other items have no coordinates', async () => {
    const { layoutProject } = await import('../../src/main/core/services/projection.js');
    const { summarize } = await import('../../src/main/core/datasets/summary.js');
    // As the app opens a folder (tracked): the space on disk is the listed, active one.
    const p = await Project.open(root, { dataDir: tmpDir('mlens-data-'), memoryMb: BUDGET_MB, track: true });
    try {
      expect(p.ds.embeddings).toBeNull();
      expect(p.activeSpaceId).toBe('dataset');
      expect(p.listSpaces().map((s) => s.name)).toEqual(['embeddings/*.npy (folder embeddings, on disk)']);
      const note = summarize(p.ds).embeddings?.onDisk?.mapSample;
      expect(note).toBeDefined();
      const proj = await layoutProject(p, { method: 'pca' });
      expect(proj.sample).toEqual({ rows: note!.rows, of: note!.of, seed: note!.seed, reason: note!.reason });
      expect(proj.xy.length).toBe(2 * (N_IMAGES + N_CAPTIONS));
      let drawn = 0;
      for (let i = 0; i < N_IMAGES + N_CAPTIONS; i++) if (Number.isFinite(proj.xy[2 * i]) && Number.isFinite(proj.xy[2 * i + 1])) drawn++;
      expect(drawn).toBe(note!.rows);
      expect(note!.rows).toBeLessThan(N_IMAGES + N_CAPTIONS);
      // Cached: the same sample comes back, still said to be one.
      const again = await layoutProject(p, { method: 'pca' });
      expect(again.cached).toBe(true);
      expect(again.sample).toEqual(proj.sample);
    } finally {
      p.close();
    }
  });
});
