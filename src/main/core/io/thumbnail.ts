// Small and browser-viewable versions of dataset images, made with sharp and cached on disk.
// `?w=N` asks for a thumbnail at most N px on its long side (JPEG, or PNG when the image has
// alpha), EXIF orientation applied; a TIFF without `w` is converted to PNG at full size. The
// bytes come from the descriptor (or tar member range) that openDatasetImage already checked,
// read once; nothing is re-opened by path. Cache files are named by the content hash and size
// (`DATA/thumbnails/ab/abcd…-256.jpg`) and written atomically, so a second request is a file
// read. Work is queued: a few reads at once, and fewer sharp jobs, so a burst of requests holds
// neither unbounded memory nor descriptors. Without sharp's binary the original bytes are served
// (a TIFF is refused, as before).
import { closeSync, fstatSync, read, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { FileServeError, errnoToServeError, openDatasetImage, type OpenFile } from './image_file.js';
import { replaceAtomically } from './atomic_file.js';
import { loadSharp } from './sharp_load.js';
import { ThumbnailCacheLimit } from './thumbnail_cache.js';

/** The thumbnail sizes a client may ask for (long side, px). */
export const THUMB_SIZES: readonly number[] = [128, 256, 512];

/** Largest image file a thumbnail is made from. */
const MAX_SOURCE_BYTES = 256 * 1024 * 1024;
/** Largest decoded image (pixels), as the encoders allow. */
const MAX_PIXELS = 100e6;
/** Requests waiting beyond this are answered 503 at once. */
const MAX_WAITING = 2000;

const readAsync = promisify(read);

/** `w` of a request: null when absent, a size from THUMB_SIZES, else a 400. */
export function parseThumbSize(value: string | null): number | null {
  if (value == null) return null;
  const n = Number(value);
  if (!THUMB_SIZES.includes(n)) throw new FileServeError(400, `w must be one of ${THUMB_SIZES.join(', ')}`);
  return n;
}

/** A queue that runs at most `limit` tasks at once, first come first served. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  get pending(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= MAX_WAITING) throw new FileServeError(503, 'too many image requests at once; try again shortly');
      await new Promise<void>((r) => this.waiting.push(r));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** What to send: the checked open file as it is, or bytes made from it. */
export type ImageAnswer = { kind: 'file'; file: OpenFile } | { kind: 'bytes'; type: string; bytes: Buffer; cached: boolean };

async function readOpenFile(f: OpenFile): Promise<Buffer> {
  const buf = Buffer.alloc(f.size);
  const start = f.start ?? 0;
  let got = 0;
  while (got < f.size) {
    const { bytesRead } = await readAsync(f.fd, buf, got, f.size - got, start + got);
    if (bytesRead <= 0) break;
    got += bytesRead;
  }
  return got === f.size ? buf : buf.subarray(0, got);
}

/** Makes (and caches) thumbnails of one data folder's images. */
export class ImageConverter {
  /** Reads of source files at once: bounds descriptors and bytes in memory. */
  private readonly reads = new Limiter(4);
  /** sharp jobs at once. */
  private readonly sharpJobs = new Limiter(2);
  /** The content hash of a file already read, by identity (device, inode, size, times, range). */
  private readonly hashes = new Map<string, string>();

  /** The cache's size limit (LRU by atime); none when not given. */
  readonly limit: ThumbnailCacheLimit | null;

  constructor(
    readonly cacheDir: string,
    opts: { maxBytes?: number } = {},
  ) {
    this.limit = opts.maxBytes != null ? new ThumbnailCacheLimit(cacheDir, opts.maxBytes) : null;
  }

  /**
   * Answers a dataset image request. Without `w` and for a format browsers show, the open file as
   * it is (no queue); otherwise a converted image. `gone` says the client has left (queued work is
   * then skipped). Throws FileServeError (status and a short reason).
   */
  async answer(datasetRoot: string, rel: string, w: number | null, gone: () => boolean = () => false): Promise<ImageAnswer> {
    const sharp = await loadSharp();
    if (!sharp || w == null) {
      const f = openDatasetImage(datasetRoot, rel, { acceptTiff: true });
      if (f.type !== 'image/tiff') return { kind: 'file', file: f };
      closeSync(f.fd);
      if (!sharp) throw new FileServeError(415, `${JSON.stringify(rel)} is a TIFF, which cannot be converted on this machine`);
    }
    return this.reads.run(async () => {
      if (gone()) throw new FileServeError(503, 'the request was cancelled');
      return this.convert(datasetRoot, rel, w);
    });
  }

  private async convert(datasetRoot: string, rel: string, w: number | null): Promise<ImageAnswer> {
    const f = openDatasetImage(datasetRoot, rel, { acceptTiff: true });
    const shown = JSON.stringify(rel);
    const type = f.type;
    let bytes: Buffer;
    let hash: string;
    let idKey: string;
    try {
      const st = fstatSync(f.fd);
      idKey = `${st.dev}:${st.ino}:${st.mtimeMs}:${st.ctimeMs}:${f.start ?? 0}:${f.size}`;
      const known = this.hashes.get(idKey);
      if (known) {
        const hit = this.cached(known, w);
        if (hit) return hit;
      }
      if (f.size > MAX_SOURCE_BYTES) throw new FileServeError(415, `${shown} is too large to convert`);
      bytes = await readOpenFile(f);
      hash = createHash('sha256').update(bytes).digest('hex').slice(0, 40);
    } catch (e) {
      throw errnoToServeError(e, shown);
    } finally {
      closeSync(f.fd);
    }
    this.remember(idKey, hash);
    const hit = this.cached(hash, w);
    if (hit) return hit;
    const made = await this.sharpJobs.run(() => this.make(bytes, w, shown, type));
    if (made.original) return { kind: 'bytes', type, bytes, cached: false };
    const file = this.cacheFile(hash, w, made.type);
    try {
      replaceAtomically(file, (tmp) => writeFileSync(tmp, made.bytes));
      this.limit?.added(made.bytes.length);
    } catch {
      // a read-only or full data folder: the image is still answered, just not cached
    }
    return { kind: 'bytes', type: made.type, bytes: made.bytes, cached: false };
  }

  private remember(idKey: string, hash: string): void {
    this.hashes.delete(idKey);
    this.hashes.set(idKey, hash);
    if (this.hashes.size > 10_000) this.hashes.delete(this.hashes.keys().next().value!);
  }

  /** The cache file of a content hash and size. */
  cacheFile(hash: string, w: number | null, type: 'image/jpeg' | 'image/png'): string {
    return path.join(this.cacheDir, hash.slice(0, 2), `${hash}-${w ?? 'full'}.${type === 'image/png' ? 'png' : 'jpg'}`);
  }

  private cached(hash: string, w: number | null): ImageAnswer | null {
    for (const type of ['image/jpeg', 'image/png'] as const) {
      const file = this.cacheFile(hash, w, type);
      if (!existsSync(file)) continue;
      try {
        const bytes = readFileSync(file);
        this.limit?.touch(file);
        return { kind: 'bytes', type, bytes, cached: true };
      } catch {
        return null;
      }
    }
    return null;
  }

  /** A converted image, or `original` when the file already fits: a browser format, upright, within `w`. */
  private async make(bytes: Buffer, w: number | null, shown: string, type: string): Promise<{ type: 'image/jpeg' | 'image/png'; bytes: Buffer; original?: boolean }> {
    const sharp = (await loadSharp())!;
    try {
      const img = sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error', pages: 1 });
      const meta = await img.metadata();
      const fits = w != null && Math.max(meta.width ?? Infinity, meta.height ?? Infinity) <= w && (meta.orientation ?? 1) === 1;
      if (fits && type !== 'image/tiff') {
        await img.stats(); // decodes it: a corrupt file is refused here as it would be when resized
        return { type: 'image/png', bytes, original: true };
      }
      let p = img.rotate();
      if (w != null) p = p.resize({ width: w, height: w, fit: 'inside', withoutEnlargement: true });
      if (w == null || meta.hasAlpha) return { type: 'image/png', bytes: await p.png().toBuffer() };
      return { type: 'image/jpeg', bytes: await p.jpeg({ quality: 82, mozjpeg: false }).toBuffer() };
    } catch (e) {
      const msg = String((e as Error)?.message ?? e).split('\n')[0];
      const why = /pixel limit/i.test(msg) ? 'is too large to decode' : 'could not be decoded (corrupt or unsupported image data)';
      throw new FileServeError(415, `${shown} ${why}`);
    }
  }
}
