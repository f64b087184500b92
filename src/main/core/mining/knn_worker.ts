// Cross-modal kNN in worker threads (mine.worker.ts `knn`, through the worker RPC), so the spaces
// of a mining run score in parallel; an IVF search runs its two directions on two workers. Each worker copies its space's rows of the group into its own
// engine and sends back the lists and statistics (transferred). Falls back to null when the worker
// bundle is not built (then mining runs in the calling thread).
import { workerClient } from '../jobs/worker_rpc.js';
import { workerPath } from '../jobs/worker_path.js';
import type { MineWorker } from '../../workers/mine.worker.js';
import type { KnnRunner } from './candidates.js';
import { crossModalKnn, EXACT_LIMIT, type CrossModalKnn, type KnnOptions } from '../compute/knn_blocked.js';
import { mergeDirections } from '../compute/knn_ivf.js';
import { LoadedSpace, type MiningSpaceInput } from './space_engine.js';

export interface KnnTask {
  space: MiningSpaceInput;
  opts: Omit<KnnOptions, 'signal' | 'onProgress'>;
}

function rowsOf(src: Float32Array, idx: Int32Array, width: number, shared = false): Float32Array {
  const out = shared ? new Float32Array(new SharedArrayBuffer(Math.max(1, idx.length * width) * 4)).subarray(0, idx.length * width) : new Float32Array(idx.length * width);
  for (let l = 0; l < idx.length; l++) out.set(src.subarray(idx[l] * width, (idx[l] + 1) * width), l * width);
  return out;
}

/** The space restricted to the given global rows (copies; on SharedArrayBuffers when `shared`, for several workers). */
export function subsetSpace(space: MiningSpaceInput, images: Int32Array, texts: Int32Array, shared = false): MiningSpaceInput {
  const { dims } = space;
  const nI = space.image.length / dims;
  const nT = space.text.length / dims;
  const lv = (a: Float32Array | null | undefined, idx: Int32Array, n: number): Float32Array | null => (a ? rowsOf(a, idx, a.length === n ? 1 : dims, shared) : null);
  return {
    id: space.id,
    dims,
    similarity: space.similarity,
    image: rowsOf(space.image, images, dims, shared),
    text: rowsOf(space.text, texts, dims, shared),
    imageLogvar: lv(space.imageLogvar, images, nI),
    textLogvar: lv(space.textLogvar, texts, nT),
  };
}

/** Whether crossModalKnn will take the IVF path for these gallery sizes. */
export function usesIvf(nImages: number, nTexts: number, opts: Pick<KnnOptions, 'method' | 'exactLimit'>): boolean {
  const method = opts.method ?? 'auto';
  return method === 'ivf' || (method === 'auto' && Math.max(nImages, nTexts) > (opts.exactLimit ?? EXACT_LIMIT));
}

/** Worker side: computes the kNN of a task (IVF needs no score block). */
export function runKnnTask(t: KnnTask, onProgress: (f: number) => void): CrossModalKnn {
  const dims = t.space.dims;
  const ivf = usesIvf(t.space.image.length / dims, t.space.text.length / dims, t.opts);
  return crossModalKnn(new LoadedSpace(t.space, ivf ? { blockRows: 1 } : {}), { ...t.opts, onProgress });
}

/** A KnnRunner on worker threads, or null when out/main/workers/mine.js is missing. */
export function workerKnnRunner(): KnnRunner | null {
  try {
    workerPath('mine');
  } catch {
    return null;
  }
  const mine = workerClient<MineWorker>('mine');
  return (space, rows, opts) => {
    const { signal, onProgress, ...rest } = opts;
    if (usesIvf(rows.images.length, rows.texts.length, rest) && (rest.direction ?? 'both') === 'both') {
      // IVF: the two directions on two workers at once, over one shared copy of the rows.
      const sub = subsetSpace(space, rows.images, rows.texts, true);
      const done = [0, 0];
      const half = (direction: 'i2t' | 't2i', d: number) =>
        mine.call('knn', { space: sub, opts: { ...rest, direction } }, { what: 'mining', signal, graceMs: 0, onProgress: (p) => ((done[d] = p.done / p.total), onProgress?.((done[0] + done[1]) / 2)) });
      return Promise.all([half('i2t', 0), half('t2i', 1)]).then(([a, b]) => mergeDirections(a, b));
    }
    const sub = subsetSpace(space, rows.images, rows.texts);
    const transfer = [sub.image.buffer, sub.text.buffer, ...(sub.imageLogvar ? [sub.imageLogvar.buffer] : []), ...(sub.textLogvar ? [sub.textLogvar.buffer] : [])] as ArrayBuffer[];
    // The kNN never yields to read a cancel message: terminate at once.
    return mine.call('knn', { space: sub, opts: rest }, { what: 'mining', signal, transfer, graceMs: 0, onProgress: (p) => onProgress?.(p.done / p.total) });
  };
}
