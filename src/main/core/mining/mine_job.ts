// Mining as a job for the app: runs mine.worker.ts (built to out/main/workers/mine.js) with
// progress and cancel (SCIENCE 4.2; jobs/job.ts).
import type { ProgressFn } from '../jobs/job.js';
import { runWorkerJob } from '../jobs/worker_job.js';
import type { MineCommandArgs, MineCommandOutput } from './mine_command.js';

export function mineInWorker(args: Omit<MineCommandArgs, 'onProgress' | 'signal'>, opts: { onProgress?: ProgressFn; signal?: AbortSignal } = {}): Promise<MineCommandOutput> {
  return runWorkerJob<MineCommandOutput>('mine', { what: 'mining', workerData: args, signal: opts.signal, onProgress: opts.onProgress });
}
