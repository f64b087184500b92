// Encoding of values for text transports (WebSocket): typed arrays travel as base64, not as
// JSON number lists (a 50k-point projection is 400 KB of float32, not megabytes of digits).
// Electron IPC uses structured clone and needs none of this.

type Tagged = { $typed: 'f32' | 'i32' | 'u8'; b64: string };

function toB64(bytes: Uint8Array): string {
  let s = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(s);
}

function fromB64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function encodeWire(value: unknown): unknown {
  if (value instanceof Float32Array || value instanceof Int32Array || value instanceof Uint8Array) {
    const tag = value instanceof Float32Array ? 'f32' : value instanceof Int32Array ? 'i32' : 'u8';
    return { $typed: tag, b64: toB64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) } satisfies Tagged;
  }
  if (Array.isArray(value)) return value.map(encodeWire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeWire(v);
    return out;
  }
  return value;
}

export function decodeWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeWire);
  if (value && typeof value === 'object') {
    const t = value as Partial<Tagged>;
    if (typeof t.$typed === 'string' && typeof t.b64 === 'string') {
      const bytes = fromB64(t.b64);
      const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      return t.$typed === 'f32' ? new Float32Array(buf) : t.$typed === 'i32' ? new Int32Array(buf) : new Uint8Array(buf);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeWire(v);
    return out;
  }
  return value;
}
