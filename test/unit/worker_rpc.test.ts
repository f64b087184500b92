// The worker RPC (core/jobs/worker_rpc.ts) with a real worker_threads Worker: progress arrives in
// order before the typed result, events reach their handler, errors arrive with their name and
// message, a cancel ends even a task that never yields (AbortError, i.e. CancelledError), a soft
// stop ends a task with its result, and transferred buffers are detached on the sender.
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { CancelledError, type Progress } from '../../src/main/core/jobs/job.js';
import { callWorker, workerClient, type WorkerClient } from '../../src/main/core/jobs/worker_rpc.js';
import type { FixtureWorker } from '../fixtures/workers/rpc_fixture.worker.js';
import { root } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-rpc-');
let file = '';
let fixture: WorkerClient<FixtureWorker>;

beforeAll(() => {
  file = join(tmp.dir, 'rpc_fixture.mjs');
  buildSync({ entryPoints: [join(root, 'test/fixtures/workers/rpc_fixture.worker.ts')], bundle: true, platform: 'node', format: 'esm', outfile: file, logLevel: 'error' });
  fixture = workerClient<FixtureWorker>(file);
});
afterAll(() => tmp.cleanup());

describe('worker RPC', () => {
  it('delivers progress in order, then the result typed from the worker function', async () => {
    const seen: Progress[] = [];
    const notes: string[] = [];
    const result = await fixture.call('count', { n: 5 }, { onProgress: (p) => seen.push(p), on: { note: (d) => notes.push(`${d.at}: ${d.text}`) } });
    expectTypeOf(result).toEqualTypeOf<{ counted: number; label: string }>();
    expect(result).toEqual({ counted: 5, label: 'counted 5' });
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((p) => p.phase === 'count' && p.total === 5)).toBe(true);
    expect(seen[4].message).toBe('last');
    expect(notes).toEqual(['3: half way']);
  });

  it('callWorker takes the API and the function by name', async () => {
    const r = await callWorker<FixtureWorker, 'count'>(file, 'count', { n: 2 });
    expect(r.counted).toBe(2);
  });

  it('an error thrown in the worker arrives with its name and message', async () => {
    await expect(fixture.call('fail', { message: 'k must be at least 1', kind: 'range' })).rejects.toThrow(RangeError);
    await expect(fixture.call('fail', { message: 'k must be at least 1', kind: 'range' })).rejects.toThrow('k must be at least 1');
    const err = await fixture.call('fail', { message: 'over the quota', kind: 'quota' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('QuotaError');
    expect((err as Error).message).toBe('over the quota');
    // Outside production the worker's stack comes along.
    expect((err as Error).stack).toContain('fail');
  });

  it('cancel terminates a task that never yields and rejects with an AbortError', async () => {
    const ac = new AbortController();
    const run = fixture.call('spin', { note: 'spinning' }, { signal: ac.signal, what: 'spin test', graceMs: 50, onProgress: () => ac.abort() });
    const err = await run.catch((e: Error) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as Error).name).toBe('AbortError');
    expect((err as Error).message).toBe('spin test cancelled');
  });

  it('a task that watches ctx.signal ends on the cancel message', async () => {
    const ac = new AbortController();
    const run = fixture.call('wait', null, { signal: ac.signal, graceMs: 60_000, onProgress: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an input that cannot be sent rejects with the clone error', async () => {
    const input = { n: 1, later: () => 1 } as unknown as { n: number };
    await expect(fixture.call('count', input)).rejects.toMatchObject({ name: 'DataCloneError' });
  });

  it('refuses to start when already cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(fixture.call('count', { n: 1 }, { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('a soft stop ends the task with its result', async () => {
    const stop = new AbortController();
    const r = await fixture.call('wait', null, { stop: stop.signal, onProgress: () => stop.abort() });
    expect(r).toEqual({ stopped: true });
  });

  it('moves transferred buffers: detached on the sender, the result moved back', async () => {
    const values = Float32Array.from([1, 2, 3, 4]);
    const r = await fixture.call('double', { values }, { transfer: [values.buffer] });
    expect(values.buffer.byteLength).toBe(0);
    expect(values.length).toBe(0);
    expect(r.sum).toBe(10);
    expect(r.doubled).toBeInstanceOf(Float32Array);
    expect([...r.doubled]).toEqual([2, 4, 6, 8]);
  });
});
