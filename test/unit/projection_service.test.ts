// The app's projection job (LensService.getProjection) on a generated sample: the map arrives in
// pieces on the job's running events (the PCA view, then every 10 epochs) before the final one,
// the result says how its neighbours were found, it is cached, and `method: 'pca'` is its own map.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LensService } from '../../src/main/core/app/lens_service.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { tempDir } from '../helpers/tmp.js';
import type { LensEvent } from '../../src/shared/api.js';

const tmp = tempDir('mlens-projection-');
afterAll(() => tmp.cleanup());

describe('projection job', () => {
  it('streams partial maps, reports its kNN, caches, and offers PCA', async () => {
    const out = join(tmp.dir, 'sample');
    await generateSample({ out, images: 100, preset: 'A', seed: 2, renderImages: false });
    const service = new LensService({ dataDir: join(tmp.dir, 'data'), mode: 'browser' });
    try {
      await service.api.datasets.open({ path: out });
      const partial: Float32Array[] = [];
      service.onEvent((e: LensEvent) => {
        if (e.type === 'job' && e.state === 'running' && e.xy) partial.push(e.xy);
      });
      const p = await service.api.projection.get({ jobId: 'p1' });
      const n = p.nImages + p.nCaptions;
      expect(p.xy.length).toBe(2 * n);
      expect(p.method).toBe('umap');
      expect(p.knn?.method).toBe('exact');
      // PCA first, then epochs 10, 20, …, 190 of 200.
      expect(partial.length).toBe(1 + 19);
      for (const xy of partial) expect(xy.length).toBe(2 * n);
      expect(Buffer.from(partial[partial.length - 1].buffer).equals(Buffer.from(p.xy.buffer))).toBe(false);
      const again = await service.api.projection.get({ jobId: 'p2' });
      expect(again.cached).toBe(true);
      expect(again.knn?.method).toBe('exact');
      expect(Buffer.from(again.xy.buffer, again.xy.byteOffset, again.xy.byteLength).equals(Buffer.from(p.xy.buffer, p.xy.byteOffset, p.xy.byteLength))).toBe(true);
      const pca = await service.api.projection.get({ jobId: 'p3', method: 'pca' });
      expect(pca.method).toBe('pca');
      expect(pca.cached).toBe(false);
      expect(pca.xy.length).toBe(2 * n);
    } finally {
      service.close();
    }
  });
});
