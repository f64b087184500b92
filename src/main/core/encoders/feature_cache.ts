// Per-item caches of an encoding job, under <projectDir>/cache/:
//   image_hashes.json       path → {size, mtimeMs, hash}: an image is re-read and re-hashed only
//                           when its size or modification time changed (as git's index does);
//   features/<ns>.bin       content hash → feature row, one file per feature extractor namespace
//                           (extractor name, version and parameters), so changing one image
//                           recomputes one row.
// Nothing is written until commit(), and commit writes each file under a temporary name and renames
// it, so a cancelled or crashed job leaves the previous cache as it was. Temporary names carry the
// job's tag so the job's owner can remove them after terminating a worker mid-write.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../datasets/dataset.js';
import { makeResolver } from '../datasets/paths.js';
import { imageRange } from '../datasets/tar_member.js';

/** Hex length of content keys (sha256, 128 bits). */
export const KEY_CHARS = 32;
const MAGIC = 'MLFCACHE';

export function cacheDir(projectDir: string): string {
  return join(projectDir, 'cache');
}

function tmpName(file: string, tag: string): string {
  return `${file}.tmp-${tag}`;
}

function writeAtomic(file: string, data: Uint8Array | string, tag: string): void {
  const tmp = tmpName(file, tag);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** sha256 of a file's bytes (first KEY_CHARS hex), streamed in 1 MiB reads; `range` limits it to a tar member's bytes. */
export function fileContentHash(abs: string, range?: { start: number; size: number }): string {
  const h = createHash('sha256');
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = range?.start ?? 0;
    let left = range?.size ?? Infinity;
    while (left > 0) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, left), pos);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
      pos += n;
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex').slice(0, KEY_CHARS);
}

interface StatEntry {
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface ImageHashes {
  /** Content hash per image (null: missing or unreadable). */
  hashes: (string | null)[];
  /** One hash over all images' content hashes, in item order. */
  combined: string;
  /** Images whose bytes were read and hashed this time (the others came from the stat cache). */
  rehashed: number;
}

/** Content hashes of the dataset's images, reusing the stat cache; write it with commit(). */
export class ImageHashIndex {
  private readonly file: string;
  private entries: Record<string, StatEntry> = {};
  private next: Record<string, StatEntry> | null = null;

  constructor(dir: string) {
    this.file = join(dir, 'image_hashes.json');
    try {
      const doc = JSON.parse(readFileSync(this.file, 'utf8')) as { version?: number; entries?: Record<string, StatEntry> };
      if (doc.version === 1 && doc.entries) this.entries = doc.entries;
    } catch {
      // absent or corrupt: start empty, everything gets hashed
    }
  }

  hashAll(ds: Pick<Dataset, 'root' | 'images'>, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): ImageHashes {
    const n = ds.images.length;
    const hashes: (string | null)[] = new Array(n).fill(null);
    let rehashed = 0;
    const resolve = makeResolver(ds.root);
    const next: Record<string, StatEntry> = {};
    this.next = next;
    for (let i = 0; i < n; i++) {
      const img = ds.images[i];
      if (img.missing) continue;
      try {
        const st = imageRange(resolve, img.path);
        if (!st) throw new Error('missing');
        const old = this.entries[img.path];
        if (old && old.size === st.size && old.mtimeMs === st.mtimeMs) {
          hashes[i] = old.hash;
        } else {
          hashes[i] = fileContentHash(st.abs, st);
          rehashed++;
        }
        next[img.path] = { size: st.size, mtimeMs: st.mtimeMs, hash: hashes[i]! };
      } catch {
        hashes[i] = null;
      }
      if (i % 256 === 255) {
        onProgress?.(i + 1, n);
        signal?.throwIfAborted();
      }
    }
    onProgress?.(n, n);
    const h = createHash('sha256');
    for (const x of hashes) h.update(`${x ?? '-'}\n`);
    return { hashes, combined: h.digest('hex').slice(0, 16), rehashed };
  }

  /** Writes the stat cache of the last hashAll (atomically); nothing when there was none. */
  commit(tag: string): void {
    if (!this.next) return;
    mkdirSync(join(this.file, '..'), { recursive: true });
    writeAtomic(this.file, JSON.stringify({ version: 1, entries: this.next }), tag);
  }

  tmpFiles(tag: string): string[] {
    return [tmpName(this.file, tag)];
  }
}

/**
 * Feature rows keyed by content hash, in one file per namespace:
 * MAGIC (8 bytes) · u32 dims · u32 count · count × KEY_CHARS ASCII keys · count × dims float32.
 */
export class FeatureStore {
  readonly file: string;
  private dims = 0;
  private index = new Map<string, number>();
  private rows = new Float32Array(0);
  private added = new Map<string, Float32Array>();
  private used = new Set<string>();

