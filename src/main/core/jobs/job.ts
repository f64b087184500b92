// A long call: reports progress, can be cancelled, and ends in a result or an error.

export interface Progress {
  phase: string;
  done: number;
  total: number;
  /** A line for the user (what is being read, a warning). */
  message?: string;
}

export type ProgressFn = (p: Progress) => void;

/** A cancelled job. Its name is 'AbortError', as for any aborted web API. */
export class CancelledError extends Error {
  constructor(what = 'job') {
    super(`${what} cancelled`);
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}
