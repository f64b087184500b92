// The sample's oracle space is built from the truth: it is named so, it is not the default space
// once an encoder's space exists, and mining leaves it out unless asked.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LensService } from '../../src/main/core/app/lens_service.js';
import { mlens } from '../helpers/cli.js';
import { requestSchemas } from '../../src/shared/schemas.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('the oracle space', () => {
  it('is labelled, and an encoded space is the default active space when the folder is reopened', async () => {
    const dir = join(tmp.dir, 'sample');
    const dataDir = join(tmp.dir, 'appdata');
    expect(mlens(['sample', '--out', dir, '--images', '100', '--json']).code).toBe(0);
    const first = new LensService({ dataDir, mode: 'browser' });
    try {
      const s = await first.api.datasets.open({ path: dir });
      expect(s.spaces.map((x) => x.name)).toEqual(['oracle (built from truth)']);
      expect(s.spaceId).toBe('dataset'); // the only space
    } finally {
      first.close();
    }
    const enc = mlens(['encode', dir, '--encoder', 'baseline:hidden=16,dims=8,steps=4,minEpochs=1', '--json'], { MLENS_DATA_DIR: dataDir });
    expect(enc.code, enc.stderr).toBe(0);
    const id = enc.json().id as string;
    const again = new LensService({ dataDir: join(tmp.dir, 'appdata2'), mode: 'browser' });
    try {
      const s = await again.api.datasets.open({ path: dir });
      expect(s.spaces.map((x) => x.id)).toEqual(['dataset', id]);
      expect(s.spaceId).toBe(id);
      // mining by default uses the encoder's space, not the oracle
      const mined = await again.api.mining.run({ jobId: 'm1' });
      expect(JSON.stringify(mined.spaces)).toContain(id);
      expect(JSON.stringify(mined.spaces)).not.toContain('"dataset"');
      // The prior before review: one chance of annotation per valid pair unless the run asks to
      // weigh it by each caption's multiplicity (the Review tab's box); a payload of another type is refused.
      expect(mined.prior).toBe('pu');
      const weighed = await again.api.mining.run({ jobId: 'm2', multiplicityPrior: true });
      expect(weighed.prior).toBe('pu-multiplicity');
      expect(weighed.candidates).toBe(mined.candidates);
      expect(requestSchemas.mining.run.safeParse({ jobId: 'm3', multiplicityPrior: 'yes' }).success).toBe(false);
    } finally {
      again.close();
    }
  }, 300_000);
});
