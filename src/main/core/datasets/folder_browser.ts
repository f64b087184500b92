// The browser-mode folder picker's server side: lists sub-folders of the server's file system,
// confined to the roots the user allowed (`mlens serve --allow DIR`, default the home folder).
// Paths are compared after realpath, so a symlink inside a root that points outside it is refused.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { DirectoryEntry, DirectoryListing } from '../../../shared/map_tools.js';
import { detectFormat } from './open.js';

/** Sub-folders listed at most per folder (a folder of a million image shards stays responsive). */
export const MAX_FOLDERS = 2000;

export class FolderAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FolderAccessError';
  }
}

/** `~`, `~/x` and relative paths as an absolute path (relative to `cwd`); other paths normalised. */
export function expandUserPath(p: string, home = homedir(), cwd = process.cwd()): string {
  const t = p.trim();
  if (t === '~') return home;
  if (t.startsWith('~/') || t.startsWith(`~${sep}`)) return join(home, t.slice(2));
  return isAbsolute(t) ? resolve(t) : resolve(cwd, t);
}

function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

function looksLikeDataset(dir: string): boolean {
  try {
    return detectFormat(dir) != null;
  } catch {
    return false;
  }
}

export class FolderBrowser {
  /** Real absolute paths of the allowed roots (missing ones dropped). */
  readonly roots: string[];

  constructor(allowed: readonly string[] = [homedir()], private readonly home = homedir()) {
    const real: string[] = [];
    for (const a of allowed) {
      try {
        const r = realpathSync(expandUserPath(a, home));
        if (statSync(r).isDirectory() && !real.includes(r)) real.push(r);
      } catch {
        // An allowed folder that does not exist allows nothing.
      }
    }
    this.roots = real;
  }

  /** The real path of `p` when it lies inside an allowed root; else a FolderAccessError naming it. */
  confine(p: string): string {
    const abs = expandUserPath(p, this.home);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      throw new FolderAccessError(`${abs} does not exist`);
    }
    if (!this.roots.some((r) => isInside(r, real))) {
      const allowed = this.roots.length ? this.roots.join(', ') : 'none';
      throw new FolderAccessError(`${abs} is outside the folders this server may browse (${allowed}); start it with \`mlens serve --allow DIR\` to allow another`);
    }
    return real;
  }

  /** Sub-folders of `p` (default: the first root), each marked when it looks like a dataset. */
  list(p?: string): DirectoryListing {
    if (!this.roots.length) throw new FolderAccessError('this server allows no folders to browse');
    const dir = this.confine(p && p.trim() ? p : this.roots[0]);
    if (!statSync(dir).isDirectory()) throw new FolderAccessError(`${dir} is not a folder`);
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true })
        .filter((d) => !d.name.startsWith('.') && (d.isDirectory() || d.isSymbolicLink()))
        .map((d) => d.name)
        .sort((a, b) => a.localeCompare(b));
    } catch (e) {
      throw new FolderAccessError(`${dir} cannot be read: ${(e as Error).message}`);
    }
    const folders: DirectoryEntry[] = [];
    for (const name of names) {
      if (folders.length >= MAX_FOLDERS) break;
      let real: string;
      try {
        real = realpathSync(join(dir, name));
        if (!statSync(real).isDirectory()) continue;
      } catch {
        continue;
      }
      // A link that leaves the allowed roots is not offered.
      if (!this.roots.some((r) => isInside(r, real))) continue;
      folders.push({ name, path: real, dataset: looksLikeDataset(real) });
    }
    const up = dirname(dir);
    const parent = up !== dir && this.roots.some((r) => isInside(r, up)) ? up : null;
    return { path: dir, parent, folders, dataset: looksLikeDataset(dir), roots: [...this.roots], truncated: names.length > folders.length && folders.length >= MAX_FOLDERS };
  }
}
