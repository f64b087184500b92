// Browser-mode transport: JSON messages over one WebSocket. Every call asks for binary frames
// (`bin: true`), so typed arrays in results (the map's coordinates) arrive as raw ArrayBuffers after
// their JSON header (shared/wire.ts); events still carry theirs as base64.
import type { LensEvent, LensMethod } from '../../../shared/api';
import { decodeWire, decodeWireBinary } from '../../../shared/wire';
import { apiProxy, LensCallError, type Transport } from './transport';

export function tokenFromLocation(): string {
  const t = new URLSearchParams(location.search).get('token');
  if (t) {
    sessionStorage.setItem('mlens-token', t);
    return t;
  }
  return sessionStorage.getItem('mlens-token') ?? '';
}

export function createWsTransport(): Transport {
  const token = tokenFromLocation();
  const listeners = new Set<(e: LensEvent) => void>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string; arg: unknown }>();
  let nextId = 1;
  let ws: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;

  const connect = (): Promise<WebSocket> => {
    if (ready) return ready;
    ready = new Promise((resolve, reject) => {
      const sock = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`);
      sock.binaryType = 'arraybuffer';
      // A result header waiting for its binary frames, which follow it in order.
      let awaiting: { msg: { id?: number; result?: unknown }; need: number; frames: ArrayBuffer[] } | null = null;
      const settle = (msg: { id?: number; result?: unknown; error?: { name: string; message: string; detail?: unknown } }, frames: ArrayBuffer[] | null): void => {
        const p = msg.id != null ? pending.get(msg.id) : undefined;
        if (!p) return;
        pending.delete(msg.id!);
        if (msg.error) p.reject(new LensCallError(msg.error.name, msg.error.message, msg.error.detail));
        else {
          try {
            p.resolve(frames ? decodeWireBinary(msg.result, frames) : decodeWire(msg.result));
          } catch (e) {
            p.reject(e instanceof Error ? e : new Error(String(e)));
          }
        }
      };
      sock.onopen = () => {
        ws = sock;
        resolve(sock);
      };
      sock.onerror = () => reject(new Error('cannot reach the Multiplicity Lens server (is `npm run serve` running, and is the token in the URL right?)'));
      sock.onclose = () => {
        ws = null;
        ready = null;
        for (const [id, p] of pending) {
          pending.delete(id);
          p.reject(new Error('connection to the server was lost'));
        }
        // Reconnect, so a restarted server is picked up without a reload.
        setTimeout(() => void connect().then(() => listeners.forEach((fn) => fn({ type: 'session', session: { dataset: null, storePath: null, canUndo: false, canRedo: false, spaceId: null, spaces: [], lastMining: null } }))).catch(() => undefined), 1000);
      };
      sock.onmessage = (ev) => {
        if (ev.data instanceof ArrayBuffer) {
          if (!awaiting) return;
          awaiting.frames.push(ev.data);
          if (awaiting.frames.length === awaiting.need) {
            const a = awaiting;
            awaiting = null;
            settle(a.msg, a.frames);
          }
          return;
        }
        const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; bins?: number; error?: { name: string; message: string; detail?: unknown }; event?: unknown };
        if (msg.event) {
          const e = decodeWire(msg.event) as LensEvent;
          listeners.forEach((fn) => fn(e));
          return;
        }
        if (typeof msg.bins === 'number' && msg.bins > 0) {
          awaiting = { msg, need: msg.bins, frames: [] };
          return;
        }
        settle(msg, typeof msg.bins === 'number' ? [] : null);
      };
    });
    return ready;
  };

  const call = async (method: LensMethod, arg: unknown) => {
    const sock = ws ?? (await connect());
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, method, arg });
      sock.send(JSON.stringify({ id, method, arg: arg ?? null, bin: true }));
    });
  };

  return {
    api: apiProxy(call),
    onEvent(fn) {
      listeners.add(fn);
      void connect().catch(() => undefined);
      return () => listeners.delete(fn);
    },
    imageUrl: (path, size) => `/lens/${path.split('/').map(encodeURIComponent).join('/')}?token=${encodeURIComponent(token)}${size ? `&w=${size}` : ''}`,
    mode: 'browser',
  };
}
