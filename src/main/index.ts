// Electron main process: one window, sandboxed renderer, lens:// protocol, validated IPC.
import { app, BrowserWindow, dialog, session } from 'electron';
import { join } from 'node:path';
import { LensService } from './core/app/lens_service.js';
import { packageRoot } from './core/jobs/worker_path.js';
import { registerSchemes, handleLensProtocol, CSP } from './electron/protocol.js';
import { wireIpc } from './electron/ipc.js';
import { guardSession, guardWindow } from './electron/window_guard.js';

registerSchemes();

async function main(): Promise<void> {
  await app.whenReady();
  const root = packageRoot();
  let win: BrowserWindow | null = null;
  const service = new LensService({
    dataDir: process.env.MLENS_DATA_DIR ?? join(app.getPath('userData'), 'data'),
    mode: 'electron',
    pickFolder: async () => {
      const r = await dialog.showOpenDialog(win!, { properties: ['openDirectory'], title: 'Open a dataset folder' });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  });
  handleLensProtocol(service, join(root, 'out', 'renderer'));
  guardSession(session.defaultSession);
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });

  win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Multiplicity Lens',
    icon: join(root, 'resources', 'icon.png'),
    show: false,
    webPreferences: {
      preload: join(root, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  wireIpc(service, win);
  guardWindow(win);
  win.once('ready-to-show', () => win?.show());
  await win.loadURL('lens://app/index.html');
  const startup = process.env.MLENS_DATASET ? service.api.datasets.open({ path: process.env.MLENS_DATASET }) : service.restore();
  startup.catch((e) => console.error(`could not open the start-up dataset: ${(e as Error).message}`));
  app.on('window-all-closed', () => {
    service.close();
    app.quit();
  });
}

main().catch((e) => {
  console.error(e);
  app.exit(1);
});
