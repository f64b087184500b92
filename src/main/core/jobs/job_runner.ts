// The session's event bus and job runner: a long call runs as a job with progress events, a queue
// slot (jobs/job_limiter.ts), cancel by jobId, a soft-stop request and one final state event.
import type { LensEvent } from '../../../shared/api.js';
import { CancelledError } from './job.js';
import { JobLimiter, defaultJobLimit } from './job_limiter.js';

export type Listener = (e: LensEvent) => void;

export class EventBus {
  private listeners = new Set<Listener>();

  on(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(e: LensEvent): void {
    for (const fn of this.listeners) fn(e);
  }
}

export type JobProgress = (phase: string, done: number, total: number) => void;

export class JobRunner {
  private jobs = new Map<string, AbortController>();
  private stops = new Set<string>();
  private limiter = new JobLimiter(defaultJobLimit());

  constructor(private readonly events: EventBus) {}

  async run<T>(jobId: string, kind: string, body: (signal: AbortSignal, progress: JobProgress) => Promise<T>): Promise<T> {
    const ac = new AbortController();
    this.jobs.set(jobId, ac);
    const emit = this.events.emit.bind(this.events);
    let last = { phase: 'starting', done: 0, total: 1 };
    const progress: JobProgress = (phase, done, total) => {
      last = { phase, done, total };
      emit({ type: 'job', jobId, kind, state: 'running', ...last });
    };
    progress('starting', 0, 1);
    let release: (() => void) | null = null;
    try {
      release = await this.limiter.acquire(ac.signal, (position, running) => {
        last = { phase: `queued: position ${position}, waiting for ${running} running job${running === 1 ? '' : 's'} to finish`, done: 0, total: 1 };
        emit({ type: 'job', jobId, kind, state: 'running', ...last, queued: position });
      }, kind);
      if (last.phase.startsWith('queued')) progress('starting', 0, 1);
      const r = await body(ac.signal, progress);
      emit({ type: 'job', jobId, kind, state: 'done', phase: 'done', done: last.total, total: last.total });
      return r;
    } catch (e) {
      const cancelled = e instanceof CancelledError || ac.signal.aborted;
      emit({ type: 'job', jobId, kind, state: cancelled ? 'cancelled' : 'error', ...last, message: (e as Error).message });
      throw cancelled && !(e instanceof CancelledError) ? new CancelledError(kind) : e;
    } finally {
      release?.();
      this.jobs.delete(jobId);
      this.stops.delete(jobId);
    }
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  cancel(jobId: string): boolean {
    const ac = this.jobs.get(jobId);
    if (!ac) return false;
    ac.abort();
    return true;
  }

  /** Asks a running job to stop softly (training keeps its best weights so far). */
  requestStop(jobId: string): boolean {
    if (!this.jobs.has(jobId)) return false;
    this.stops.add(jobId);
    return true;
  }

  stopRequested(jobId: string): boolean {
    return this.stops.has(jobId);
  }

  cancelAll(): void {
    for (const ac of this.jobs.values()) ac.abort();
  }
}
