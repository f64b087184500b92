// Mining's compute step as a job for the app: runs mine.worker.ts (built to out/main/workers/mine.js)
// with progress and cancel (SCIENCE 4.2; jobs/job.ts). The payload is plain data and typed arrays
// read from the open Project (mine.ts `mineInput`); the run is written back on the main thread.
import type { ProgressFn } from '../jobs/job.js';
import { runWorkerJob } from '../jobs/worker_job.js';
import type { MineComputed, MineInput } from './mine.js';

export interface MineTask {
  task: 'mine';
  input: MineInput;
}

export function mineInWorker(input: MineInput, opts: { onProgress?: ProgressFn; signal?: AbortSignal } = {}): Promise<MineComputed> {
  // Arrays made for this run move to the worker; the spaces and the truth belong to the project
  // and are copied.
  const own = [input.annotated, input.known, input.reviewed, ...(input.groups ? [input.groups.imageGroup, input.groups.captionGroup] : [])];
  const transferList = own.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
  const task: MineTask = { task: 'mine', input };
  return runWorkerJob<MineComputed>('mine', { what: 'mining', workerData: task, transferList, signal: opts.signal, onProgress: opts.onProgress });
}
