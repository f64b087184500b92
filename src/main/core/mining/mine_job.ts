// Mining's compute step as a job for the app: runs mine.worker.ts (built to out/main/workers/mine.js)
// through the worker RPC with progress and cancel (SCIENCE 4.2; jobs/job.ts). The payload is plain
// data and typed arrays read from the open Project (mine.ts `mineInput`); the run is written back on
// the main thread.
import type { ProgressFn } from '../jobs/job.js';
import { workerClient } from '../jobs/worker_rpc.js';
import type { MineWorker } from '../../workers/mine.worker.js';
import type { MineComputed, MineInput } from './mine.js';

export function mineInWorker(input: MineInput, opts: { onProgress?: ProgressFn; signal?: AbortSignal } = {}): Promise<MineComputed> {
  // Arrays made for this run move to the worker; the spaces and the truth belong to the project
  // and are copied.
  const own = [input.annotated, input.known, input.reviewed, input.captionTextId, ...(input.groups ? [input.groups.imageGroup, input.groups.captionGroup] : []), ...(input.captionWords ? [input.captionWords.offsets, input.captionWords.ids] : [])];
  const transfer = own.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  return workerClient<MineWorker>('mine').call('mine', input, { what: 'mining', signal: opts.signal, onProgress: opts.onProgress, transfer });
}
