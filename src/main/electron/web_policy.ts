// What the Electron window may do, as pure decisions (no `electron` import, so tests run them in
// plain Node); window_guard.ts wires them to the window's and session's events.

/** The only pages the window shows: the built renderer on lens://app/. */
export function navigationAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'lens:' && u.host === 'app';
  } catch {
    return false;
  }
}

/** Hosts whose documentation pages may open in the user's browser (https only, no credentials, default port). */
export const EXTERNAL_HOSTS: readonly string[] = ['github.com', 'arxiv.org', 'doi.org', 'www.electronjs.org', 'huggingface.co'];

export function externalAllowed(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && !u.username && !u.password && u.port === '' && EXTERNAL_HOSTS.includes(u.hostname.toLowerCase());
}

/** Every permission check and request (camera, notifications, clipboard, HID…) is denied: the app needs none. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}
