// One browser-mode WebSocket connection. Nothing a client sends may end the process: frames the
// protocol layer rejects (bad UTF-8, unmasked, bad opcode, RSV bits, oversized control frames,
// payloads over the hard cap) close this connection through ws's own 'error' event; everything
// else gets exactly one answer, an error one when the message is too big, too frequent,
// malformed, or fails in the service.
import type { WebSocket, RawData } from 'ws';
import { encodeWire, encodeWireBinary } from '../../shared/wire.js';
import type { Dispatch } from '../rpc/dispatch.js';
import { errorPayload } from '../rpc/dispatch.js';

export interface WsLimits {
  /** Messages longer than this are answered with an error (the connection stays open). */
  maxMessageBytes: number;
  /** Frames longer than this are a protocol error: the connection is closed with 1009 (ws maxPayload). */
  hardMaxPayload: number;
  /** Token bucket per connection: sustained messages per second and burst size. */
  ratePerSecond: number;
  burst: number;
  /** Calls of one connection running at once. */
  maxInFlight: number;
}

export const WS_LIMITS: WsLimits = {
  maxMessageBytes: 1024 * 1024,
  hardMaxPayload: 8 * 1024 * 1024,
  ratePerSecond: 200,
  burst: 400,
  maxInFlight: 64,
};

type Id = number | string | null;

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((s, b) => s + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function asText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

export function serveConnection(ws: WebSocket, dispatch: Dispatch, limits: WsLimits = WS_LIMITS, log?: (line: string) => void): void {
  let tokens = limits.burst;
  let last = Date.now();
  let inFlight = 0;

  const send = (payload: unknown): void => {
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(payload);
    } catch (e) {
      const id = (payload as { id?: Id }).id ?? null;
      text = JSON.stringify({ id, error: { name: 'ResponseError', message: `the answer could not be encoded: ${(e as Error).message}` } });
    }
    try {
      ws.send(text, (err) => {
        if (err) log?.(`websocket send failed: ${err.message}`);
      });
    } catch {
      // the socket closed between the check and the send
    }
  };
  const fail = (id: Id, name: string, message: string, detail?: unknown): void => send({ id, error: { name, message: message.slice(0, 2000), ...(detail !== undefined ? { detail } : {}) } });

  ws.on('error', (e) => {
    // ws has already begun closing this connection with the right close code; the process goes on.
    log?.(`websocket closed after a protocol error: ${e.message}`);
  });

  ws.on('message', (data: RawData, isBinary: boolean) => {
    const now = Date.now();
    tokens = Math.min(limits.burst, tokens + ((now - last) / 1000) * limits.ratePerSecond);
    last = now;
    const size = byteLength(data);
    if (size > limits.maxMessageBytes) return fail(null, 'RequestError', `message too large: ${size} bytes; the limit is ${MiB(limits.maxMessageBytes)}`);
    if (isBinary) return fail(null, 'RequestError', 'binary messages are not accepted; send JSON text');
    let msg: unknown;
    try {
      msg = JSON.parse(asText(data));
    } catch {
      return fail(null, 'RequestError', 'malformed message: not JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return fail(null, 'RequestError', 'malformed message: expected an object {id, method, arg}');
    const m = msg as Record<string, unknown>;
    const rawId = m.id;
    const id: Id = (typeof rawId === 'number' && Number.isFinite(rawId)) || (typeof rawId === 'string' && rawId.length <= 64) ? (rawId as number | string) : null;
    if (rawId !== undefined && rawId !== null && id === null) return fail(null, 'RequestError', 'malformed message: id must be a number or a string of at most 64 characters');
    if (typeof m.method !== 'string' || m.method.length === 0 || m.method.length > 64) return fail(id, 'RequestError', 'malformed message: method must be a method name, service.method (e.g. "labels.addFlag")');
    if (tokens < 1) return fail(id, 'RateLimited', `too many messages: at most ${limits.ratePerSecond} per second on one connection; try again shortly`);
    tokens -= 1;
    if (inFlight >= limits.maxInFlight) return fail(id, 'RateLimited', `too many calls in flight on one connection (limit ${limits.maxInFlight}); wait for answers first`);
    inFlight++;
    const method = m.method;
    void (async () => {
      try {
        const result = await dispatch(method, m.arg);
        if (m.bin === true) {
          // Typed arrays (map coordinates) as raw binary frames after the header: see shared/wire.ts.
          const { value, buffers } = encodeWireBinary(result ?? null);
          send({ id, result: value, bins: buffers.length });
          for (const b of buffers) {
            if (ws.readyState !== ws.OPEN) break;
            try {
              ws.send(b, { binary: true });
            } catch {
              break; // closed between frames; the client drops the half answer
            }
          }
        } else send({ id, result: encodeWire(result ?? null) });
      } catch (e) {
        const p = errorPayload(e);
        fail(id, p.name, p.message, p.detail);
      } finally {
        inFlight--;
      }
    })().catch((e) => log?.(`websocket call ${method} failed outside its handler: ${(e as Error).message}`));
  });
}
