// evaluateSpace over worker threads (out/main/workers/metrics.js, `part` through the worker RPC),
// bit-identical to one thread.
//
// The images are split into `threads` consecutive ranges; each worker loads the space from the
// caller's rows (shared through SharedArrayBuffer, never copied per block), scores its range block
// by block and ranks as evaluateSpace does:
// - i2t: each image's row is complete in its worker, which returns the per-image metric values;
//   the caller sums them in image order, so the means are the same doubles as on one thread;
// - t2i: each worker keeps every caption's RankTally over its image range only (startAt) and
//   returns the counts (items above / tied with each positive level, tied items before each
//   positive); the counts are integers, so merging them in range order is exact
//   (finishTallyStates), and the caption metrics are finished here.
import { availableParallelism } from 'node:os';
import { workerPath } from '../jobs/worker_path.js';
import { workerClient } from '../jobs/worker_rpc.js';
import type { MetricsWorker } from '../../workers/metrics.worker.js';
import { DEFAULT_KS, MetricsAccumulator } from './evaluate.js';
import { invertPositives, positivesOf, toPositiveLists, type PositiveLists, type PositivesLike } from './positives.js';
import { finishTallyStates, type QueryRanking, type TallyStateCursor, type TieMode } from './ranks.js';
import { captionTallies, DEFAULT_BLOCK, evaluateSpace, rankScoreRow, scoreSpace, type SpaceOptions, type SpaceResult } from './space_eval.js';

export interface ParallelSpaceOptions extends SpaceOptions {
  /** Worker threads (default min(2, available cores)); 1 runs evaluateSpace on this thread. */
  threads?: number;
}

/** What one worker evaluates: images i0..i1-1 against every caption. */
export interface SpacePartTask {
  image: Float32Array;
  text: Float32Array;
  dims: number;
  t2i: PositiveLists;
  i2t: PositiveLists;
  pmT2i: PositiveLists[];
  pmI2t: PositiveLists[];
  opts: Pick<SpaceOptions, 'similarity' | 'imageLogVar' | 'textLogVar' | 'blockSize' | 'engine' | 'ks' | 'pmK'> & { ties: TieMode };
  i0: number;
  i1: number;
}

export interface SpacePartResult {
  /** (i1 − i0) × valueWidth metric values of the images (MetricsAccumulator.writeValues). */
  i2tValues: Float64Array;
  /** 1 where the image has positives. */
  i2tPresent: Uint8Array;
  /** (i1 − i0) × pm sets: PMRP per image and set. */
  pmValues: Float64Array;
  pmPresent: Uint8Array;
  /** Partial caption tallies (RankTally.writeState), captions with positives in order: main set, then each PM set. */
  t2iStates: Float64Array[];
}

/** One worker's share: runs in the worker thread (or anywhere, for tests). */
export function runSpacePart(task: SpacePartTask, onBlock?: (rows: number) => void): SpacePartResult {
  const { dims, i0, i1, opts } = task;
  const space = scoreSpace(task.image, task.text, dims, opts);
  const { nImages, nTexts, engine } = space;
  const ks = opts.ks ?? DEFAULT_KS;
  const acc = new MetricsAccumulator(ks, opts.ties, task.pmI2t.length, opts.pmK);
  const width = acc.valueWidth;
  const rowsTotal = i1 - i0;
  const nPm = task.pmI2t.length;
  const i2tValues = new Float64Array(rowsTotal * width);
  const i2tPresent = new Uint8Array(rowsTotal);
  const pmValues = new Float64Array(rowsTotal * nPm);
  const pmPresent = new Uint8Array(rowsTotal * nPm);

  const tallySets = [task.t2i, ...task.pmT2i].map((lists) => captionTallies(space, lists, i0));

  const mem = engine.memory;
  const rankImage = (off: number, pos: Int32Array): QueryRanking | null => rankScoreRow(mem, off, pos, nTexts);
  const block = Math.min(opts.blockSize ?? DEFAULT_BLOCK, nImages);
  for (let b0 = i0; b0 < i1; b0 += block) {
    const rows = Math.min(block, i1 - b0);
    const off = space.scoreBlock(b0, rows);
    for (let i = 0; i < rows; i++) {
      const rowOff = off + i * nTexts;
      const local = b0 - i0 + i;
      const q = rankImage(rowOff, positivesOf(task.i2t, b0 + i));
      if (q) {
        i2tPresent[local] = 1;
        acc.writeValues(q, i2tValues, local * width);
      }
      for (let s = 0; s < nPm; s++) {
        const p = rankImage(rowOff, positivesOf(task.pmI2t[s], b0 + i));
        if (p) {
          pmPresent[local * nPm + s] = 1;
          pmValues[local * nPm + s] = acc.pmValue(p);
        }
      }
    }
    for (const tallies of tallySets) {
      for (let c = 0; c < nTexts; c++) tallies[c]?.scan(mem, off + c, nTexts, rows, b0);
    }
    onBlock?.(rows);
  }
  const t2iStates = tallySets.map((tallies) => {
    let size = 0;
    for (const t of tallies) if (t) size += t.stateSize();
    const out = new Float64Array(size);
    let o = 0;
    for (let c = 0; c < tallies.length; c++) {
      const t = tallies[c];
      if (t) o = t.writeState(out, o);
      tallies[c] = null;
    }
    return out;
  });
  return { i2tValues, i2tPresent, pmValues, pmPresent, t2iStates };
}

