// Sandboxed preload: exposes a narrow typed facade over two IPC channels. Main validates the
// sender frame, the method name (`service.method`) and every payload; the renderer never sees
// Node or ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { LensEvent, LensMethod } from '../shared/api';
import type { BridgeResult, LensBridge } from './bridge';

const bridge: LensBridge = {
  call: (method: LensMethod, arg: unknown) => ipcRenderer.invoke('lens:call', method, arg) as Promise<BridgeResult>,
  onEvent(fn: (e: LensEvent) => void) {
    const h = (_e: IpcRendererEvent, ev: LensEvent) => fn(ev);
    ipcRenderer.on('lens:event', h);
    return () => void ipcRenderer.removeListener('lens:event', h);
  },
};

contextBridge.exposeInMainWorld('lensBridge', bridge);
