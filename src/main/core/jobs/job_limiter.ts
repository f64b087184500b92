// A bound on heavy jobs running at once (projection, mining, training, encoding, sample
// generation): each holds worker threads and large typed arrays, so six map recomputes at once
// multiply the peak memory by six. Jobs over the bound wait in order and are told their place;
// a job cancelled while it waits leaves the queue at once.
import { CancelledError } from './job.js';

export type QueuedFn = (position: number, running: number) => void;

interface Waiter {
  grant: () => void;
  onQueued?: QueuedFn;
  /** The place last told, so a job hears only of changes. */
  told: number;
}

export class JobLimiter {
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`the job limit must be at least 1 (got ${limit})`);
  }

  get active(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once the job may run; rejects with CancelledError when `signal` aborts first. */
  acquire(signal?: AbortSignal, onQueued?: QueuedFn, what = 'job'): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new CancelledError(what));
    if (this.running < this.limit && this.queue.length === 0) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        onQueued,
        told: 0,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.running++;
          resolve(this.releaser());
        },
      };
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        this.tellPositions();
        reject(new CancelledError(what));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.tellPositions();
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      const next = this.queue.shift();
      if (next) {
        next.grant();
        this.tellPositions();
      }
    };
  }

  private tellPositions(): void {
    this.queue.forEach((w, i) => {
      if (w.told === i + 1) return;
      w.told = i + 1;
      w.onQueued?.(i + 1, this.running);
    });
  }
}

/** The bound the app uses: MLENS_MAX_JOBS, else 2. */
export function defaultJobLimit(): number {
  const n = Number(process.env.MLENS_MAX_JOBS);
  return Number.isInteger(n) && n >= 1 ? n : 2;
}
