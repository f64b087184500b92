// Plain HTTP requests with headers fetch() will not send (Host), and downloads cut off by the
// client after the first bytes.
import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends a GET over a fresh socket and destroys the socket as soon as the first bytes of the answer arrive. */
export function abortAfterFirstBytes(port: number, path: string): Promise<'aborted' | 'closed early'> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => resolve('closed early'));
    s.once('connect', () => s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    s.once('data', () => {
      s.destroy();
      resolve('aborted');
    });
    s.once('close', () => resolve('closed early'));
  });
}

/** Opens a GET and never reads the body, so the server's side stays blocked on a full socket. */
export function stall(port: number, path: string): Promise<{ status: number; close: () => void }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let head = '';
    // -2: no answer within 30 s (left in the listen backlog).
    const timer = setTimeout(() => done(-2), 30_000);
    const done = (status: number) => {
      clearTimeout(timer);
      resolve({ status, close: () => s.destroy() });
    };
    s.on('error', () => done(-1));
    s.once('connect', () => s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    s.on('data', (d) => {
      if (head.includes('\r\n')) return;
      head += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d+)/.exec(head);
      if (m) {
        s.pause();
        done(Number(m[1]));
      }
    });
    s.once('close', () => done(head ? Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? -1) : -1));
  });
}
