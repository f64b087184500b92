// Electron IPC over the split API: the one `lens:call` handler refuses any sender but the app's own
// main frame, then dispatches `service.method` to LensApi bound over LensService. Electron's ipcMain
// is replaced by a recorder; the service is the real one on a temporary data folder.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { tempDir } from '../helpers/tmp.js';

const handlers = new Map<string, (e: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, fn: (e: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>) => void handlers.set(channel, fn) },
}));

const { wireIpc } = await import('../../src/main/electron/ipc.js');
const { LensService } = await import('../../src/main/core/app/lens_service.js');

const tmp = tempDir('mlens-ipc-');
afterAll(() => tmp.cleanup());

const sent: unknown[] = [];
const win = {
  isDestroyed: () => false,
  webContents: { id: 7, mainFrame: { routingId: 1 }, send: (_channel: string, ev: unknown) => void sent.push(ev) },
} as unknown as BrowserWindow;
const event = (over: { senderId?: number; url?: string; routingId?: number } = {}) =>
  ({ sender: { id: over.senderId ?? 7 }, senderFrame: { url: over.url ?? 'lens://app/index.html', routingId: over.routingId ?? 1 } }) as unknown as IpcMainInvokeEvent;

describe('Electron IPC', () => {
  const service = new LensService({ dataDir: join(tmp.dir, 'data'), mode: 'electron' });
  wireIpc(service, win);
  const call = (method: unknown, arg: unknown, e = event()) => handlers.get('lens:call')!(e, method, arg);
  afterAll(() => service.close());

  it('answers service.method calls from the app’s own frame', async () => {
    const info = (await call('app.info', null)) as { ok: true; result: { mode: string } };
    expect(info.ok).toBe(true);
    expect(info.result.mode).toBe('electron');
    expect(await call('app.session', null)).toMatchObject({ ok: true, result: { dataset: null } });
  });

  it('refuses other senders before looking at the method', async () => {
    const refused = { ok: false, error: { name: 'SecurityError', message: 'untrusted sender' } };
    expect(await call('app.info', null, event({ senderId: 8 }))).toEqual(refused);
    expect(await call('app.info', null, event({ url: 'https://example.com/' }))).toEqual(refused);
    expect(await call('app.info', null, event({ routingId: 2 }))).toEqual(refused);
  });

  it('answers unknown names and bad requests with errors, not exceptions', async () => {
    expect(await call('appInfo', null)).toMatchObject({ ok: false, error: { name: 'RequestError', message: expect.stringMatching(/^unknown method "appInfo"/) } });
    expect(await call('labels.__proto__', null)).toMatchObject({ ok: false, error: { name: 'RequestError' } });
    expect(await call('labels.removeFlag', { id: 'x' })).toMatchObject({ ok: false, error: { name: 'RequestError', message: expect.stringMatching(/^invalid request for labels\.removeFlag/) } });
    // A valid request with no dataset open fails in the service and comes back as an error too.
    expect(await call('labels.listFlags', null)).toMatchObject({ ok: false });
  });
});
