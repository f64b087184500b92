// Locks the window and its session down: no navigation or redirect away from lens://app/ (in
// any frame), no new windows (allow-listed https documentation opens in the user's browser),
// no permissions, no <webview>.
import { shell, type BrowserWindow, type Session } from 'electron';
import { externalAllowed, navigationAllowed, permissionAllowed } from './web_policy.js';

export function guardSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, permission, cb) => cb(permissionAllowed(permission)));
  session.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));
  session.setDevicePermissionHandler(() => false);
}

export function guardWindow(win: BrowserWindow): void {
  const wc = win.webContents;
  wc.setWindowOpenHandler(({ url }) => {
    if (externalAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  wc.on('will-navigate', (e) => {
    if (!navigationAllowed(e.url)) e.preventDefault();
  });
  wc.on('will-frame-navigate', (e) => {
    if (!navigationAllowed(e.url)) e.preventDefault();
  });
  wc.on('will-redirect', (e) => {
    if (!navigationAllowed(e.url)) e.preventDefault();
  });
  wc.on('will-attach-webview', (e) => e.preventDefault());
}
