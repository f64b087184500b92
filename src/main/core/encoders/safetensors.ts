// A .safetensors reader: 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}, then the
// tensor bytes (offsets relative to the end of the header). Floating types become Float32Array.
// Every error names the file and, where there is one, the tensor.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64';

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** The values converted to float32, row-major. */
  data: Float32Array;
}

export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string> | null;
  /** First byte of the data section. */
  dataStart: number;
}

export class SafetensorsError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly tensor?: string,
  ) {
    super(`${file}: ${tensor !== undefined ? `tensor ${JSON.stringify(tensor)}: ` : ''}${message}`);
    this.name = 'SafetensorsError';
  }
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
/** Known but not convertible to float32 here. */
const KNOWN = new Set(['BOOL', 'U8', 'I8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);
/** Headers above this are refused (the format caps them at 100 MB). */
const MAX_HEADER = 100_000_000;

function isSupported(d: string): d is SafetensorsDtype {
  return Object.hasOwn(BYTES, d);
}

/** Parses and checks the header given its bytes and the file size. */
export function parseSafetensorsHeader(file: string, headerBytes: Uint8Array, fileSize: number): SafetensorsHeader {
  const dataStart = 8 + headerBytes.length;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (e) {
    throw new SafetensorsError(file, `header is not valid JSON: ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new SafetensorsError(file, 'header is not a JSON object');
  const dataLen = fileSize - dataStart;
  const entries: SafetensorsEntry[] = [];
  let metadata: Record<string, string> | null = null;
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string')) {
        throw new SafetensorsError(file, '"__metadata__" must map strings to strings');
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SafetensorsError(file, 'entry is not an object', name);
    const { dtype, shape, data_offsets: offs } = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string') throw new SafetensorsError(file, 'has no "dtype"', name);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw new SafetensorsError(file, '"shape" must be a list of non-negative integers', name);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      throw new SafetensorsError(file, '"data_offsets" must be [begin, end] in bytes', name);
    }
    const [b, e] = offs as [number, number];
    if (e < b) throw new SafetensorsError(file, `data_offsets [${b}, ${e}] end before they begin`, name);
    if (e > dataLen) {
      throw new SafetensorsError(file, `data_offsets [${b}, ${e}] run past the end of the data (${dataLen} bytes; the file is truncated)`, name);
    }
    if (isSupported(dtype)) {
      const count = (shape as number[]).reduce((a, d) => a * d, 1);
      if ((e - b) !== count * BYTES[dtype]) {
        throw new SafetensorsError(file, `holds ${e - b} bytes but ${dtype} [${shape.join(', ')}] needs ${count * BYTES[dtype]}`, name);
      }
    }
    entries.push({ name, dtype, shape: shape as number[], begin: dataStart + b, end: dataStart + e });
  }
  // Tensors may not overlap.
  const sorted = [...entries].sort((x, y) => x.begin - y.begin || x.end - y.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.begin < prev.end && cur.end > cur.begin) {
      throw new SafetensorsError(file, `overlaps tensor ${JSON.stringify(prev.name)} in the data section`, cur.name);
    }
  }
  return { entries, metadata, dataStart };
}

function headerLength(file: string, lenBytes: Uint8Array, got: number, fileSize: number): number {
  if (got < 8 || fileSize < 8) throw new SafetensorsError(file, `file is ${fileSize} bytes, too short for a safetensors header`);
  const n = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true);
  if (n === 0n) throw new SafetensorsError(file, 'header length is 0');
  if (n > BigInt(MAX_HEADER)) throw new SafetensorsError(file, `header length ${n} is not plausible (over ${MAX_HEADER} bytes); not a safetensors file?`);
  if (n > BigInt(fileSize - 8)) throw new SafetensorsError(file, `header length ${n} is larger than the rest of the file (${fileSize - 8} bytes)`);
  return Number(n);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

let halfTable: Float32Array | null = null;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Converts little-endian raw bytes of `dtype` to float32. */
export function toFloat32(bytes: Uint8Array, dtype: SafetensorsDtype): Float32Array {
  const n = bytes.length / BYTES[dtype];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  switch (dtype) {
    case 'F32':
      if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset, n));
      else for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
      break;
    case 'F16': {
      if (!halfTable) {
        halfTable = new Float32Array(65536);
        for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
      }
      for (let i = 0; i < n; i++) out[i] = halfTable[dv.getUint16(i * 2, true)]!;
      break;
    }
    case 'BF16': {
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u[i] = dv.getUint16(i * 2, true) << 16;
      break;
    }
  }
  return out;
}

function checkDtype(file: string, e: SafetensorsEntry): SafetensorsDtype {
  if (isSupported(e.dtype)) return e.dtype;
  throw new SafetensorsError(
    file,
    `dtype ${e.dtype} is ${KNOWN.has(e.dtype) ? 'not supported here' : 'unknown'}; supported: ${Object.keys(BYTES).join(', ')}`,
    e.name,
  );
}

export interface ReadSafetensorsOptions {
  /** Only these tensors (each must exist); default all. */
  names?: string[];
}

function pick(file: string, h: SafetensorsHeader, names: string[] | undefined): SafetensorsEntry[] {
  if (!names) return h.entries;
  const by = new Map(h.entries.map((e) => [e.name, e]));
  return names.map((n) => {
    const e = by.get(n);
    if (!e) throw new SafetensorsError(file, `not in the file (it has ${h.entries.map((x) => JSON.stringify(x.name)).join(', ') || 'no tensors'})`, n);
    return e;
  });
}

/** Reads the header only (names, dtypes, shapes, metadata). */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const fh = await open(file, 'r').catch((e: Error) => {
    throw new SafetensorsError(file, `cannot open: ${e.message}`);
  });
  try {
    const size = (await fh.stat()).size;
    const lenBytes = new Uint8Array(8);
    const { bytesRead } = await fh.read(lenBytes, 0, 8, 0);
    const n = headerLength(file, lenBytes, bytesRead, size);
    const hb = new Uint8Array(n);
    await fh.read(hb, 0, n, 8);
    return parseSafetensorsHeader(file, hb, size);
  } finally {
    await fh.close();
  }
}

/**
 * Reads a .safetensors file: every tensor (or `names`) as float32, in header order. F32, F16, BF16
 * and F64 are converted; any other dtype among the tensors read is an error naming the tensor.
 */
export async function readSafetensors(file: string, opts: ReadSafetensorsOptions = {}): Promise<Map<string, SafetensorsTensor>> {
  const h = await readSafetensorsHeader(file);
  const want = pick(file, h, opts.names);
  for (const e of want) checkDtype(file, e);
  const out = new Map<string, SafetensorsTensor>();
  const fh = await open(file, 'r');
  try {
    for (const e of want) {
      const buf = new Uint8Array(e.end - e.begin);
      const { bytesRead } = await fh.read(buf, 0, buf.length, e.begin);
      if (bytesRead !== buf.length) throw new SafetensorsError(file, 'data is truncated', e.name);
      out.set(e.name, { dtype: e.dtype as SafetensorsDtype, shape: e.shape, data: toFloat32(buf, e.dtype as SafetensorsDtype) });
    }
  } finally {
    await fh.close();
  }
  return out;
}

/** Synchronous readSafetensors (for worker threads that prefer it). */
export function readSafetensorsSync(file: string, opts: ReadSafetensorsOptions = {}): Map<string, SafetensorsTensor> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new SafetensorsError(file, `cannot open: ${(e as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const lenBytes = new Uint8Array(8);
    const got = readSync(fd, lenBytes, 0, 8, 0);
    const n = headerLength(file, lenBytes, got, size);
    const hb = new Uint8Array(n);
    readSync(fd, hb, 0, n, 8);
    const h = parseSafetensorsHeader(file, hb, size);
    const want = pick(file, h, opts.names);
    for (const e of want) checkDtype(file, e);
    const out = new Map<string, SafetensorsTensor>();
    for (const e of want) {
      const buf = new Uint8Array(e.end - e.begin);
      if (readSync(fd, buf, 0, buf.length, e.begin) !== buf.length) throw new SafetensorsError(file, 'data is truncated', e.name);
      out.set(e.name, { dtype: e.dtype as SafetensorsDtype, shape: e.shape, data: toFloat32(buf, e.dtype as SafetensorsDtype) });
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
