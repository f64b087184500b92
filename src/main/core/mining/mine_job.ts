// Mining as a job for the app: runs mine.worker.ts (built to out/main/workers/mine.js) with
// progress and cancel (SCIENCE 4.2; jobs/job.ts).
import type { ProgressFn } from '../jobs/job.js';
import { workerClient } from '../jobs/worker_rpc.js';
import type { MineWorker } from '../../workers/mine.worker.js';
import type { MineCommandArgs, MineCommandOutput } from './mine_command.js';

export function mineInWorker(args: Omit<MineCommandArgs, 'onProgress' | 'signal'>, opts: { onProgress?: ProgressFn; signal?: AbortSignal } = {}): Promise<MineCommandOutput> {
  return workerClient<MineWorker>('mine').call('mine', args, { what: 'mining', signal: opts.signal, onProgress: opts.onProgress });
}
