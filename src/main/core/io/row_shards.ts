// Row ranges of float matrices kept on disk: one or more shards (.npy files, or a tensor inside a
// .safetensors file) that together hold the rows in order. Node has no mmap, so a range is read
// with positioned reads (fs.readSync at a byte offset) into a fresh Float32Array; nothing else of
// the file is held. float16 and bfloat16 are widened to float32 as the whole-file readers do.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_NPY_HEADER, NpyError, parseNpyHeader } from './npy.js';

export type RowDtype = 'F32' | 'F16' | 'BF16';

/** One file's share of the rows. */
export interface RowShard {
  /** Absolute path. */
  file: string;
  /** Shown in messages (dataset-relative). */
  name: string;
  /** Byte offset of row 0. */
  begin: number;
  rows: number;
  dims: number;
  dtype: RowDtype;
}

/** What the streamed operations read: rows [start, start + count) as row-major float32. */
export interface RowBlocks {
  readonly rows: number;
  readonly dims: number;
  read(start: number, count: number): Float32Array;
  /**
   * Optional: rows `sorted` (ascending) in that order, reading nearby rows together but converting
   * only the ones asked for (a sample of a big matrix).
   */
  gather?(sorted: ArrayLike<number>): Float32Array;
}

/** Rows skipped over inside one read rather than starting another. */
export const GATHER_GAP = 64;
/** Rows per read at most when gathering. */
export const GATHER_RUN = 4096;

const BYTES: Record<RowDtype, number> = { F32: 4, F16: 2, BF16: 2 };

let halfTable: Float32Array | null = null;

/** float16 → float32 for all 65,536 bit patterns, built once (a lookup instead of arithmetic per value). */
function halves(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = half(h);
  }
  return halfTable;
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** The header of a .npy shard, read from its first bytes only; Fortran order cannot be read by row. */
export function npyShard(file: string, name = file): RowShard {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, MAX_NPY_HEADER + 12));
    readSync(fd, head, 0, head.length, 0);
    const h = parseNpyHeader(head, name, size);
    if (h.shape.length !== 2) throw new NpyError(name, `must be 2-D (rows × dims), has shape (${h.shape.join(', ')})`);
    if (h.fortran) throw new NpyError(name, 'is in Fortran order, which cannot be read by row range; save it in C order (numpy.ascontiguousarray)');
    return { file, name, begin: h.start, rows: h.shape[0], dims: h.shape[1], dtype: h.dtype === 'float32' ? 'F32' : 'F16' };
  } finally {
    closeSync(fd);
  }
}

/**
 * Shards read as one matrix. `rowMap` (optional) lists, per logical row, its physical row across the
 * shards (a dataset that skipped or merged records); runs of consecutive rows are read together.
 */
export class ShardedRows implements RowBlocks {
  readonly rows: number;
  readonly dims: number;
  readonly physicalRows: number;
  /** The largest number of rows one read returned (what a test asserts the memory bound on). */
  maxRowsRead = 0;
  /** Rows read in all (a pass over the matrix reads `rows`). */
  rowsRead = 0;
  /** Rows read that held NaN or Inf (returned as zeros). */
  nonFiniteRows = 0;
  /** Rows one gathering read spans at most (set from the memory budget by the dataset reader). */
  gatherRun = GATHER_RUN;
  private readonly starts: number[] = [];
  private readonly fds = new Map<string, number>();

  constructor(
    readonly shards: RowShard[],
    private readonly rowMap: Int32Array | null = null,
  ) {
    if (!shards.length) throw new RangeError('no shards');
    this.dims = shards[0].dims;
    let n = 0;
    for (const s of shards) {
      if (s.dims !== this.dims) throw new RangeError(`${s.name} has ${s.dims} dims but ${shards[0].name} has ${this.dims}`);
      this.starts.push(n);
      n += s.rows;
    }
    this.physicalRows = n;
    this.rows = rowMap ? rowMap.length : n;
  }

  get bytes(): number {
    return this.rows * this.dims * 4;
  }

  read(start: number, count: number): Float32Array {
    if (start < 0 || count < 0 || start + count > this.rows) throw new RangeError(`rows ${start}..${start + count} outside 0..${this.rows}`);
    const out = new Float32Array(count * this.dims);
    if (!this.rowMap) this.readPhysical(start, count, out, 0);
    else {
      let k = 0;
      while (k < count) {
        const p = this.rowMap[start + k];
        let run = 1;
        while (k + run < count && this.rowMap[start + k + run] === p + run) run++;
        this.readPhysical(p, run, out, k * this.dims);
        k += run;
      }
    }
    this.zeroNonFinite(out, count);
    this.maxRowsRead = Math.max(this.maxRowsRead, count);
    this.rowsRead += count;
    return out;
  }

