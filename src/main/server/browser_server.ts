// Browser mode: the same renderer, backed by the same LensService, over HTTP + WebSocket bound
// to 127.0.0.1. A one-time token (per server start) is required for the socket, for dataset
// images and for downloads. Every request must name this server in Host (and Origin, when sent);
// dataset files go out as images only, through one open descriptor that is checked after opening
// (core/io/image_file.ts), or as thumbnails (`?w=256`) made from that descriptor's bytes
// (core/io/thumbnail.ts); WebSocket messages are handled by ws_connection.ts, which nothing a
// client sends can throw out of.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, realpathSync } from 'node:fs';
import { extname, join, normalize, basename, dirname } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LensEvent } from '../../shared/api.js';
import { encodeWire } from '../../shared/wire.js';
import { LensService } from '../core/app/lens_service.js';
import { packageRoot } from '../core/jobs/worker_path.js';
import { createDispatch } from '../rpc/dispatch.js';
import { DATASET_FILE_HEADERS, errnoToServeError, FileServeError, openInside } from '../core/io/image_file.js';
import { ImageConverter, parseThumbSize } from '../core/io/thumbnail.js';
import { thumbnailCacheBytes } from '../core/io/thumbnail_cache.js';
import { allowedHosts, checkHostAndOrigin, decodeRequestPath, RequestRefused } from './request_guard.js';
import { sendError, sendImageAnswer, sendOpenFile } from './file_response.js';
import { serveConnection, WS_LIMITS } from './ws_connection.js';

// The app's own files: what the renderer build contains. Dataset files are served as images only.
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
  '.woff2': 'font/woff2',
};

/** Content types of label exports by extension (SQLite when none matches). */
const EXPORT_TYPES: Record<string, string> = { '.parquet': 'application/vnd.apache.parquet', '.csv': 'text/csv', '.jsonl': 'application/jsonl', '.json': 'application/json' };

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export interface BrowserServerOptions {
  dataDir: string;
  host?: string;
  port?: number;
  token?: string;
  /** Open this dataset at start instead of the last one (or the sample). */
  dataset?: string;
  /** Folders the browser's folder picker may list (default: the home folder). */
  allow?: string[];
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
    allowedRoots: opts.allow && opts.allow.length ? opts.allow : undefined,
    downloadUrl: (file) => {
      const id = randomBytes(9).toString('base64url');
      downloads.set(id, file);
      return `/download/${id}/${encodeURIComponent(basename(file))}?token=${token}`;
    },
  });
  const dispatch = createDispatch(service.api);
  const images = new ImageConverter(join(opts.dataDir, 'thumbnails'), { maxBytes: thumbnailCacheBytes(opts.dataDir) });
  const tokenOk = (t: string | null) => {
    if (!t) return false;
    const a = Buffer.from(t);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const realStatic = realpathSync.native(staticRoot);
  let hosts = new Set<string>();
  const log = (line: string) => opts.log?.(line);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    checkHostAndOrigin(req.headers, hosts);
    const { path, query } = decodeRequestPath(req.url);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new RequestRefused(405, `${req.method} is not allowed; only GET and HEAD`);
    const head = req.method === 'HEAD';
    if (path.startsWith('/lens/')) {
      if (!tokenOk(query.get('token'))) throw new RequestRefused(403, 'bad or missing token');
      const ds = service.current();
      if (!ds) throw new RequestRefused(404, 'no dataset is open');
      const w = parseThumbSize(query.get('w'));
      images.answer(ds.root, path.slice('/lens/'.length), w, () => res.destroyed).then(
        (a) => sendImageAnswer(res, a, { ...DATASET_FILE_HEADERS, 'cache-control': 'private, max-age=3600' }, head),
        (e) => refuse(req, res, e),
      );
      return;
    }
    if (path.startsWith('/download/')) {
      if (!tokenOk(query.get('token'))) throw new RequestRefused(403, 'bad or missing token');
      const file = downloads.get(path.split('/')[2] ?? '');
      if (!file) throw new RequestRefused(404, 'no such download');
      const shown = basename(file);
      let folder: string;
      try {
        folder = realpathSync.native(dirname(file));
      } catch (e) {
        throw errnoToServeError(e, shown);
      }
      const opened = openInside(folder, file, shown);
      const type = EXPORT_TYPES[extname(shown).toLowerCase()] ?? 'application/vnd.sqlite3';
      return sendOpenFile(res, { ...opened, type }, { ...DATASET_FILE_HEADERS, 'content-disposition': `attachment; filename="${shown.replace(/[^\w.-]/g, '_')}"` }, head);
    }
    const rel = normalize(path === '/' ? 'index.html' : path.slice(1));
    if (rel.startsWith('..')) throw new RequestRefused(403, 'outside the app');
    const type = MIME[extname(rel).toLowerCase()];
    if (!type) throw new RequestRefused(404, 'not found');
    const opened = openInside(realStatic, join(realStatic, rel), JSON.stringify(rel));
    sendOpenFile(res, { ...opened, type }, { 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' }, head);
  };

  const refuse = (req: IncomingMessage, res: ServerResponse, e: unknown): void => {
    if (e instanceof RequestRefused || e instanceof FileServeError) {
      sendError(res, e.status, e.message, e.status === 503 ? { 'retry-after': '1' } : {});
    } else {
      log(`request ${req.method} failed: ${(e as Error)?.stack ?? String(e)}`);
      sendError(res, 500, 'the server could not answer this request');
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    try {
      handle(req, res);
    } catch (e) {
      refuse(req, res, e);
    }
  });
  // Malformed HTTP (bad request lines, oversized headers) is answered and closed, never thrown.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_LIMITS.hardMaxPayload });
  wss.on('error', (e) => log(`websocket server: ${e.message}`));
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      checkHostAndOrigin(req.headers, hosts);
      const { path, query } = decodeRequestPath(req.url);
      if (path !== '/ws') throw new RequestRefused(404, 'not found');
      if (!tokenOk(query.get('token'))) throw new RequestRefused(403, 'bad or missing token');
    } catch (e) {
      const status = e instanceof RequestRefused ? e.status : 400;
      const body = e instanceof RequestRefused ? e.message : 'bad upgrade request';
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request'}\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const clients = new Set<WebSocket>();
  service.onEvent((e: LensEvent) => {
    let text: string;
    try {
      text = JSON.stringify({ event: encodeWire(e) });
    } catch (err) {
      return log(`event ${e.type} could not be encoded: ${(err as Error).message}`);
    }
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text, () => undefined);
  });
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    serveConnection(ws, dispatch, WS_LIMITS, log);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, port);
  const url = `http://${host}:${port}/?token=${token}`;

  // Open a dataset in the background so the page can load at once and show progress.
  const startup = opts.dataset ? service.api.datasets.open({ path: opts.dataset }) : service.restore();
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
