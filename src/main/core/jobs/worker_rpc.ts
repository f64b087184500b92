// The one protocol between the main thread and a worker thread (out/main/workers/NAME.js).
//
// A worker module serves named functions: `export const api = { mine, knn }; serveWorker(api)`.
// Each function takes (input, ctx) and returns its result (or a promise of it). The caller names
// the worker, the function and the input, and gets the result typed from the function:
//   callWorker<MineWorker, 'knn'>('mine', 'knn', task, { signal, onProgress, transfer })
//
// Messages, main → worker: {type: 'request', id, method, input} | {type: 'cancel', id} |
// {type: 'stop', id}; worker → main: {type: 'progress', id, phase, done, total, message?} |
// {type: 'event', id, name, data} | {type: 'result', id, value} |
// {type: 'error', id, name, message, stack?}.
// - Cancel: the caller's AbortSignal sends 'cancel' (the function sees ctx.signal abort); after
//   `graceMs` the worker is terminated. The call rejects with CancelledError (name 'AbortError')
//   once the worker is gone, whatever it answered meanwhile.
// - Stop: a second, soft signal (`stop`) the function may poll (ctx.stopSignal) to end early with
//   a result (training keeps its best weights so far).
// - Transfers: `transfer` moves the input's buffers; ctx.transfer(...) the result's, ctx.emit's
//   third argument an event's. Nothing is copied.
// - Errors cross as name + message (+ stack outside production); CancelledError, RangeError and
//   TypeError come back as those classes, any other name on a plain Error.
import { isAbsolute } from 'node:path';
import { parentPort, Worker, type TransferListItem } from 'node:worker_threads';
import { CancelledError, type Progress } from './job.js';
import { workerPath } from './worker_path.js';

/** Named events a worker function may send besides progress (snapshots, epoch reports, …). */
export type WorkerEvents = Record<string, unknown>;

export interface WorkerContext<E extends WorkerEvents = WorkerEvents> {
  /** Aborts when the caller cancels (the worker is terminated after a grace period anyway). */
  readonly signal: AbortSignal;
  /** Aborts when the caller asks for a soft stop (end early, with a result). */
  readonly stopSignal: AbortSignal;
  progress(phase: string, done: number, total: number, message?: string): void;
  emit<K extends keyof E & string>(name: K, data: E[K], transfer?: readonly TransferListItem[]): void;
  /** Buffers of the result to move instead of copy. */
  transfer(...buffers: TransferListItem[]): void;
}

/** A function a worker serves: any input, a context, a result or its promise. */
export type WorkerFunction = (input: never, ctx: WorkerContext<never>) => unknown;
export type WorkerApi = Record<string, WorkerFunction>;

export type WorkerInput<F> = F extends (input: infer I, ...rest: never[]) => unknown ? I : never;
export type WorkerResult<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;
export type WorkerEventsOf<F> = F extends (input: never, ctx: WorkerContext<infer E>) => unknown ? E : Record<never, never>;

type ToWorker = { type: 'request'; id: number; method: string; input: unknown } | { type: 'cancel'; id: number } | { type: 'stop'; id: number };
type FromWorker =
  | ({ type: 'progress'; id: number } & Progress)
  | { type: 'event'; id: number; name: string; data: unknown }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; name: string; message: string; stack?: string };

export interface ServeOptions {
  /** Progress of one call is posted at most this often (ms), except a phase's first and last. Default 0: every report. */
  progressEveryMs?: number;
}

/** Worker side: answers requests for the functions of `api` on this thread's parent port. */
export function serveWorker(api: WorkerApi, opts: ServeOptions = {}): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker: not in a worker thread');
  const calls = new Map<number, { cancel: AbortController; stop: AbortController }>();
  const every = opts.progressEveryMs ?? 0;
  port.on('message', (m: ToWorker) => {
    if (m?.type === 'cancel') calls.get(m.id)?.cancel.abort();
    else if (m?.type === 'stop') calls.get(m.id)?.stop.abort();
    else if (m?.type === 'request') void run(m);
  });

  async function run(m: Extract<ToWorker, { type: 'request' }>): Promise<void> {
    const { id } = m;
    const call = { cancel: new AbortController(), stop: new AbortController() };
    calls.set(id, call);
    const resultTransfer: TransferListItem[] = [];
    let lastPhase: string | null = null;
    let lastAt = 0;
    const ctx: WorkerContext = {
      signal: call.cancel.signal,
      stopSignal: call.stop.signal,
      progress(phase, done, total, message) {
        const now = performance.now();
        if (every > 0 && phase === lastPhase && done < total && now - lastAt < every) return;
        lastPhase = phase;
        lastAt = now;
        const p: FromWorker = { type: 'progress', id, phase, done, total };
        if (message !== undefined) p.message = message;
        port!.postMessage(p);
      },
      emit(name, data, transfer) {
        port!.postMessage({ type: 'event', id, name, data } satisfies FromWorker, transfer);
      },
      transfer(...buffers) {
        resultTransfer.push(...buffers);
      },
    };
    try {
      const fn = Object.hasOwn(api, m.method) ? api[m.method] : undefined;
      if (!fn) throw new TypeError(`this worker has no function ${m.method}`);
      const value = await (fn as (input: unknown, ctx: WorkerContext) => unknown)(m.input, ctx);
      port!.postMessage({ type: 'result', id, value } satisfies FromWorker, resultTransfer);
    } catch (e) {
      port!.postMessage(errorMessage(id, e));
    } finally {
      calls.delete(id);
    }
  }
}

