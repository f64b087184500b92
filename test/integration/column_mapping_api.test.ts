// Over the WebSocket: opening a caption table whose columns cannot be told by name fails with a
// ColumnMappingError carrying the columns; the same call with `columns` opens it, and the mapping is
// remembered for the folder, so a restarted server (restore) and a plain reopen use it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAmbiguousTable } from '../helpers/column_tables.js';
import { mlens } from '../helpers/cli.js';
import { connectApi, startServe, until } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-columns-');
const sample = join(tmp.dir, 'sample');
const table = join(tmp.dir, 'table');
const dataDir = join(tmp.dir, 'data');

beforeAll(() => {
  const r = mlens(['sample', '--out', sample, '--images', '100', '--json']);
  expect(r.code, r.stderr).toBe(0);
  writeAmbiguousTable(table);
});
afterAll(() => tmp.cleanup());

describe('datasets.open with a column mapping', () => {
  it('fails with the column list, opens with columns, and remembers the mapping across a restart', async () => {
    const s1 = await startServe({ dataDir, dataset: sample });
    const api = await connectApi(s1);
    await until(async () => (await api.call('app.session')).dataset, 'the sample to open');

    const err = await api.call('datasets.open', { path: table }).then(
      () => null,
      (e: unknown) => e as Error & { detail?: any },
    );
    expect(err?.name).toBe('ColumnMappingError');
    expect(err?.message).toContain('--columns image=pic,caption=desc');
    expect(err?.detail).toMatchObject({ kind: 'column-mapping', file: 'table.parquet', undecided: ['image', 'caption'], guess: { image: 'pic', caption: 'desc' } });
    expect(err?.detail.columns.map((c: { name: string }) => c.name)).toEqual(['pic', 'desc', 'note', 'part', 'score']);
    // the failed open left the sample open
    expect((await api.call('app.session')).dataset.name).toBe('sample');

    await expect(api.call('datasets.open', { path: table, columns: { image: 'pic', nonsense: 'x' } })).rejects.toThrow(/invalid request for datasets\.open: columns/);

    const session = await api.call('datasets.open', { path: table, columns: { image: 'pic', caption: 'desc', split: 'part' } });
    expect(session.dataset).toMatchObject({ name: 'table', format: 'parquet', captions: 6, images: 6 });
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).columns[table]).toEqual({ image: 'pic', caption: 'desc', split: 'part' });

    // back to the sample, then the table again without columns: the remembered mapping opens it
    await api.call('datasets.open', { path: sample });
    expect((await api.call('datasets.open', { path: table })).dataset.captions).toBe(6);
    api.close();
    await s1.stop();

    // a restart reopens the last dataset (restore) with its mapping
    const s2 = await startServe({ dataDir });
    const api2 = await connectApi(s2);
    const reopened = await until(async () => (await api2.call('app.session')).dataset, 'the table to reopen');
    expect(reopened).toMatchObject({ name: 'table', captions: 6 });
    expect(reopened.splits.test.captions).toBe(2);
    api2.close();
    await s2.stop();
  });
});
