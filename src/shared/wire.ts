// Encoding of values for text transports (WebSocket): typed arrays travel as base64, not as
// JSON number lists (a 50k-point projection is 400 KB of float32, not megabytes of digits).
// Electron IPC uses structured clone and needs none of this.

type Tagged = { $typed: 'f32' | 'i32' | 'u8'; b64: string };

// Node (the browser-mode server, which sends events as text) has a native encoder: a flag table of
// 363,170 flags is 11 MB of columns, 1.3 s through the loop below.
const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, off: number, len: number): { toString(enc: 'base64'): string } } }).Buffer;

function toB64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
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

// Binary frames (WebSocket): a request sent with `bin: true` is answered by one JSON text frame
// whose typed arrays are replaced by `{ $typed, bin: k }`, followed by one binary frame per array
// in order k = 0, 1, … (`bins` in the header says how many). Coordinates then travel as raw bytes:
// no base64, no copy into a string.

type BinTagged = { $typed: 'f32' | 'i32' | 'u8'; bin: number };

/** Splits typed arrays out of `value` into `buffers` (views on the original memory, not copies). */
export function encodeWireBinary(value: unknown, buffers: Uint8Array[] = []): { value: unknown; buffers: Uint8Array[] } {
  const walk = (v: unknown): unknown => {
    if (v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array) {
      const tag = v instanceof Float32Array ? 'f32' : v instanceof Int32Array ? 'i32' : 'u8';
      buffers.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      return { $typed: tag, bin: buffers.length - 1 } satisfies BinTagged;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return { value: walk(value), buffers };
}

/** Puts the binary frames back in place of their tags (base64 tags are decoded too). */
export function decodeWireBinary(value: unknown, buffers: readonly ArrayBuffer[]): unknown {
  if (Array.isArray(value)) return value.map((v) => decodeWireBinary(v, buffers));
  if (value && typeof value === 'object') {
    const t = value as Partial<BinTagged>;
    if (typeof t.$typed === 'string' && typeof t.bin === 'number') {
      const buf = buffers[t.bin];
      if (!buf) throw new Error(`binary frame ${t.bin} is missing`);
      return t.$typed === 'f32' ? new Float32Array(buf) : t.$typed === 'i32' ? new Int32Array(buf) : new Uint8Array(buf);
    }
    if (typeof t.$typed === 'string') return decodeWire(value);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeWireBinary(v, buffers);
    return out;
  }
  return value;
}
