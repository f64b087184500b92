// Encoding jobs in the worker: cached spaces, per-image feature cache (one changed PNG → one image
// re-encoded), new space on new params, cancel mid-job leaves nothing, memory refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { openDataset } from '../../src/main/core/datasets/open.js';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { encodeSpace, type EncodeProgress } from '../../src/main/core/encoders/encode_job.js';
import { CancelledError } from '../../src/main/core/jobs/job.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { SpaceStore } from '../../src/main/core/spaces/space_store.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-enc-cache-');
const root = join(tmp.dir, 'sample');
// A small head so each run takes a second or two; the cache logic does not depend on its size.
const SPEC = 'baseline:hidden=32,dims=16,steps=8,minEpochs=1';
let ds: Dataset;

beforeAll(async () => {
  await generateSample({ out: root, images: 100, preset: 'B', seed: 3 });
  ds = await openDataset(root);
});
afterAll(() => tmp.cleanup());

/** Every file under dir (relative paths). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

describe('encoding cache', () => {
  const projectDir = join(tmp.dir, 'project');

  it('encodes once, then reuses the space; changing one image re-encodes only that image', async () => {
    const phases = new Set<string>();
    let withRate: EncodeProgress | null = null;
    const r1 = await encodeSpace({
      dataset: ds,
      encoderSpec: SPEC,
      projectDir,
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase === 'images' && p.itemsPerSecond && p.etaSeconds != null) withRate = p;
      },
    });
    expect(r1.cached).toBe(false);
    expect(r1.stats).toMatchObject({ imagesEncoded: 100, imagesFromCache: 0, imagesRehashed: 100, imagesSkipped: 0 });
    expect([...phases]).toEqual(['hash', 'images', 'captions', 'train', 'embed']);
    expect(withRate).not.toBeNull();
    expect(r1.record).toMatchObject({ encoder: 'baseline', dims: 16, nImages: 100, nCaptions: 200, normalized: true, probabilistic: false });
    expect(r1.record.run).toMatchObject({ datasetHash: ds.hash, backend: 'wasm', seed: 0, appVersion: JSON.parse(readFileSync('package.json', 'utf8')).version });
    expect(r1.record.run.params).toMatchObject({ hidden: 32, dims: 16, steps: 8 });
    const space = new SpaceStore(projectDir).load(r1.record.id);
    expect(Math.hypot(...space.image.subarray(0, 16))).toBeCloseTo(1, 5);

    // Reopening: same id, nothing recomputed, no image re-read.
    const r2 = await encodeSpace({ dataset: await openDataset(root), encoderSpec: SPEC, projectDir });
    expect(r2.cached).toBe(true);
    expect(r2.record.id).toBe(r1.record.id);
    expect(r2.stats.imagesRehashed).toBe(0);

    // One changed PNG: the dataset hash (index files) is unchanged, the space is new, one image decoded.
    const file = join(root, ds.images[7].path);
    const png = PNG.sync.read(readFileSync(file));
    for (let i = 0; i < png.data.length; i += 4) png.data[i] = 255 - png.data[i];
    writeFileSync(file, PNG.sync.write(png));
    const ds3 = await openDataset(root);
    expect(ds3.hash).toBe(ds.hash);
    const r3 = await encodeSpace({ dataset: ds3, encoderSpec: SPEC, projectDir });
    expect(r3.cached).toBe(false);
    expect(r3.record.id).not.toBe(r1.record.id);
    expect(r3.stats).toMatchObject({ imagesRehashed: 1, imagesEncoded: 1, imagesFromCache: 99 });

    // Changed params: a new space; the image features all come from the cache.
    const r4 = await encodeSpace({ dataset: ds3, encoderSpec: `${SPEC},seed=1`, projectDir });
    expect(r4.cached).toBe(false);
    expect(r4.record.id).not.toBe(r3.record.id);
    expect(r4.record.run.seed).toBe(1);
    expect(r4.stats).toMatchObject({ imagesEncoded: 0, imagesFromCache: 100 });
    expect(new SpaceStore(projectDir).list()).toHaveLength(3);
  });

  it('cancel mid-job (while decoding, while training) leaves no space and no cache', async () => {
    for (const phase of ['images', 'train']) {
      const projectDir = join(tmp.dir, `cancel-${phase}`);
      const ac = new AbortController();
      const seen: string[] = [];
      const job = encodeSpace({
        dataset: ds,
        encoderSpec: 'baseline:hidden=32,dims=16,steps=2000,minEpochs=1',
        projectDir,
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p.phase);
          if (p.phase === phase && p.done > 0) ac.abort();
        },
      });
      await expect(job).rejects.toBeInstanceOf(CancelledError);
      expect(seen).toContain(phase);
      expect(readdirSync(join(projectDir, 'spaces'))).toEqual([]);
      expect(filesUnder(join(projectDir, 'cache'))).toEqual([]);
    }
  });

  it('refuses up front when the estimate exceeds the memory limit, writing nothing', async () => {
    const projectDir = join(tmp.dir, 'small-memory');
    const err = await encodeSpace({ dataset: ds, encoderSpec: SPEC, projectDir, memoryLimitBytes: 2 ** 20 }).catch((e) => e);
    expect(err.name).toBe('MemoryLimitError');
    expect(err.message).toMatch(/^encoding needs about \d+(\.\d+)? MiB of memory but only 1\.0 MiB is available \(the configured limit\); close other programs/);
    expect(readdirSync(join(projectDir, 'spaces'))).toEqual([]);
    expect(filesUnder(join(projectDir, 'cache'))).toEqual([]);
  });
});
