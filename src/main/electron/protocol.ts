// The lens:// protocol: lens://app/… serves the built renderer, lens://dataset/… serves files of
// the open dataset as images only, opened and checked the way browser mode does (core/io/image_file.ts):
// one descriptor, checked after opening, closed when the response ends or is cancelled. `?w=256`
// asks for a thumbnail, and a TIFF comes as PNG (core/io/thumbnail.ts), as in browser mode.
import { protocol, net } from 'electron';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import type { LensService } from '../core/app/lens_service.js';
import { DATASET_FILE_HEADERS, errnoToServeError, streamOpenFile } from '../core/io/image_file.js';
import { ImageConverter, parseThumbSize } from '../core/io/thumbnail.js';
import { thumbnailCacheBytes } from '../core/io/thumbnail_cache.js';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: lens:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'lens', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function handleLensProtocol(service: LensService, rendererRoot: string): void {
  const images = new ImageConverter(join(service.options.dataDir, 'thumbnails'), { maxBytes: thumbnailCacheBytes(service.options.dataDir) });
  protocol.handle('lens', async (req) => {
    const url = new URL(req.url);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      return new Response('the path has a malformed percent escape', { status: 400 });
    }
    if (path.includes('\0')) return new Response('the path contains a NUL byte', { status: 400 });
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
        const a = await images.answer(ds.root, path, parseThumbSize(url.searchParams.get('w')), () => req.signal?.aborted === true);
        if (a.kind === 'bytes') return new Response(new Uint8Array(a.bytes), { status: 200, headers: { ...DATASET_FILE_HEADERS, 'content-type': a.type, 'content-length': String(a.bytes.length) } });
        const f = a.file;
        const body = Readable.toWeb(streamOpenFile(f)) as ReadableStream<Uint8Array>;
        return new Response(body, { status: 200, headers: { ...DATASET_FILE_HEADERS, 'content-type': f.type, 'content-length': String(f.size) } });
      } catch (e) {
        const err = errnoToServeError(e, JSON.stringify(path));
        return new Response(err.message, { status: err.status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } });
      }
    }
    return new Response('not found', { status: 404 });
  });
}
