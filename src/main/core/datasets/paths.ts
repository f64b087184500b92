// Safe resolution of dataset-relative paths: nothing a dataset file names may point outside its folder.
// Used by the readers and by the `lens://` image protocol.
import { lstatSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** A dataset-relative path that is absolute, empty, or leads outside the dataset folder. */
export class PathEscapeError extends Error {
  constructor(
    readonly rel: string,
    reason: string,
  ) {
    super(`path ${JSON.stringify(rel)} ${reason}`);
    this.name = 'PathEscapeError';
  }
}

/**
 * Normalises a dataset-relative path to forward slashes without `.` segments. Backslashes count as
 * separators (datasets written on Windows). Throws PathEscapeError for absolute paths (`/x`, `C:\x`,
 * `\\server\x`), empty paths, NUL bytes, and paths whose `..` segments leave the folder.
 */
export function normalizeRel(rel: string): string {
  if (typeof rel !== 'string' || rel.trim() === '') throw new PathEscapeError(String(rel), 'is empty');
  if (rel.includes('\0')) throw new PathEscapeError(rel, 'contains a NUL byte');
  const slashed = rel.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed) || path.isAbsolute(rel)) {
    throw new PathEscapeError(rel, 'is absolute; dataset paths must be relative to the dataset folder');
  }
  const norm = path.posix.normalize(slashed);
  if (norm === '..' || norm.startsWith('../')) throw new PathEscapeError(rel, 'leads outside the dataset folder');
  if (norm === '.' || norm === './') throw new PathEscapeError(rel, 'names the dataset folder itself, not a file');
  return norm.replace(/\/+$/, '');
}

function isInside(root: string, target: string): boolean {
  const r = path.relative(root, target);
  return r === '' || (!r.startsWith('..' + path.sep) && r !== '..' && !path.isAbsolute(r));
}

function realpathOrNull(p: string): string | null {
  try {
    return realpathSync.native(p);
  } catch {
    return null;
  }
}

export interface Resolved {
  /** Absolute path (lexically under the root). */
  abs: string;
  /** Normalised relative path, forward slashes. */
  rel: string;
  /** The file (or whatever is at that path) exists. */
  exists: boolean;
}

/**
 * A resolver bound to one root, for one read pass: it caches the realpath of the root and of every
 * folder it has seen, so each file costs about one lstat. `resolve` throws PathEscapeError when the
 * path escapes the root lexically or through a symlink (a linked file, or a linked folder on the way,
 * whose real location is outside the root's real location). A dangling link counts as missing.
 */
export function makeResolver(root: string): (rel: string) => Resolved {
  const absRoot = path.resolve(root);
  const realRoot = realpathOrNull(absRoot) ?? absRoot;
  const dirCache = new Map<string, string | null>();
  const realDir = (dir: string): string | null => {
    let r = dirCache.get(dir);
    if (r === undefined) {
      r = realpathOrNull(dir);
      dirCache.set(dir, r);
    }
    return r;
  };
  return (rel: string): Resolved => {
    const norm = normalizeRel(rel);
    const abs = path.resolve(absRoot, ...norm.split('/'));
    if (!isInside(absRoot, abs)) throw new PathEscapeError(rel, 'leads outside the dataset folder');
    // The nearest existing folder on the way must really be inside the root.
    for (let dir = path.dirname(abs); isInside(absRoot, dir); dir = path.dirname(dir)) {
      const r = realDir(dir);
      if (r != null) {
        if (!isInside(realRoot, r)) throw new PathEscapeError(rel, 'is inside a linked folder outside the dataset folder');
        break;
      }
      if (dir === absRoot) break;
    }
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return { abs, rel: norm, exists: false };
    if (st.isSymbolicLink()) {
      const real = realpathOrNull(abs);
      if (real == null) return { abs, rel: norm, exists: false };
      if (!isInside(realRoot, real)) throw new PathEscapeError(rel, 'is a link to a place outside the dataset folder');
    }
    return { abs, rel: norm, exists: true };
  };
}

/**
 * Resolves a dataset-relative path to an absolute one and throws PathEscapeError when it escapes the
 * root (`..`, absolute paths, symlinks pointing outside). The file need not exist.
 */
export function resolveInside(root: string, rel: string): string {
  return makeResolver(root)(rel).abs;
}

/** `file` relative to `root` with forward slashes (absolute when outside), for messages. */
export function displayPath(root: string, file: string): string {
  const absRoot = path.resolve(root);
  const abs = path.resolve(file);
  if (abs === absRoot || !isInside(absRoot, abs)) return abs;
  return path.relative(absRoot, abs).split(path.sep).join('/');
}
