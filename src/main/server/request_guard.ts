// What every browser-mode request must pass before anything else reads it: a Host header that
// names this server on loopback (a page on another name that resolves to 127.0.0.1, the
// DNS-rebinding pattern, is refused), an Origin (when sent) of the same server, and a path whose
// percent escapes decode cleanly and hold no NUL byte.

export class RequestRefused extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 413 | 415 | 429 | 503,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefused';
  }
}

/** The Host values this server answers to: loopback names with its port, plus the address it was bound to. */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  // An explicit --host (not a wildcard) is what the user types in the address bar.
  if (boundHost && boundHost !== '0.0.0.0' && boundHost !== '::') hosts.add(boundHost.includes(':') ? `[${boundHost}]:${port}` : `${boundHost}:${port}`);
  return hosts;
}

export function checkHostAndOrigin(headers: { host?: string; origin?: string | string[] }, hosts: Set<string>): void {
  const host = (headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) throw new RequestRefused(403, `Host ${JSON.stringify(headers.host ?? '')} is not this server; open it as http://127.0.0.1:PORT or http://localhost:PORT`);
  const origin = headers.origin;
  if (origin === undefined) return;
  const o = Array.isArray(origin) ? origin[0] : origin;
  let ok = false;
  try {
    const u = new URL(o);
    ok = u.protocol === 'http:' && hosts.has(u.host.toLowerCase()) && (u.pathname === '/' || u.pathname === '');
  } catch {
    ok = false;
  }
  if (!ok) throw new RequestRefused(403, `Origin ${JSON.stringify(o)} is not this server`);
}

/** The decoded path of a request URL; bad escapes and NUL bytes are the client's fault (400). */
export function decodeRequestPath(rawUrl: string | undefined): { path: string; query: URLSearchParams } {
  const raw = rawUrl ?? '/';
  if (!raw.startsWith('/')) throw new RequestRefused(400, 'the request target must start with /');
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new RequestRefused(400, 'the path has a malformed percent escape');
  }
  if (path.includes('\0')) throw new RequestRefused(400, 'the path contains a NUL byte (%00)');
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  } catch {
    throw new RequestRefused(400, 'the query string is malformed');
  }
  return { path, query };
}
