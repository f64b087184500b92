// The renderer talks to one LensApi; a transport implements it (IPC in Electron, WebSocket in
// browser mode). Method calls are generic: a Proxy turns api.method(arg) into call(method, arg).
import type { LensApi, LensEvent, LensMethod } from '../../../shared/api';

export interface Transport {
  api: LensApi;
  onEvent(fn: (e: LensEvent) => void): () => void;
  /** URL of a dataset-relative image path. */
  imageUrl(path: string): string;
  mode: 'electron' | 'browser';
}

export function apiProxy(call: (method: LensMethod, arg: unknown) => Promise<unknown>): LensApi {
  return new Proxy({} as LensApi, {
    get: (_t, name) => (arg?: unknown) => call(name as LensMethod, arg),
  });
}

export class LensCallError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