function errorMessage(id: number, e: unknown): FromWorker {
  const err = e instanceof Error ? e : new Error(String(e));
  const out: FromWorker = { type: 'error', id, name: err.name || 'Error', message: err.message };
  if (process.env.NODE_ENV !== 'production' && err.stack) out.stack = err.stack;
  return out;
}

function errorFrom(m: Extract<FromWorker, { type: 'error' }>, what: string): Error {
  let err: Error;
  if (m.name === 'AbortError' || m.name === 'CancelledError') {
    err = new CancelledError(what);
    err.message = m.message;
  } else if (m.name === 'RangeError') err = new RangeError(m.message);
  else if (m.name === 'TypeError') err = new TypeError(m.message);
  else {
    err = new Error(m.message);
    err.name = m.name;
  }
  if (m.stack) err.stack = `${m.stack}\n    (in a worker thread)`;
  return err;
}

export interface CallOptions<E = WorkerEvents> {
  signal?: AbortSignal;
  /** Soft stop: the function sees ctx.stopSignal abort and may return early. */
  stop?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** One handler per event name the function emits. */
  on?: { [K in keyof E & string]?: (data: E[K]) => void };
  /** Buffers of the input to move to the worker (zero-copy; they are detached here). */
  transfer?: readonly TransferListItem[];
  /** Milliseconds between the cancel message and terminate (default 500; 0 for functions that never yield). */
  graceMs?: number;
  /** Names the job in CancelledError and exit errors ('mining', …; default the function's name). */
  what?: string;
}

let nextId = 1;

/**
 * Main side: runs `method` of the worker `worker` (a name under out/main/workers, or an absolute
 * path to a built worker file) on a fresh worker thread, which ends with the call.
 */
export function callWorker<A extends WorkerApi, M extends keyof A & string>(
  worker: string,
  method: M,
  input: WorkerInput<A[M]>,
  opts: CallOptions<WorkerEventsOf<A[M]>> = {},
): Promise<WorkerResult<A[M]>> {
  const what = opts.what ?? method;
  return new Promise<WorkerResult<A[M]>>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new CancelledError(what));
    const id = nextId++;
    const w = new Worker(isAbsolute(worker) ? worker : workerPath(worker));
    let settled = false;
    let cancelling = false;
    let grace: ReturnType<typeof setTimeout> | undefined;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      opts.signal?.removeEventListener('abort', onAbort);
      opts.stop?.removeEventListener('abort', onStop);
      fn();
    };
    /** Settles (unless a cancel will, once the worker is gone) and ends the worker. */
    const end = (fn: () => void): void => {
      if (!cancelling) settle(fn);
      void w.terminate();
    };
    const onAbort = (): void => {
      if (settled || cancelling) return;
      cancelling = true;
      const graceMs = opts.graceMs ?? 500;
      if (graceMs <= 0) void w.terminate();
      else {
        w.postMessage({ type: 'cancel', id } satisfies ToWorker);
        grace = setTimeout(() => void w.terminate(), graceMs);
      }
    };
    const onStop = (): void => {
      if (!settled && !cancelling) w.postMessage({ type: 'stop', id } satisfies ToWorker);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    opts.stop?.addEventListener('abort', onStop, { once: true });
    w.on('message', (m: FromWorker) => {
      if (settled || cancelling || m?.id !== id) {
        if (cancelling && (m?.type === 'result' || m?.type === 'error')) void w.terminate();
        return;
      }
      if (m.type === 'progress') {
        const p: Progress = { phase: m.phase, done: m.done, total: m.total };
        if (m.message !== undefined) p.message = m.message;
        opts.onProgress?.(p);
      } else if (m.type === 'event') {
        const handler = (opts.on as Record<string, ((data: unknown) => void) | undefined> | undefined)?.[m.name];
        handler?.(m.data);
      } else if (m.type === 'result') end(() => resolve(m.value as WorkerResult<A[M]>));
      else if (m.type === 'error') end(() => reject(errorFrom(m, what)));
    });
    w.on('error', (e) => end(() => reject(e)));
    w.on('exit', (code) => {
      if (cancelling) settle(() => reject(new CancelledError(what)));
      else settle(() => reject(new Error(`${what} worker exited with code ${code} before finishing`)));
    });
    try {
      w.postMessage({ type: 'request', id, method, input } satisfies ToWorker, opts.transfer);
    } catch (e) {
      // An input that cannot be cloned or transferred (DataCloneError).
      end(() => reject(e));
      return;
    }
    if (opts.stop?.aborted) onStop();
  });
}

export interface WorkerClient<A extends WorkerApi> {
  call<M extends keyof A & string>(method: M, input: WorkerInput<A[M]>, opts?: CallOptions<WorkerEventsOf<A[M]>>): Promise<WorkerResult<A[M]>>;
}

/** callWorker with the worker's API bound once: `workerClient<MineWorker>('mine').call('knn', task, opts)`. */
export function workerClient<A extends WorkerApi>(worker: string): WorkerClient<A> {
  return { call: (method, input, opts) => callWorker<A, typeof method>(worker, method, input, opts) };
}
