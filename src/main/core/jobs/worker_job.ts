// One way to run a job in a worker thread (out/main/workers/NAME.js): progress messages, cancel by
// terminating the worker, and exactly one settlement (result, error or CancelledError).
// Workers post {type: 'progress', phase, done, total}, {type: 'done', result} or
// {type: 'error', name, message}; any other message goes to onMessage.
import { Worker } from 'node:worker_threads';
import { CancelledError, type ProgressFn } from './job.js';
import { workerPath } from './worker_path.js';

export interface WorkerJobOptions {
  /** Names the job in errors ('projection', 'mining', …). */
  what: string;
  workerData: unknown;
  transferList?: ArrayBuffer[];
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  onMessage?: (message: { type: string } & Record<string, unknown>) => void;
  /** Runs once the worker exists; may return a cleanup run when the job settles. */
  onStart?: (worker: Worker) => (() => void) | void;
}

export function runWorkerJob<T>(name: string, opts: WorkerJobOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new CancelledError(opts.what));
    const worker = new Worker(workerPath(name), { workerData: opts.workerData, transferList: opts.transferList });
    let settled = false;
    let cleanup: (() => void) | void;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      cleanup?.();
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => finish(() => reject(new CancelledError(opts.what)));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = opts.onStart?.(worker);
    worker.on('message', (m: { type: string } & Record<string, unknown>) => {
      if (m.type === 'progress') opts.onProgress?.({ phase: String(m.phase), done: Number(m.done), total: Number(m.total) });
      else if (m.type === 'done') finish(() => resolve(m.result as T));
      else if (m.type === 'error') {
        const err = new Error(String(m.message));
        err.name = typeof m.name === 'string' ? m.name : 'Error';
        finish(() => reject(err));
      } else opts.onMessage?.(m);
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`${opts.what} worker exited with code ${code}`))));
  });
}
