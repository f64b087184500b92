// A flag made through the server is on disk the moment the call returns: kill the server with
// SIGKILL, start it again on the same data, and the flag (and its undo history) is there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { connectApi, startServe, until } from '../helpers/server.js';
import { mlens } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-crash-');
const dataset = join(tmp.dir, 'sample');
const dataDir = join(tmp.dir, 'data');

beforeAll(() => {
  const r = mlens(['sample', '--out', dataset, '--images', '100', '--json']);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => tmp.cleanup());

describe('crash safety', () => {
  it('keeps a flag across SIGKILL and restart', async () => {
    const s1 = await startServe({ dataDir, dataset });
    const api = await connectApi(s1);
    await until(async () => (await api.call('app.session')).dataset, 'the dataset to open');
    const flag = await api.call('labels.addFlag', { target: { kind: 'pair', image: 2, caption: 40 }, label: 'wrong_annotation', note: 'before crash' });
    expect(flag.id).toBeGreaterThan(0);
    api.close();
    await s1.stop('SIGKILL');
    expect(s1.child.signalCode).toBe('SIGKILL');

    const s2 = await startServe({ dataDir, dataset });
    const api2 = await connectApi(s2);
    await until(async () => (await api2.call('app.session')).dataset, 'the dataset to reopen');
    const flags = await api2.call('labels.listFlags');
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ target: { kind: 'pair', image: 2, caption: 40 }, label: 'wrong_annotation', note: 'before crash' });
    expect((await api2.call('app.session')).canUndo).toBe(true);
    api2.close();
    await s2.stop();
  });

  it('validates requests at the boundary', async () => {
    const s = await startServe({ dataDir, dataset });
    const api = await connectApi(s);
    await until(async () => (await api.call('app.session')).dataset, 'the dataset to open');
    await expect(api.call('labels.addFlag', { target: { kind: 'pair', image: -1, caption: 0 }, label: 'ambiguous' })).rejects.toThrow(/invalid request for labels\.addFlag: target\.image/);
    await expect(api.call('labels.addFlag', { target: { kind: 'pair', image: 0, caption: 0 }, label: 'nonsense' })).rejects.toThrow(/label/);
    await expect(api.call('labels.addFlag', { target: { kind: 'pair', image: 100000, caption: 0 }, label: 'ambiguous' })).rejects.toThrow(/no image with index 100000/);
    await expect(api.callUnchecked('deleteEverything')).rejects.toThrow(/unknown method/);
    await expect(api.callUnchecked('labels.deleteEverything')).rejects.toThrow(/unknown method/);
    // A flat name from before the API was split by service is refused with the form to use.
    await expect(api.callUnchecked('addFlag', { target: { kind: 'pair', image: 0, caption: 0 }, label: 'ambiguous' })).rejects.toThrow(/unknown method "addFlag" \(did you mean labels\.addFlag\?\); methods are named service\.method/);
    api.close();
    await s.stop();
  });
});
