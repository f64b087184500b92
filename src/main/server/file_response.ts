// Sends an open file as an HTTP response. stream.pipeline owns both ends: whether the body is
// sent, the client goes away after the first bytes, or the read fails, the stream is destroyed
// and its descriptor closed, and no error escapes to the process.
import type { ServerResponse } from 'node:http';
import { closeSync } from 'node:fs';
import { pipeline } from 'node:stream';
import { streamOpenFile, type OpenFile } from '../core/io/image_file.js';
import type { ImageAnswer } from '../core/io/thumbnail.js';

export function sendOpenFile(res: ServerResponse, f: OpenFile, headers: Record<string, string>, head: boolean, onDone?: (err: Error | null) => void): void {
  res.writeHead(200, { ...headers, 'content-type': f.type, 'content-length': String(f.size) });
  if (head) {
    closeSync(f.fd);
    res.end();
    onDone?.(null);
    return;
  }
  pipeline(streamOpenFile(f), res, (err) => onDone?.(err ?? null));
}

/** A short plain-text refusal: what failed, never a stack or an internal message. */
export function sendError(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'content-length': String(Buffer.byteLength(body)), ...extra });
  res.end(body);
}

/** Sends a dataset image answer: the open file streamed, or converted bytes (a thumbnail, a TIFF as PNG). */
export function sendImageAnswer(res: ServerResponse, a: ImageAnswer, headers: Record<string, string>, head: boolean): void {
  if (a.kind === 'file') return sendOpenFile(res, a.file, headers, head);
  if (res.destroyed) return;
  res.writeHead(200, { ...headers, 'content-type': a.type, 'content-length': String(a.bytes.length) });
  res.end(head ? undefined : a.bytes);
}
