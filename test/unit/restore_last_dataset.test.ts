// On start the app reopens the last dataset from the user's settings (in the app data folder,
// never in the checkout); a last dataset that vanished or cannot be read opens the sample with a
// note that says which folder and why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LensService } from '../../src/main/core/app/lens_service.js';
import { readSettings, writeSettings } from '../../src/main/core/io/data_dir.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-restore-');
const dataDir = join(tmp.dir, 'user-data');
let sampleDir = '';

beforeAll(async () => {
  // A small real sample where the service keeps its sample, so the fallback does not spend a
  // minute generating the full-size one.
  sampleDir = new LensService({ dataDir, mode: 'browser' }).sampleDir();
  await generateSample({ out: sampleDir, images: 100, seed: 0 });
}, 180_000);
afterAll(() => tmp.cleanup());

async function restoreWith(last: string) {
  writeSettings(dataDir, { lastDataset: last });
  const service = new LensService({ dataDir, mode: 'browser' });
  try {
    return await service.restore();
  } finally {
    service.close();
  }
}

describe('reopening the last dataset', () => {
  it('reopens it, and remembers it in the user data folder', async () => {
    const s = await restoreWith(sampleDir);
    expect(s.dataset?.root).toBe(sampleDir);
    expect(readSettings(dataDir).lastDataset).toBe(sampleDir);
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(true);
  });

  it('falls back to the sample with a note when the last folder vanished', async () => {
    const gone = join(tmp.dir, 'gone');
    const s = await restoreWith(gone);
    expect(s.dataset?.root).toBe(sampleDir);
    expect(s.dataset?.problems[0]).toMatchObject({ severity: 'warning', file: gone });
    expect(s.dataset?.problems[0].message).toBe(`the last dataset, ${gone}, was not reopened because it no longer exists; the sample dataset is open instead`);
  });

  it('falls back to the sample with a note when the last folder cannot be read as a dataset', async () => {
    const broken = join(tmp.dir, 'broken');
    mkdirSync(broken, { recursive: true });
    try {
      const s = await restoreWith(broken);
      expect(s.dataset?.root).toBe(sampleDir);
      expect(s.dataset?.problems[0].message).toMatch(new RegExp(`^the last dataset, ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, was not reopened because it cannot be read: .+; the sample dataset is open instead$`));
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
