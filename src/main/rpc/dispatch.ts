// One generic mechanism exposes LensApi over any transport: validate the method name and the
// request against the shared schemas, then call the service. Adding a method means adding it
// to LensApi, its schema, and the service: no per-channel wiring.
import type { LensApi } from '../../shared/api.js';
import { isLensMethod, requestSchemas } from '../../shared/schemas.js';

export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestError';
  }
}

export type Dispatch = (method: unknown, arg: unknown) => Promise<unknown>;

export function createDispatch(api: LensApi): Dispatch {
  return async (method, arg) => {
    if (!isLensMethod(method)) throw new RequestError(`unknown method ${JSON.stringify(method)}`);
    const parsed = requestSchemas[method].safeParse(arg ?? undefined);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RequestError(`invalid request for ${method}: ${issue?.path.join('.') || 'argument'}: ${issue?.message}`);
    }
    const fn = api[method] as (a?: unknown) => Promise<unknown>;
    return fn.call(api, parsed.data ?? undefined);
  };
}

/** The error shape both transports send back. */
export function errorPayload(e: unknown): { name: string; message: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message };
}
