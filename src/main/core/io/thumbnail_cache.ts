// The size limit of the thumbnail cache (DATA/thumbnails/): least recently used files go first.
// "Used" is the file's atime, which a cache hit refreshes itself (utimes, when older than 10
// minutes), so the order holds on filesystems mounted noatime or relatime too. The limit: MLENS_THUMB_CACHE_MB, else the setting
// `thumbnailCacheMb` (settings.json), else 1 GiB. Pruning runs after a write that takes the cache
// over the limit and removes files down to 90 % of it.
import { readdirSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { readSettings } from './data_dir.js';

export const DEFAULT_THUMB_CACHE_MB = 1024;
/** A hit refreshes a file's atime when it is older than this. */
export const TOUCH_AFTER_MS = 10 * 60_000;

/** The cache limit in bytes for a data folder. */
export function thumbnailCacheBytes(dataDir: string, env: NodeJS.ProcessEnv = process.env): number {
  const given = env.MLENS_THUMB_CACHE_MB ?? readSettings(dataDir).thumbnailCacheMb;
  const mb = given != null && given !== '' ? Number(given) : DEFAULT_THUMB_CACHE_MB;
  if (!Number.isFinite(mb) || mb < 0) throw new RangeError(`thumbnail cache limit: ${JSON.stringify(String(given))} is not a non-negative number of MiB`);
  return Math.round(mb * 2 ** 20);
}

interface Entry {
  file: string;
  size: number;
  used: number;
}

function entries(dir: string): Entry[] {
  const out: Entry[] = [];
  let subs: string[];
  try {
    subs = readdirSync(dir);
  } catch {
    return out;
  }
  for (const sub of subs) {
    let names: string[];
    try {
      names = readdirSync(path.join(dir, sub));
    } catch {
      continue;
    }
    for (const n of names) {
      if (n.includes('.tmp')) continue; // a write in progress (atomic_file.ts)
      const file = path.join(dir, sub, n);
      try {
        const st = statSync(file);
        if (st.isFile()) out.push({ file, size: st.size, used: st.atimeMs });
      } catch {
        // removed meanwhile
      }
    }
  }
  return out;
}

export class ThumbnailCacheLimit {
  /** Bytes in the cache as far as we know (null: not counted yet). */
  private total: number | null = null;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {}

  /**
   * A cache hit: the file was used now. Only when its atime is older than TOUCH_AFTER_MS: a recency
   * that fine is all LRU needs, and utimes (which sets mtime too, rounded through a double) then
   * leaves a file just written or just used untouched.
   */
  touch(file: string): void {
    try {
      const st = statSync(file);
      if (Date.now() - st.atimeMs < TOUCH_AFTER_MS) return;
      utimesSync(file, new Date(), st.mtime);
    } catch {
      // read-only data folder: the order just stays as it was
    }
  }

  /** A file of `size` bytes was written: prune when the cache is over the limit. Returns files removed. */
  added(size: number): number {
    if (this.total == null) this.total = entries(this.dir).reduce((n, e) => n + e.size, 0);
    else this.total += size;
    return this.total > this.maxBytes ? this.prune() : 0;
  }

  /** Removes least recently used files until the cache is at 90 % of the limit. */
  prune(): number {
    const all = entries(this.dir).sort((a, b) => a.used - b.used || a.file.localeCompare(b.file));
    let total = all.reduce((n, e) => n + e.size, 0);
    const target = Math.floor(this.maxBytes * 0.9);
    let removed = 0;
    for (const e of all) {
      if (total <= target) break;
      try {
        unlinkSync(e.file);
        total -= e.size;
        removed++;
      } catch {
        // already gone, or not ours to remove
      }
    }
    this.total = total;
    return removed;
  }
}
