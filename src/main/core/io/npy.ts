// NumPy .npy reader and writer for float32/float16 arrays (little-endian). Fortran-order files
// (numpy.asfortranarray, many MATLAB/Julia exports) are read and transposed to row-major.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

export interface NpyArray {
  dtype: 'float32' | 'float16';
  shape: number[];
  /** Always float32 (float16 input is widened). */
  data: Float32Array;
}

export class NpyError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly row?: number,
  ) {
    super(row != null ? `${file}: row ${row}: ${message}` : `${file}: ${message}`);
    this.name = 'NpyError';
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** numpy itself writes headers of a few hundred bytes; anything this long is not a real header. */
export const MAX_NPY_HEADER = 1 << 20;

const DESCR: Record<string, 'float32' | 'float16'> = { '<f4': 'float32', '=f4': 'float32', '|f4': 'float32', '<f2': 'float16', '=f2': 'float16', '|f2': 'float16' };

/**
 * Checks every header field before any array is made: magic, version, header length (within the
 * file and under MAX_NPY_HEADER), descr, fortran_order, shape (non-negative integers), and that the
 * shape's byte count is exactly what follows the header. A bad field is an NpyError naming the file.
 */
export function parseNpyHeader(buf: Buffer, file = '<npy>', fileSize = buf.length): { dtype: 'float32' | 'float16'; shape: number[]; start: number; count: number; fortran: boolean } {
  // With `fileSize` given, `buf` may be only the file's first bytes (a shard read by row range).
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') {
    throw new NpyError(file, 'not a .npy file (bad magic)');
  }
  const major = buf[6];
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new NpyError(file, `truncated: ${buf.length} bytes, too short for a version ${major} header`);
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else throw new NpyError(file, `unsupported .npy version ${major}`);
  if (headerLen > MAX_NPY_HEADER) throw new NpyError(file, `header length ${headerLen} is not plausible (over ${MAX_NPY_HEADER} bytes)`);
  if (offset + headerLen > buf.length) throw new NpyError(file, `truncated: header length ${headerLen} runs past the end of the file (${buf.length} bytes)`);
  const header = buf.toString('latin1', offset, offset + headerLen);
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  const shown = header.trim().slice(0, 200);
  if (!descr) throw new NpyError(file, `header has no readable 'descr': ${shown}`);
  if (!fortran) throw new NpyError(file, `header has no readable 'fortran_order': ${shown}`);
  if (shapeText == null) throw new NpyError(file, `header has no readable 'shape': ${shown}`);
  const parts = shapeText.split(',').map((x) => x.trim());
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  const shape: number[] = [];
  for (const p of parts) {
    const n = /^\d+L?$/.test(p) ? Number(p.replace(/L$/, '')) : NaN;
    if (!Number.isSafeInteger(n)) throw new NpyError(file, `shape (${shapeText.trim()}) holds ${JSON.stringify(p)}, not a non-negative integer`);
    shape.push(n);
  }
  const dtype = DESCR[descr];
  if (!dtype) throw new NpyError(file, `dtype ${descr} is not supported (use float32 or float16, little-endian)`);
  const bytes = dtype === 'float32' ? 4 : 2;
  const count = shape.reduce((a, b) => a * b, 1);
  const start = offset + headerLen;
  const payload = fileSize - start;
  if (!Number.isSafeInteger(count * bytes)) throw new NpyError(file, `shape (${shape.join(', ')}) is too large`);
  if (payload < count * bytes) {
    throw new NpyError(file, `truncated: header says shape (${shape.join(', ')}) but the file holds ${Math.floor(payload / bytes)} values`);
  }
  if (payload > count * bytes) {
    throw new NpyError(file, `header says shape (${shape.join(', ')}) (${count * bytes} bytes of data) but ${payload} bytes follow the header`);
  }
  return { dtype, shape, start, count, fortran: fortran === 'True' };
}

/**
 * The row-major (C order) copy of values stored in Fortran order: the first index varies fastest
 * there, so element (i0, i1, …) sits at i0 + s0·(i1 + s1·(i2 + …)).
 */
export function fortranToRowMajor(src: Float32Array, shape: number[]): Float32Array {
  if (shape.length < 2) return src;
  const out = new Float32Array(src.length);
  if (shape.length === 2) {
    const [rows, cols] = shape;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = src[c * rows + r];
    return out;
  }
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let f = 0;
    for (let d = shape.length - 1; d >= 0; d--) f = f * shape[d] + idx[d];
    out[k] = src[f];
    for (let d = shape.length - 1; d >= 0 && ++idx[d] === shape[d]; d--) idx[d] = 0;
  }
  return out;
}

export function parseNpy(buf: Buffer, file = '<npy>'): NpyArray {
  const { dtype, shape, start, count, fortran } = parseNpyHeader(buf, file);
  const data = new Float32Array(count);
  if (dtype === 'float32') {
    if ((buf.byteOffset + start) % 4 === 0) data.set(new Float32Array(buf.buffer, buf.byteOffset + start, count));
    else for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(start + 4 * i);
  } else {
    for (let i = 0; i < count; i++) data[i] = halfToFloat(buf.readUInt16LE(start + 2 * i));
  }
  return { dtype, shape, data: fortran ? fortranToRowMajor(data, shape) : data };
}

export function readNpy(file: string): NpyArray {
  return parseNpy(readFileSync(file), file);
}

export function encodeNpy(data: Float32Array, shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head[0] = 0x93;
  head.write('NUMPY', 1, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** Writes atomically: a temporary name, then rename. */
export function writeNpy(file: string, data: Float32Array, shape: number[]): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeNpy(data, shape));
  renameSync(tmp, file);
}
