// Cross-modal kNN in worker threads (mine.worker.ts `knn`, through the worker RPC), so the spaces
// of a mining run score in parallel. Each worker copies its space's rows of the group into its own
// engine and sends back the lists and statistics (transferred). Falls back to null when the worker
// bundle is not built (then mining runs in the calling thread).
import { workerClient } from '../jobs/worker_rpc.js';
import { workerPath } from '../jobs/worker_path.js';
import type { MineWorker } from '../../workers/mine.worker.js';
import type { KnnRunner } from './candidates.js';
import { crossModalKnn, type CrossModalKnn, type KnnOptions } from '../compute/knn_blocked.js';
import { LoadedSpace, type MiningSpaceInput } from './space_engine.js';

export interface KnnTask {
  space: MiningSpaceInput;
  opts: Omit<KnnOptions, 'signal' | 'onProgress'>;
}

function rowsOf(src: Float32Array, idx: Int32Array, width: number): Float32Array {
  const out = new Float32Array(idx.length * width);
  for (let l = 0; l < idx.length; l++) out.set(src.subarray(idx[l] * width, (idx[l] + 1) * width), l * width);
  return out;
}

/** The space restricted to the given global rows (copies). */
export function subsetSpace(space: MiningSpaceInput, images: Int32Array, texts: Int32Array): MiningSpaceInput {
  const { dims } = space;
  const nI = space.image.length / dims;
  const nT = space.text.length / dims;
  const lv = (a: Float32Array | null | undefined, idx: Int32Array, n: number): Float32Array | null => (a ? rowsOf(a, idx, a.length === n ? 1 : dims) : null);
  return {
    id: space.id,
    dims,
    similarity: space.similarity,
    image: rowsOf(space.image, images, dims),
    text: rowsOf(space.text, texts, dims),
    imageLogvar: lv(space.imageLogvar, images, nI),
    textLogvar: lv(space.textLogvar, texts, nT),
  };
}

/** Worker side: computes the kNN of a task. */
export function runKnnTask(t: KnnTask, onProgress: (f: number) => void): CrossModalKnn {
  return crossModalKnn(new LoadedSpace(t.space), { ...t.opts, onProgress });
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
    const sub = subsetSpace(space, rows.images, rows.texts);
    const transfer = [sub.image.buffer, sub.text.buffer, ...(sub.imageLogvar ? [sub.imageLogvar.buffer] : []), ...(sub.textLogvar ? [sub.textLogvar.buffer] : [])] as ArrayBuffer[];
    // The kNN never yields to read a cancel message: terminate at once.
    return mine.call('knn', { space: sub, opts: rest }, { what: 'mining', signal, transfer, graceMs: 0, onProgress: (p) => onProgress?.(p.done / p.total) });
  };
}
