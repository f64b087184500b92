// Browser mode: the same renderer, backed by the same LensService, over HTTP + WebSocket bound
// to 127.0.0.1. A one-time token (per server start) is required for the socket, for dataset
// images and for downloads; WebSocket upgrades must also come from our own origin.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, basename } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LensEvent } from '../../shared/api.js';
import { encodeWire, encodeWireBinary } from '../../shared/wire.js';
import { LensService } from '../core/app/lens_service.js';
import { resolveInside } from '../core/datasets/paths.js';
import { packageRoot } from '../core/jobs/worker_path.js';
import { createDispatch, errorPayload } from '../rpc/dispatch.js';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.sqlite': 'application/vnd.sqlite3',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface BrowserServerOptions {
  dataDir: string;
  host?: string;
  port?: number;
  token?: string;
  /** Open this dataset at start instead of the last one (or the sample). */
  dataset?: string;
  log?: (line: string) => void;
}

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  service: LensService;
  close(): Promise<void>;
}

export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const token = opts.token ?? randomBytes(18).toString('base64url');
  const host = opts.host ?? '127.0.0.1';
  const staticRoot = join(packageRoot(), 'out', 'renderer');
  if (!existsSync(join(staticRoot, 'index.html'))) throw new Error(`renderer is not built (${staticRoot}): run \`npm run build\``);
  const downloads = new Map<string, string>();
  const service = new LensService({
    dataDir: opts.dataDir,
    mode: 'browser',
    downloadUrl: (file) => {
      const id = randomBytes(9).toString('base64url');
      downloads.set(id, file);
      return `/download/${id}/${encodeURIComponent(basename(file))}?token=${token}`;
    },
  });
  const dispatch = createDispatch(service);
  const tokenOk = (t: string | null) => {
    if (!t) return false;
    const a = Buffer.from(t);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const sendFile = (res: ServerResponse, file: string, extraHeaders: Record<string, string> = {}) => {
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': st.size,
      'x-content-type-options': 'nosniff',
      ...extraHeaders,
    });
    createReadStream(file).pipe(res);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', `http://${host}`);
      const path = decodeURIComponent(url.pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      if (path.startsWith('/lens/')) {
        if (!tokenOk(url.searchParams.get('token'))) return void res.writeHead(403).end('bad token');
        const ds = service.current();
        if (!ds) return void res.writeHead(404).end('no dataset');
        let file: string;
        try {
          file = resolveInside(ds.root, path.slice('/lens/'.length));
        } catch (e) {
          return void res.writeHead(403, { 'content-type': 'text/plain' }).end((e as Error).message);
        }
        return sendFile(res, file, { 'cache-control': 'private, max-age=3600' });
      }
      if (path.startsWith('/download/')) {
        if (!tokenOk(url.searchParams.get('token'))) return void res.writeHead(403).end('bad token');
        const id = path.split('/')[2];
        const file = downloads.get(id);
        if (!file) return void res.writeHead(404).end('not found');
        return sendFile(res, file, { 'content-disposition': `attachment; filename="${basename(file)}"` });
      }
      const rel = normalize(path === '/' ? 'index.html' : path.slice(1));
      if (rel.startsWith('..')) return void res.writeHead(403).end();
      sendFile(res, join(staticRoot, rel), { 'content-security-policy': CSP, 'cache-control': 'no-cache' });
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end((e as Error).message);
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const origin = req.headers.origin;
    const hostHeader = req.headers.host;
    const sameOrigin = !origin || origin === `http://${hostHeader}`;
    if (url.pathname !== '/ws' || !tokenOk(url.searchParams.get('token')) || !sameOrigin) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const clients = new Set<WebSocket>();
  service.onEvent((e: LensEvent) => {
    const text = JSON.stringify({ event: encodeWire(e) });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', async (data) => {
      let msg: { id?: unknown; method?: unknown; arg?: unknown; bin?: unknown };
      try {
        msg = JSON.parse(String(data));
      } catch {
        ws.send(JSON.stringify({ id: null, error: { name: 'RequestError', message: 'malformed message' } }));
        return;
      }
      const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
      try {
        const result = await dispatch(msg.method, msg.arg);
        if (msg.bin === true) {
          // Typed arrays (map coordinates) as binary frames after the header: see shared/wire.ts.
          const { value, buffers } = encodeWireBinary(result ?? null);
          ws.send(JSON.stringify({ id, result: value, bins: buffers.length }));
          for (const b of buffers) ws.send(b, { binary: true });
        } else ws.send(JSON.stringify({ id, result: encodeWire(result ?? null) }));
      } catch (e) {
        ws.send(JSON.stringify({ id, error: errorPayload(e) }));
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}/?token=${token}`;

  // Open a dataset in the background so the page can load at once and show progress.
  const startup = opts.dataset ? service.openDataset({ path: opts.dataset }) : service.restore();
  startup.catch((e) => opts.log?.(`could not open the start-up dataset: ${(e as Error).message}`));

  return {
    url,
    port,
    token,
    service,
    async close() {
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      service.close();
    },
  };
}
