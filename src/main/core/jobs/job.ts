// A long call: reports progress, can be cancelled, and ends in a result or an error.

export interface Progress {
  phase: string;
  done: number;
  total: number;
}

export type ProgressFn = (p: Progress) => void;

export class CancelledError extends Error {
  constructor(what = 'job') {
    super(`${what} cancelled`);
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}
