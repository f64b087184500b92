// Heavy jobs beyond the bound wait in a queue and the user is told their place: three map
// recomputes at once under MLENS_MAX_JOBS=1 on the real serve process run one after another,
// the waiting ones report "queued: position N", and all three finish.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { connectApi, serveSample, until, type ServeHandle } from '../helpers/server.js';
import { record } from './report.js';

describe('job queue', () => {
  let tmp: { dir: string; cleanup: () => void };
  let server: ServeHandle;

  beforeAll(async () => {
    tmp = tempDir('mlens-jobs-');
    process.env.MLENS_MAX_JOBS = '1';
    try {
      server = (await serveSample(tmp.dir, 100)).server;
    } finally {
      delete process.env.MLENS_MAX_JOBS;
    }
  });
  afterAll(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  it('runs three recomputes one at a time and tells the waiting ones their place', async () => {
    const api = await connectApi(server);
    await until(async () => (await api.call('app.session')).dataset?.images === 100, 'the sample to open');
    const ids = ['q1', 'q2', 'q3'];
    const results = await Promise.all(ids.map((jobId) => api.call('projection.get', { jobId, recompute: true })));
    expect(results.map((r) => r.cached)).toEqual([false, false, false]);
    const jobEvents = api.events.filter((e) => e.type === 'job' && ids.includes(e.jobId));
    const queued = jobEvents.filter((e) => e.queued != null).map((e) => `${e.jobId}:${e.queued}`);
    // q1 runs at once; q2 waits first in line, q3 second and then first.
    expect(queued).toEqual(['q2:1', 'q3:2', 'q3:1']);
    expect(jobEvents.find((e) => e.queued === 2)?.phase).toMatch(/^queued: position 2, waiting for 1 running job to finish/);
    // Never two running at once: each job's first progress comes after the previous one is done.
    const order = jobEvents.filter((e) => e.state === 'done' || (e.state === 'running' && e.phase.startsWith('UMAP'))).map((e) => `${e.jobId}:${e.state}`);
    const firstRun = (id: string) => order.indexOf(`${id}:running`);
    const done = (id: string) => order.indexOf(`${id}:done`);
    expect(done('q1')).toBeLessThan(firstRun('q2'));
    expect(done('q2')).toBeLessThan(firstRun('q3'));
    api.close();
    record({ test: 'job queue: 3 recomputes under MLENS_MAX_JOBS=1', attempts: 3, outcomes: { done: jobEvents.filter((e) => e.state === 'done').length, 'queued notices': queued.length } });
  });
});
