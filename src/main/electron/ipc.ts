// IPC wiring: two channels only. Every call is checked for its sender frame (our window, our
// lens://app origin) before the shared dispatcher validates the method and payload.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { LensService } from '../core/app/lens_service.js';
import { createDispatch, errorPayload } from '../rpc/dispatch.js';

export function wireIpc(service: LensService, win: BrowserWindow): void {
  const dispatch = createDispatch(service.api);
  const trusted = (e: IpcMainInvokeEvent) => {
    const frame = e.senderFrame;
    return e.sender.id === win.webContents.id && !!frame && frame.url.startsWith('lens://app/') && frame.routingId === win.webContents.mainFrame.routingId;
  };
  ipcMain.handle('lens:call', async (e, method: unknown, arg: unknown) => {
    if (!trusted(e)) return { ok: false, error: { name: 'SecurityError', message: 'untrusted sender' } };
    try {
      return { ok: true, result: await dispatch(method, arg) };
    } catch (err) {
      return { ok: false, error: errorPayload(err) };
    }
  });
  service.onEvent((ev) => {
    if (!win.isDestroyed()) win.webContents.send('lens:event', ev);
  });
}
