// Worker-thread jobs (core/jobs/worker_rpc.ts) through the UMAP projection: progress arrives, a
// cancel mid-run rejects with CancelledError at once, and a finished run returns its result.
import { describe, expect, it } from 'vitest';
import { runUmap, DEFAULT_UMAP } from '../../src/main/core/projection/umap.js';
import { CancelledError } from '../../src/main/core/jobs/job.js';
import { mulberry32 } from '../../src/shared/random.js';

function points(n: number, dims: number): Float32Array {
  const rnd = mulberry32(7);
  return Float32Array.from({ length: n * dims }, () => rnd() - 0.5);
}

describe('worker jobs', () => {
  it('projects in a worker with progress and returns one 2-D point per row', async () => {
    const phases = new Set<string>();
    const xy = await runUmap(points(300, 8), 8, { ...DEFAULT_UMAP, nEpochs: 50 }, (p) => phases.add(p.phase));
    expect(xy).toBeInstanceOf(Float32Array);
    expect(xy.length).toBe(600);
    expect(xy.every(Number.isFinite)).toBe(true);
    expect([...phases]).toEqual(expect.arrayContaining(['neighbours', 'layout']));
  });

  it('cancels mid-run: CancelledError, and no result arrives afterwards', async () => {
    const ac = new AbortController();
    const run = runUmap(points(4000, 16), 16, { ...DEFAULT_UMAP, nEpochs: 400 }, (p) => {
      if (p.phase === 'layout' && p.done > 5) ac.abort();
    }, ac.signal);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('refuses to start when already cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runUmap(points(50, 4), 4, DEFAULT_UMAP, undefined, ac.signal)).rejects.toBeInstanceOf(CancelledError);
  });
});