function shared(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = new Float32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function metricsWorkerPath(): string | null {
  try {
    return workerPath('metrics');
  } catch {
    return null;
  }
}

/** Whether evaluateSpaceParallel can use worker threads (the worker bundle is built). */
export function metricsWorkerAvailable(): boolean {
  return metricsWorkerPath() !== null;
}

export function defaultMetricsThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * evaluateSpace on `threads` worker threads: the same results, bit for bit, in every tie mode.
 * Falls back to evaluateSpace on this thread when threads is 1, there is a single image, or the
 * worker bundle is not built.
 */
export async function evaluateSpaceParallel(
  image: Float32Array,
  text: Float32Array,
  dims: number,
  t2iPositives: PositivesLike,
  opts: ParallelSpaceOptions = {},
): Promise<SpaceResult> {
  const { threads: wanted, onProgress, ...rest } = opts;
  const threadsAsked = wanted ?? defaultMetricsThreads();
  if (!Number.isInteger(threadsAsked) || threadsAsked < 1) throw new RangeError(`threads: ${wanted} is not a positive integer`);
  if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`dims: ${dims} is not a positive integer`);
  if (image.length % dims || text.length % dims) {
    throw new RangeError(`embeddings hold ${image.length} / ${text.length} values, not a multiple of ${dims} dims`);
  }
  const nImages = image.length / dims;
  const nTexts = text.length / dims;
  const threads = Math.min(threadsAsked, nImages);
  const file = threads > 1 ? metricsWorkerPath() : null;
  if (!file || nTexts < 1) return evaluateSpace(image, text, dims, t2iPositives, opts);

  const ks = rest.ks ?? DEFAULT_KS;
  const ties = rest.ties ?? 'expected';
  const t2i = toPositiveLists(t2iPositives, nTexts, nImages);
  const i2t = invertPositives(t2i);
  const pmT2i = (rest.pm?.t2i ?? []).map((p) => toPositiveLists(p, nTexts, nImages));
  const pmI2t = (rest.pm?.i2t ?? []).map((p) => toPositiveLists(p, nImages, nTexts));
  const accI2t = new MetricsAccumulator(ks, ties, pmI2t.length, rest.pmK);
  const accT2i = new MetricsAccumulator(ks, ties, pmT2i.length, rest.pmK);

  const base = {
    image: shared(image),
    text: shared(text),
    dims,
    t2i,
    i2t,
    pmT2i,
    pmI2t,
    opts: {
      similarity: rest.similarity,
      imageLogVar: rest.imageLogVar ? shared(rest.imageLogVar) : undefined,
      textLogVar: rest.textLogVar ? shared(rest.textLogVar) : undefined,
      blockSize: rest.blockSize,
      engine: rest.engine,
      ks,
      pmK: rest.pmK,
      ties,
    },
  };
  const bounds = Array.from({ length: threads + 1 }, (_, k) => Math.round((k * nImages) / threads));
  // Each worker reports the images done in its range; the caller reports their sum.
  const doneBy = new Array<number>(threads).fill(0);
  const onPart = (k: number, done: number): void => {
    doneBy[k] = done;
    onProgress?.(doneBy.reduce((a, b) => a + b, 0), nImages);
  };
  // One failure ends the other parts (their workers are terminated).
  const failed = new AbortController();
  const metrics = workerClient<MetricsWorker>(file);
  const runs = bounds.slice(0, -1).map((i0, k) =>
    metrics.call('part', { ...base, i0, i1: bounds[k + 1] }, { what: 'metrics', signal: failed.signal, graceMs: 0, onProgress: (p) => onPart(k, p.done) }).catch((e: unknown) => {
      failed.abort();
      throw e;
    }),
  );
  let parts: SpacePartResult[];
  try {
    parts = await Promise.all(runs);
  } finally {
    await Promise.allSettled(runs);
  }

  // i2t: images in order, so the sums are those of one thread.
  const width = accI2t.valueWidth;
  const nPm = pmI2t.length;
  parts.forEach((p, k) => {
    const rows = bounds[k + 1] - bounds[k];
    for (let i = 0; i < rows; i++) {
      accI2t.addValues(p.i2tPresent[i] ? p.i2tValues : null, i * width);
      for (let s = 0; s < nPm; s++) accI2t.addPmValue(s, p.pmPresent[i * nPm + s] ? p.pmValues[i * nPm + s] : null);
    }
  });
  // t2i: merge each caption's partial tallies over the image ranges, then finish in caption order.
  const finishSet = (lists: PositiveLists, set: number, add: (q: QueryRanking | null) => void): void => {
    const cursors: TallyStateCursor[] = parts.map((p) => ({ data: p.t2iStates[set], offset: 0 }));
    for (let c = 0; c < nTexts; c++) {
      if (!positivesOf(lists, c).length) add(null);
      else add(finishTallyStates(cursors, nImages).ranking);
    }
  };
  finishSet(t2i, 0, (q) => accT2i.add(q));
  pmT2i.forEach((lists, s) => finishSet(lists, s + 1, (q) => accT2i.addPm(s, q)));
  return {
    i2t: accI2t.result({ out_of_range: 0, duplicates: 0 }),
    t2i: accT2i.result({ out_of_range: t2i.outOfRange, duplicates: t2i.duplicates }),
  };
}
