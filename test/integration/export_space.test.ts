// A space and its map leave the app as .npy and Parquet that a notebook reads, and come back: the
// exported .npy files, encoded again with `npy:IMG,TXT`, give the same vectors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/main/core/io/npy.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('mlens export-space', () => {
  it('writes .npy and Parquet with ids, splits, vectors and the map; the .npy files encode back to the same space', async () => {
    const dir = join(tmp.dir, 'sample');
    const env = { MLENS_DATA_DIR: join(tmp.dir, 'appdata') };
    expect(mlens(['sample', '--out', dir, '--images', '100', '--json']).code).toBe(0);
    const out = join(tmp.dir, 'exported');
    const r = mlens(['export-space', dir, '--space', 'dataset', '--out', out, '--projection', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const ds = await openDataset(dir);
    const img = parseNpy(readFileSync(join(out, 'image.npy')));
    expect(img.shape).toEqual([100, 64]);
    expect(Array.from(img.data.subarray(0, 64))).toEqual(Array.from(ds.embeddings!.image.subarray(0, 64)));
    const xy = parseNpy(readFileSync(join(out, 'projection.npy')));
    expect(xy.shape).toEqual([600, 2]);
    const caps = (await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'captions.parquet')) })) as Array<Record<string, unknown>>;
    expect(caps).toHaveLength(500);
    expect(caps[7]).toMatchObject({ index: 7, id: ds.captions[7].id, caption: ds.captions[7].text, split: ds.captions[7].split, annotated_image: ds.captions[7].imageIndex });
    expect((caps[7].embedding as number[]).length).toBe(64);
    expect(caps[7].embedding as number[]).toEqual(Array.from(ds.embeddings!.text.subarray(7 * 64, 8 * 64)));
    expect(caps[7].x).toBeCloseTo(xy.data[(100 + 7) * 2], 5);
    const meta = JSON.parse(readFileSync(join(out, 'space.json'), 'utf8'));
    expect(meta).toMatchObject({ space: 'dataset', dims: 64, images: 100, captions: 500, projection: true });

    // Back in: the exported matrices as an encoder give the same vectors.
    const enc = mlens(['encode', dir, '--encoder', `npy:${join(out, 'image.npy')},${join(out, 'text.npy')}`, '--json'], env);
    expect(enc.code, enc.stderr).toBe(0);
    const back = mlens(['export-space', dir, '--space', enc.json().id, '--out', join(tmp.dir, 'again'), '--format', 'npy', '--json'], env);
    expect(back.code, back.stderr).toBe(0);
    const again = parseNpy(readFileSync(join(tmp.dir, 'again', 'text.npy')));
    const first = parseNpy(readFileSync(join(out, 'text.npy')));
    let maxDiff = 0;
    for (let i = 0; i < first.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(first.data[i] - again.data[i]));
    expect(maxDiff).toBeLessThan(1e-6); // normalised again on the way in: equal up to rounding
    expect(mlens(['export-space', dir, '--space', 'dataset']).stderr).toMatch(/--out FOLDER is required/);
  }, 300_000);
});
