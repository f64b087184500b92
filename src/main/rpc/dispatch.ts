// One generic mechanism exposes LensApi over any transport: check the wire name `service.method`
// against the shared schemas (own keys on both levels, so no prototype key is ever a method),
// validate the request, then call `api[service][method]`. Adding a method means adding it to
// LensApi, its schema and the service: no per-channel wiring.
import type { LensApi } from '../../shared/api.js';
import { LENS_METHODS, parseLensMethod } from '../../shared/schemas.js';

export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

export type Dispatch = (method: unknown, arg: unknown) => Promise<unknown>;

/** A printable form of whatever a client sent as the method name. */
function shown(method: unknown): string {
  try {
    const s = JSON.stringify(method);
    return s === undefined ? String(method) : s.length > 80 ? `${s.slice(0, 80)}…` : s;
  } catch {
    return typeof method;
  }
}

/** Methods whose own name is the last part of `method` (e.g. `addFlag` or `app.addFlag` -> labels.addFlag). */
function suggestions(method: unknown): string {
  if (typeof method !== 'string' || method.length > 64) return '';
  const last = method.slice(method.lastIndexOf('.') + 1).toLowerCase();
  const near = last ? LENS_METHODS.filter((m) => m.slice(m.indexOf('.') + 1).toLowerCase() === last) : [];
  return near.length ? ` (did you mean ${near.join(' or ')}?)` : '';
}

export function createDispatch(api: LensApi): Dispatch {
  return async (method, arg) => {
    const name = parseLensMethod(method);
    if (!name) throw new RequestError(`unknown method ${shown(method)}${suggestions(method)}; methods are named service.method, e.g. "labels.addFlag"`);
    const wire = `${name.service}.${name.method}`;
    const parsed = name.schema.safeParse(arg ?? undefined);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RequestError(`invalid request for ${wire}: ${issue?.path.join('.') || 'argument'}: ${issue?.message}`);
    }
    const service = api[name.service] as unknown as Record<string, unknown> | undefined;
    const fn = service?.[name.method];
    if (typeof fn !== 'function') throw new RequestError(`${wire} is not implemented`);
    const run = (): Promise<unknown> => (fn as (a?: unknown) => Promise<unknown>).call(service, parsed.data);
    if (!process.env.MLENS_DEBUG) return run();
    // MLENS_DEBUG=1: each request's method, time and heap on stderr (for a bug report).
    const t0 = performance.now();
    const mib = (): string => (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);
    console.error(`rpc ${wire} start (heap ${mib()} MiB)`);
    try {
      return await run();
    } finally {
      console.error(`rpc ${wire} ${(performance.now() - t0).toFixed(0)} ms (heap ${mib()} MiB)`);
    }
  };
}

/**
 * The error shape both transports send back. An error with a plain-JSON `detail` (the column
 * dialog's `ColumnMappingDetail`) sends it along.
 */
export function errorPayload(e: unknown): { name: string; message: string; detail?: unknown } {
  const err = e instanceof Error ? e : new Error(String(e));
  const detail = (err as { detail?: unknown }).detail;
  return detail !== undefined && detail !== null && typeof detail === 'object' ? { name: err.name, message: err.message, detail } : { name: err.name, message: err.message };
}
