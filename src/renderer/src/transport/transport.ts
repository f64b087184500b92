// The renderer talks to one LensApi; a transport implements it (IPC in Electron, WebSocket in
// browser mode). Method calls are generic: a two-level Proxy turns api.service.method(arg) into
// call('service.method', arg); main checks the name and the request.
import type { LensApi, LensEvent, LensMethod } from '../../../shared/api';

export interface Transport {
  api: LensApi;
  onEvent(fn: (e: LensEvent) => void): () => void;
  /** URL of a dataset-relative image path; `size` (128, 256 or 512) asks for a thumbnail at most that many px on its long side. */
  imageUrl(path: string, size?: number): string;
  mode: 'electron' | 'browser';
}

// Keys a proxy must not answer with a method: promise resolution looks up `then` (an `await` of
// the api or of a service would otherwise send a call), and symbols (inspection, coercion) are never methods.
const notMethod = (name: string | symbol): name is symbol => typeof name === 'symbol' || name === 'then' || name === 'toJSON';

export function apiProxy(call: (method: LensMethod, arg: unknown) => Promise<unknown>): LensApi {
  const services = new Map<string, object>();
  const service = (name: string): object => {
    let s = services.get(name);
    if (!s) {
      const methods = new Map<string, (arg?: unknown) => Promise<unknown>>();
      s = new Proxy(Object.create(null) as object, {
        get: (_t, method) => {
          if (notMethod(method)) return undefined;
          let fn = methods.get(method);
          if (!fn) {
            const wire = `${name}.${method}` as LensMethod;
            fn = (arg?: unknown) => call(wire, arg);
            methods.set(method, fn);
          }
          return fn;
        },
      });
      services.set(name, s);
    }
    return s;
  };
  return new Proxy(Object.create(null) as LensApi, {
    get: (_t, name) => (notMethod(name) ? undefined : service(name)),
  });
}

export class LensCallError extends Error {
  constructor(
    name: string,
    message: string,
    /** Structured data some errors carry (a ColumnMappingError's ColumnMappingDetail). */
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = name;
  }
}
