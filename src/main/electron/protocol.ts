// The lens:// protocol: lens://app/… serves the built renderer, lens://dataset/… serves files of
// the open dataset, resolved with resolveInside so nothing outside the dataset folder is reachable.
import { protocol, net } from 'electron';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LensService } from '../core/app/lens_service.js';
import { resolveInside } from '../core/datasets/paths.js';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: lens:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'lens', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function handleLensProtocol(service: LensService, rendererRoot: string): void {
  protocol.handle('lens', async (req) => {
    const url = new URL(req.url);
    const path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    if (url.host === 'app') {
      const rel = normalize(path || 'index.html');
      if (rel.startsWith('..')) return new Response('forbidden', { status: 403 });
      const res = await net.fetch(pathToFileURL(join(rendererRoot, rel)).toString());
      const headers = new Headers(res.headers);
      headers.set('Content-Security-Policy', CSP);
      return new Response(res.body, { status: res.status, headers });
    }
    if (url.host === 'dataset') {
      const ds = service.current();
      if (!ds) return new Response('no dataset open', { status: 404 });
      try {
        return await net.fetch(pathToFileURL(resolveInside(ds.root, path)).toString());
      } catch (e) {
        return new Response((e as Error).message, { status: 403 });
      }
    }
    return new Response('not found', { status: 404 });
  });
}
