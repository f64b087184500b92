// Mining as a job for the app: runs mine.worker.ts (built to out/main/workers/mine.js) with
// progress and cancel (SCIENCE 4.2; jobs/job.ts).
import { Worker } from 'node:worker_threads';
import { CancelledError, type ProgressFn } from '../jobs/job.js';
import { workerPath } from '../jobs/worker_path.js';
import type { MineCommandArgs, MineCommandOutput } from './mine_command.js';

export function mineInWorker(args: Omit<MineCommandArgs, 'onProgress' | 'signal'>, opts: { onProgress?: ProgressFn; signal?: AbortSignal } = {}): Promise<MineCommandOutput> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new CancelledError('mining'));
    const worker = new Worker(workerPath('mine'), { workerData: args });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      void worker.terminate();
      finish(() => reject(new CancelledError('mining')));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: { type: string; phase?: string; done?: number; total?: number; result?: MineCommandOutput; name?: string; message?: string }) => {
      if (m.type === 'progress') opts.onProgress?.({ phase: m.phase!, done: m.done!, total: m.total! });
      else if (m.type === 'done') finish(() => resolve(m.result!));
      else if (m.type === 'error') {
        const err = new Error(m.message);
        err.name = m.name ?? 'Error';
        finish(() => reject(err));
      }
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`mining worker exited with code ${code}`))));
  });
}