  /** NaN/Inf rows become 0, as the in-memory readers make them (they report the rows at open). */
  private zeroNonFinite(out: Float32Array, count: number): void {
    const d = this.dims;
    for (let r = 0; r < count; r++) {
      for (let k = r * d; k < (r + 1) * d; k++) {
        if (!Number.isFinite(out[k])) {
          out.fill(0, r * d, (r + 1) * d);
          this.nonFiniteRows++;
          break;
        }
      }
    }
  }

  gather(sorted: ArrayLike<number>): Float32Array {
    const d = this.dims;
    const out = new Float32Array(sorted.length * d);
    let k = 0;
    while (k < sorted.length) {
      const first = this.rowMap ? this.rowMap[sorted[k]] : sorted[k];
      const s = this.shardOf(first);
      const sh = this.shards[s];
      const shardEnd = this.starts[s] + sh.rows;
      // Physical rows near each other in the same shard share one raw read.
      let j = k + 1;
      let last = first;
      while (j < sorted.length) {
        const p = this.rowMap ? this.rowMap[sorted[j]] : sorted[j];
        if (p < last || p - last > GATHER_GAP || p - first >= this.gatherRun || p >= shardEnd) break;
        last = p;
        j++;
      }
      const width = BYTES[sh.dtype];
      const rowBytes = sh.dims * width;
      const raw = Buffer.alloc((last - first + 1) * rowBytes);
      this.maxRowsRead = Math.max(this.maxRowsRead, last - first + 1);
      const fd = this.fd(sh);
      const got = readSync(fd, raw, 0, raw.length, sh.begin + (first - this.starts[s]) * rowBytes);
      if (got !== raw.length) throw new NpyError(sh.name, `rows ${first}..${last + 1} run past the end of the file (truncated after it was opened?)`);
      for (let t = k; t < j; t++) {
        const p = this.rowMap ? this.rowMap[sorted[t]] : sorted[t];
        this.convert(sh, raw.subarray((p - first) * rowBytes, (p - first + 1) * rowBytes), out, t * d);
      }
      k = j;
    }
    this.zeroNonFinite(out, sorted.length);
    this.rowsRead += sorted.length;
    return out;
  }

  /** Physical rows [p, p + count) into out at `at` (floats). */
  private readPhysical(p: number, count: number, out: Float32Array, at: number): void {
    let s = this.shardOf(p);
    while (count > 0) {
      const sh = this.shards[s];
      const local = p - this.starts[s];
      const take = Math.min(count, sh.rows - local);
      this.readShard(sh, local, take, out, at);
      p += take;
      count -= take;
      at += take * this.dims;
      s++;
    }
  }

  private shardOf(p: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= p) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private fd(sh: RowShard): number {
    let fd = this.fds.get(sh.file);
    if (fd == null) {
      fd = openSync(sh.file, 'r');
      this.fds.set(sh.file, fd);
    }
    return fd;
  }

  private readShard(sh: RowShard, row: number, count: number, out: Float32Array, at: number): void {
    const width = BYTES[sh.dtype];
    const buf = Buffer.alloc(count * sh.dims * width);
    const got = readSync(this.fd(sh), buf, 0, buf.length, sh.begin + row * sh.dims * width);
    if (got !== buf.length) throw new NpyError(sh.name, `rows ${row}..${row + count} run past the end of the file (truncated after it was opened?)`);
    this.convert(sh, buf, out, at);
  }

  /** Raw little-endian values of `sh`'s dtype → float32 at out[at…]. */
  private convert(sh: RowShard, buf: Buffer, out: Float32Array, at: number): void {
    const n = buf.length / BYTES[sh.dtype];
    if (sh.dtype === 'F32') {
      if (buf.byteOffset % 4 === 0) out.set(new Float32Array(buf.buffer, buf.byteOffset, n), at);
      else for (let i = 0; i < n; i++) out[at + i] = buf.readFloatLE(4 * i);
    } else if (sh.dtype === 'F16') {
      const table = halves();
      for (let i = 0; i < n; i++) out[at + i] = table[buf[2 * i] | (buf[2 * i + 1] << 8)];
    } else {
      const u = new Uint32Array(1);
      const f = new Float32Array(u.buffer);
      for (let i = 0; i < n; i++) {
        u[0] = buf.readUInt16LE(2 * i) << 16;
        out[at + i] = f[0];
      }
    }
  }

  /** Closes the open files (reads reopen them). */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/** A matrix already in memory as RowBlocks (the in-memory path through the same streamed code). */
export class MemoryRows implements RowBlocks {
  readonly rows: number;
  maxRowsRead = 0;
  constructor(
    readonly data: Float32Array,
    readonly dims: number,
  ) {
    this.rows = data.length / dims;
  }
  read(start: number, count: number): Float32Array {
    this.maxRowsRead = Math.max(this.maxRowsRead, count);
    return this.data.slice(start * this.dims, (start + count) * this.dims);
  }
}