  constructor(dir: string, readonly namespace: string) {
    if (!/^[A-Za-z0-9._-]+$/.test(namespace)) throw new Error(`feature cache namespace ${namespace} has characters other than letters, digits, . _ -`);
    this.file = join(dir, 'features', `${namespace}.bin`);
    if (existsSync(this.file)) {
      try {
        this.load(readFileSync(this.file));
      } catch {
        // a corrupt cache is ignored and rewritten on commit
        this.index.clear();
        this.rows = new Float32Array(0);
      }
    }
  }

  private load(buf: Buffer): void {
    if (buf.toString('latin1', 0, 8) !== MAGIC) throw new Error('bad magic');
    const dims = buf.readUInt32LE(8);
    const count = buf.readUInt32LE(12);
    const keysEnd = 16 + count * KEY_CHARS;
    const rowsStart = keysEnd + ((4 - (keysEnd % 4)) % 4);
    if (buf.length !== rowsStart + count * dims * 4) throw new Error('truncated');
    this.dims = dims;
    for (let i = 0; i < count; i++) this.index.set(buf.toString('latin1', 16 + i * KEY_CHARS, 16 + (i + 1) * KEY_CHARS), i);
    this.rows = new Float32Array(count * dims);
    new Uint8Array(this.rows.buffer).set(buf.subarray(rowsStart, rowsStart + count * dims * 4));
  }

  get size(): number {
    return this.index.size + this.added.size;
  }

  /** The cached row for a key (a copy-free view), or undefined. */
  get(key: string, dims: number): Float32Array | undefined {
    const fresh = this.added.get(key);
    if (fresh) {
      this.used.add(key);
      return fresh;
    }
    const i = this.index.get(key);
    if (i == null || this.dims !== dims) return undefined;
    this.used.add(key);
    return this.rows.subarray(i * dims, (i + 1) * dims);
  }

  put(key: string, row: Float32Array): void {
    if (key.length !== KEY_CHARS) throw new Error(`feature cache key must be ${KEY_CHARS} hex characters`);
    if (this.dims && this.dims !== row.length && this.index.size) {
      // the extractor's dims changed under the same namespace: drop the old rows
      this.index.clear();
      this.rows = new Float32Array(0);
    }
    this.dims = row.length;
    this.added.set(key, Float32Array.from(row));
    this.used.add(key);
  }

  /**
   * Writes the rows used or added in this run, plus older rows up to as many again (so switching
   * back and forth between two versions of a folder stays cached, yet the file cannot grow without
   * bound).
   */
  commit(tag: string): void {
    if (!this.added.size && this.used.size === this.index.size) return;
    const keep: string[] = [...this.used];
    let extra = Math.max(this.used.size, 1);
    for (const k of this.index.keys()) {
      if (extra <= 0) break;
      if (!this.used.has(k)) {
        keep.push(k);
        extra--;
      }
    }
    const dims = this.dims;
    const count = keep.length;
    const keysEnd = 16 + count * KEY_CHARS;
    const rowsStart = keysEnd + ((4 - (keysEnd % 4)) % 4);
    const buf = Buffer.alloc(rowsStart + count * dims * 4);
    buf.write(MAGIC, 0, 'latin1');
    buf.writeUInt32LE(dims, 8);
    buf.writeUInt32LE(count, 12);
    const out = new Float32Array(buf.buffer, buf.byteOffset + rowsStart, count * dims);
    keep.forEach((k, i) => {
      buf.write(k, 16 + i * KEY_CHARS, 'latin1');
      out.set(this.get(k, dims)!, i * dims);
    });
    mkdirSync(join(this.file, '..'), { recursive: true });
    writeAtomic(this.file, buf, tag);
  }

  tmpFiles(tag: string): string[] {
    return [tmpName(this.file, tag)];
  }
}

/** The caches one job touches; encoders reach them through EncodeContext.featureCache. */
export class JobCaches {
  readonly dir: string;
  readonly hashes: ImageHashIndex;
  private stores = new Map<string, FeatureStore>();

  constructor(projectDir: string) {
    this.dir = cacheDir(projectDir);
    this.hashes = new ImageHashIndex(this.dir);
  }

  features(namespace: string): FeatureStore {
    let s = this.stores.get(namespace);
    if (!s) {
      s = new FeatureStore(this.dir, namespace);
      this.stores.set(namespace, s);
    }
    return s;
  }

  commit(tag: string): void {
    this.hashes.commit(tag);
    for (const s of this.stores.values()) s.commit(tag);
  }

  /** Removes temporary files a terminated job may have left (names carry the job's tag). */
  static removeTemporary(projectDir: string, tag: string): void {
    const dir = cacheDir(projectDir);
    rmSync(tmpName(join(dir, 'image_hashes.json'), tag), { force: true });
    const fdir = join(dir, 'features');
    if (!existsSync(fdir)) return;
    for (const name of readdirSafe(fdir)) if (name.endsWith(`.tmp-${tag}`)) rmSync(join(fdir, name), { force: true });
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
