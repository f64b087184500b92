// Electron transport: the preload's narrow bridge (window.lensBridge); structured clone carries
// typed arrays as they are.
import type { LensEvent, LensMethod } from '../../../shared/api';
import type { LensBridge } from '../../../preload/bridge';
import { apiProxy, LensCallError, type Transport } from './transport';

export function createIpcTransport(bridge: LensBridge): Transport {
  const call = async (method: LensMethod, arg: unknown) => {
    const r = await bridge.call(method, arg ?? null);
    if (r.ok) return r.result;
    throw new LensCallError(r.error.name, r.error.message, r.error.detail);
  };
  return {
    api: apiProxy(call),
    onEvent: (fn: (e: LensEvent) => void) => bridge.onEvent(fn),
    imageUrl: (path, size) => `lens://dataset/${path.split('/').map(encodeURIComponent).join('/')}${size ? `?w=${size}` : ''}`,
    mode: 'electron',
  };
}
