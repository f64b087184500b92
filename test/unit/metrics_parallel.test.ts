// evaluateSpaceParallel (worker threads over image ranges, merged tallies) against evaluateSpace
// on one thread: bit for bit, in every tie mode, with plausible-match sets, on data full of ties.
import { describe, expect, it } from 'vitest';
import { TIE_MODES } from '../../src/main/core/metrics/ranks.js';
import { evaluateSpace } from '../../src/main/core/metrics/space_eval.js';
import { evaluateSpaceParallel, metricsWorkerAvailable, runSpacePart } from '../../src/main/core/metrics/space_parallel.js';
import { mulberry32 as rng } from '../../src/shared/random.js';

/** Entries in {-1, 0, 1} and duplicated rows: many exact ties; random positives, some empty. */
function tiedSpace(seed: number, nImages: number, nTexts: number, dims: number) {
  const random = rng(seed);
  const tri = (): number => Math.floor(random() * 3) - 1;
  const image = Float32Array.from({ length: nImages * dims }, tri);
  const text = Float32Array.from({ length: nTexts * dims }, tri);
  for (let c = 1; c < nTexts; c += 4) text.copyWithin(c * dims, (c - 1) * dims, c * dims);
  for (let i = 2; i < nImages; i += 5) image.copyWithin(i * dims, (i - 2) * dims, (i - 1) * dims);
  const lists = (nQ: number, nG: number, max: number): number[][] =>
    Array.from({ length: nQ }, () => Array.from({ length: Math.floor(random() * (max + 1)) }, () => Math.floor(random() * nG)));
  const t2i = lists(nTexts, nImages, 4); // duplicates and empty lists included
  t2i[3] = [nImages + 2, 0]; // one out of range
  return { image, text, t2i, pm: { t2i: [lists(nTexts, nImages, 6), lists(nTexts, nImages, 3)], i2t: [lists(nImages, nTexts, 8)] } };
}

/** Deep equality with Object.is on numbers (NaN = NaN, 0 ≠ −0). */
function sameBits(a: unknown, b: unknown, path = ''): void {
  if (typeof a === 'number' || typeof b === 'number') {
    if (!Object.is(a, b)) throw new Error(`${path}: ${String(a)} ≠ ${String(b)}`);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    expect(Object.keys(b).sort(), path).toEqual(ka);
    for (const k of ka) sameBits((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(a, path).toBe(b);
}

const built = metricsWorkerAvailable();
if (!built) console.warn('metrics_parallel: out/main/workers/metrics.js is not built (run `node scripts/build.mjs`); worker tests skipped');

describe('evaluateSpaceParallel', () => {
  const { image, text, t2i, pm } = tiedSpace(7, 53, 97, 6);
  const dims = 6;

  it.skipIf(!built)('matches one thread bit for bit in every tie mode, with PM sets', async () => {
    for (const ties of TIE_MODES) {
      for (const similarity of ['dot', 'cosine'] as const) {
        const opts = { ties, similarity, ks: [1, 2, 5, 200], pm, pmK: 3, blockSize: 7 };
        const single = evaluateSpace(image, text, dims, t2i, opts);
        const threads = similarity === 'dot' ? 3 : 2;
        const par = await evaluateSpaceParallel(image, text, dims, t2i, { ...opts, threads });
        sameBits(par, single, `${ties}/${similarity}/${threads}`);
      }
    }
  });

  it('has ties that the tie modes see', () => {
    const opt = evaluateSpace(image, text, dims, t2i, { ties: 'optimistic', similarity: 'dot' });
    const pes = evaluateSpace(image, text, dims, t2i, { ties: 'pessimistic', similarity: 'dot' });
    expect(opt.t2i.map_at_r).toBeGreaterThan(pes.t2i.map_at_r);
    expect(opt.i2t.map_at_r).toBeGreaterThan(pes.i2t.map_at_r);
  });

  it.skipIf(!built)('matches with CSD log-variances, the default block and progress to the end', async () => {
    const random = rng(3);
    const imageLogVar = Float32Array.from({ length: 53 }, () => Math.floor(random() * 3) - 1);
    const textLogVar = Float32Array.from({ length: 97 * dims }, () => Math.floor(random() * 2) * 0.5);
    const single = evaluateSpace(image, text, dims, t2i, { imageLogVar, textLogVar, ties: 'stable' });
    let last = 0;
    const par = await evaluateSpaceParallel(image, text, dims, t2i, { imageLogVar, textLogVar, ties: 'stable', threads: 2, onProgress: (d, n) => (last = d / n) });
    sameBits(par, single);
    expect(last).toBe(1);
  });

  it.skipIf(!built)('reports a worker error as a rejection', async () => {
    const bad = image.slice();
    bad[dims * 40] = NaN;
    await expect(evaluateSpaceParallel(bad, text, dims, t2i, { threads: 2 })).rejects.toThrow(/NaN/);
  });

  it('falls back to one thread with threads = 1 and rejects bad thread counts', async () => {
    sameBits(await evaluateSpaceParallel(image, text, dims, t2i, { threads: 1, pm }), evaluateSpace(image, text, dims, t2i, { pm }));
    await expect(evaluateSpaceParallel(image, text, dims, t2i, { threads: 0 })).rejects.toThrow(/threads/);
  });

  it('partial runs on this thread (no worker) produce the same tallies', () => {
    // runSpacePart is what each worker runs; exercised here so the merge is covered without a build.
    const part = runSpacePart({
      image, text, dims,
      t2i: { nQueries: 0, nGallery: 0, offsets: new Int32Array(98), items: new Int32Array(0), outOfRange: 0, duplicates: 0 },
      i2t: { nQueries: 0, nGallery: 0, offsets: new Int32Array(54), items: new Int32Array(0), outOfRange: 0, duplicates: 0 },
      pmT2i: [], pmI2t: [], opts: { ties: 'expected', similarity: 'dot' }, i0: 10, i1: 30,
    });
    expect(part.i2tPresent.length).toBe(20);
    expect(part.t2iStates[0].length).toBe(0);
  });
});
