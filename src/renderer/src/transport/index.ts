import type { LensBridge } from '../../../preload/bridge';
import { createIpcTransport } from './ipc';
import { createWsTransport } from './ws';
import type { Transport } from './transport';

export function createTransport(): Transport {
  const bridge = (window as unknown as { lensBridge?: LensBridge }).lensBridge;
  return bridge ? createIpcTransport(bridge) : createWsTransport();
}
export type { Transport };
