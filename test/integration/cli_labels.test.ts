// `mlens export --format` and `mlens import` on real folders: the format follows --format or the
// extension, ECCV writes its two files (both refused when one exists, without --force), and an
// export imported into another version of the dataset prints the hash warning and carries it in JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { ReviewStore } from '../../src/main/core/review/review_store.js';

const tmp = tempDir('mlens-cli-labels-');
afterAll(() => tmp.cleanup());
const env = { MLENS_DATA_DIR: join(tmp.dir, 'data') };
const SLOW = 300_000;
const ds = join(tmp.dir, 'sample');

beforeAll(() => {
  const s = mlens(['sample', '--out', ds, '--images', '100', '--seed', '5', '--json'], env);
  expect(s.code, s.stderr).toBe(0);
  const store = new ProjectStore(join(ds, '.mlens', 'project.sqlite'));
  store.addFlag({ kind: 'pair', image: 1, caption: 0 }, 'false_negative', 'a note, with "quotes"', false);
  store.addFlag({ kind: 'item', modality: 'caption', index: 3 }, 'invalid_item');
  new ReviewStore(store.db, store.session).record({ image: 2, caption: 0, label: 1, reviewer: 'ana' });
  store.close();
}, SLOW);

describe('mlens export --format and mlens import', () => {
  it('writes Parquet from the extension, CxC from --format, and ECCV as two files', () => {
    const pq = mlens(['export', ds, '--out', join(tmp.dir, 'labels.parquet'), '--json'], env);
    expect(pq.code, pq.stderr).toBe(0);
    expect(pq.json()).toMatchObject({ format: 'parquet', labels: 3, flags: 2, reviews: 1 });
    expect(readFileSync(join(tmp.dir, 'labels.parquet')).subarray(0, 4).toString()).toBe('PAR1');

    const cxc = mlens(['export', ds, '--out', join(tmp.dir, 'cxc.csv'), '--format', 'cxc'], env);
    expect(cxc.code, cxc.stderr).toBe(0);
    expect(cxc.stdout).toMatch(/exported \d+ verified positive pairs \(from 3 labels\) as cxc/);
    expect(readFileSync(join(tmp.dir, 'cxc.csv'), 'utf8').split('\n')[0]).toBe('caption,image,agg_score,sampling_method');

    const wrong = mlens(['export', ds, '--out', join(tmp.dir, 'x.csv'), '--format', 'parquet'], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/a parquet export is named \.parquet/);

    const t2i = join(tmp.dir, 'verified_caption_to_image.json');
    const i2t = join(tmp.dir, 'verified_image_to_caption.json');
    writeFileSync(i2t, 'keep me');
    const refused = mlens(['export', ds, '--out', t2i, '--format', 'eccv'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/verified_image_to_caption\.json already exists/);
    expect(existsSync(t2i)).toBe(false);
    expect(readFileSync(i2t, 'utf8')).toBe('keep me');
    const eccv = mlens(['export', ds, '--out', t2i, '--force'], env);
    expect(eccv.code, eccv.stderr).toBe(0);
    // Sample caption ids (000012-3) are not integers: the warning says eccv_caption cannot int() them.
    expect(eccv.stderr).toMatch(/warning: caption ids are not integers/);
    expect(Object.keys(JSON.parse(readFileSync(i2t, 'utf8'))).length).toBeGreaterThan(0);
  }, SLOW);

  it('imports an export into another version of the dataset with the hash warning, on stderr and in JSON', () => {
    const file = join(tmp.dir, 'labels.sqlite');
    const e = mlens(['export', ds, '--out', file], env);
    expect(e.code, e.stderr).toBe(0);
    const v2 = join(tmp.dir, 'sample-v2');
    cpSync(ds, v2, { recursive: true });
    rmSync(join(v2, '.mlens'), { recursive: true, force: true });
    appendFileSync(join(v2, 'captions.jsonl'), `${JSON.stringify({ image: 'images/000000.png', caption: 'one more caption', id: 'extra' })}\n`);
    const r = mlens(['import', v2, file], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: labels\.sqlite was exported from a dataset \(sample\) with hash \w+; sample-v2 has hash \w+: .*matched by item id/);
    expect(r.stdout).toMatch(/imported 2 flags, 1 review decisions, 0 imported positives from .*labels\.sqlite \(sqlite\)/);
    const again = mlens(['import', v2, file, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ format: 'sqlite', labels: { flags: 0, reviews: 0, imports: 0, already_present: 3 }, warnings: [expect.stringMatching(/hash/)] });

    const pos = mlens(['import', v2, join(tmp.dir, 'cxc.csv'), '--json'], env);
    expect(pos.code, pos.stderr).toBe(0);
    expect(pos.json()).toMatchObject({ source: 'cxc.csv', format: 'cxc-csv', skipped: 0 });
  }, SLOW);
});
