// Electron smoke test: runs where an Electron binary exists; on an offline machine (no binary
// can be downloaded) it says so and skips.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

function electronBinary(): string | null {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const bin = electronBinary();
if (!bin) {
  console.warn('Electron smoke test skipped: no Electron binary in node_modules/electron/dist (it downloads on the first `npm start`, which needs the network).');
} else if (!process.env.DISPLAY) {
  console.warn('Electron smoke test skipped: an Electron binary exists but there is no display (set DISPLAY, e.g. run under xvfb-run).');
}

describe.skipIf(!bin || !process.env.DISPLAY)('Electron app (smoke)', () => {
  it('opens a sandboxed window that shows the map', async () => {
    const { _electron } = await import('playwright-core');
    const { electronSqliteBinding } = await import('../../scripts/electron-native.mjs' as string);
    const tmp = tempDir('mlens-electron-');
    const app = await _electron.launch({
      executablePath: bin!,
      args: [root],
      env: { ...process.env, MLENS_DATA_DIR: tmp.dir, MLENS_SQLITE_BINDING: electronSqliteBinding({ quiet: true }) } as Record<string, string>,
    });
    try {
      const win = await app.firstWindow();
      await win.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 240_000 });
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const w = BrowserWindow.getAllWindows()[0];
        return { url: w.webContents.getURL() };
      });
      expect(prefs.url).toBe('lens://app/index.html');
      expect(await win.evaluate(() => typeof (globalThis as any).require)).toBe('undefined');
    } finally {
      await app.close();
      tmp.cleanup();
    }
  });
});
