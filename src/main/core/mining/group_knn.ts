// The kNN of every space inside one mining group (candidates.ts): in this thread, on worker threads
// (a KnnRunner), or, for a space whose rows stay on disk, block by block (compute/stream_knn.ts
// streamedCrossModal: exactCrossModal's lists and statistics bit for bit) with a DiskSpace for the
// pair scores. Every space comes back as SpaceScores over local indices.
import { CancelledError } from '../jobs/job.js';
import type { CrossModalKnn, KnnOptions } from '../compute/knn_blocked.js';
import { streamedCrossModal } from '../compute/stream_knn.js';
import type { RowBlocks } from '../io/row_shards.js';
import { SubsetRows } from '../io/row_sample.js';
import { DiskSpace } from './disk_space.js';
import { computeSpaceScores, wrapScores, type SpaceScores } from './scores.js';
import { LoadedSpace, type MiningSpaceInput } from './space_engine.js';

/** Computes one space's cross-modal kNN restricted to the given global rows. */
export type KnnRunner = (space: MiningSpaceInput, rows: { images: Int32Array; texts: Int32Array }, opts: KnnOptions) => Promise<CrossModalKnn>;

/** Runs async tasks with at most `limit` in flight; results in task order. */
export async function runLimited<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const k = next++;
      out[k] = await tasks[k]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return out;
}

/** How a space on disk was mined in one group: the kNN blocks, the pair-score cache, the most rows it held. */
export interface StreamedReport {
  queryRows: number;
  galleryRows: number;
  cacheRows: number;
  /** Filled in when the group's features are done (DiskSpace's cache). */
  rowsHeld: number;
}

export interface GroupKnnArgs {
  images: Int32Array;
  captions: Int32Array;
  depth: number;
  knn?: Pick<KnnOptions, 'method' | 'exactLimit' | 'ivf'>;
  blockRows?: number;
  knnRunner?: KnnRunner;
  parallel?: number;
  signal?: AbortSignal;
  /** Fraction done of space e's kNN (0..1). */
  onProgress?: (e: number, fraction: number) => void;
}

const subset = (m: RowBlocks, rows: Int32Array): RowBlocks => (rows.length === m.rows && rows[rows.length - 1] === m.rows - 1 ? m : new SubsetRows(m, rows));

/** One on-disk space of a group: streamed exact kNN, then a DiskSpace for the pair scores. */
function streamedScores(sp: MiningSpaceInput, a: GroupKnnArgs, e: number): { scores: SpaceScores; report: StreamedReport } {
  const od = sp.onDisk!;
  const knn = streamedCrossModal(subset(od.image, a.images), subset(od.text, a.captions), {
    kI2T: a.depth,
    kT2I: a.depth,
    budgetBytes: od.budgetBytes,
    signal: a.signal,
    onProgress: (f) => a.onProgress?.(e, f),
  });
  const space = new DiskSpace(od.image, od.text, { images: a.images, texts: a.captions, budgetBytes: od.budgetBytes });
  const report = { queryRows: knn.blocks.queryRows, galleryRows: knn.blocks.galleryRows, cacheRows: space.cache.capacity, rowsHeld: 0 };
  return { scores: wrapScores(space, knn), report };
}

/** SpaceScores of every space in one group, and the on-disk spaces' reports (null for spaces in memory). */
export async function groupKnn(spaces: MiningSpaceInput[], a: GroupKnnArgs): Promise<{ scored: SpaceScores[]; streamed: (StreamedReport | null)[] }> {
  const E = spaces.length;
  const scored: SpaceScores[] = new Array(E);
  const streamed: (StreamedReport | null)[] = new Array(E).fill(null);
  const knnOpts = (e: number): KnnOptions => ({ kI2T: a.depth, kT2I: a.depth, ...a.knn, signal: a.signal, onProgress: (f) => a.onProgress?.(e, f) });
  const inMemory = spaces.map((_, e) => e).filter((e) => !spaces[e].onDisk);
  if (a.knnRunner && inMemory.length) {
    // kNN of every space in memory at once (worker threads, at most `parallel` running); features here.
    const runner = a.knnRunner;
    const rows = { images: a.images, texts: a.captions };
    const knns = await runLimited(
      inMemory.map((e) => () => runner(spaces[e], rows, knnOpts(e))),
      Math.max(1, a.parallel ?? E),
    );
    inMemory.forEach((e, k) => (scored[e] = wrapScores(new LoadedSpace(spaces[e], { images: a.images, texts: a.captions, blockRows: 1 }), knns[k])));
  }
  for (let e = 0; e < E; e++) {
    if (scored[e]) continue;
    if (a.signal?.aborted) throw new CancelledError('mining');
    if (spaces[e].onDisk) {
      const r = streamedScores(spaces[e], a, e);
      scored[e] = r.scores;
      streamed[e] = r.report;
    } else scored[e] = computeSpaceScores(new LoadedSpace(spaces[e], { images: a.images, texts: a.captions, blockRows: a.blockRows }), knnOpts(e));
  }
  return { scored, streamed };
}
