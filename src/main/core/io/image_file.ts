// Opening a dataset image for a client (HTTP /lens/ and Electron lens://) without a window
// between checking and opening: the file is opened once, without following a link in its last
// component, and then the open descriptor itself is checked (a regular file, whose real location
// is inside the dataset's real folder, holding an image by its first bytes). Swapping the file
// or a folder on its way for a link after the check cannot change what was opened.
import { closeSync, existsSync, constants, createReadStream, fstatSync, openSync, readSync, readlinkSync, realpathSync, lstatSync, type ReadStream } from 'node:fs';
import path from 'node:path';
import { normalizeRel, PathEscapeError } from '../datasets/paths.js';
import { checkMemberName, findMember, MemberNotFoundError, splitMemberPath } from '../datasets/tar_member.js';
import { isInside } from './path_policy.js';
import { sniffImage, SNIFF_BYTES, type ImageType } from './image_sniff.js';

/** A refusal with the HTTP status that describes it; the message names the file, never internals. */
export class FileServeError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 415 | 500 | 503,
    message: string,
  ) {
    super(message);
    this.name = 'FileServeError';
  }
}

export interface OpenFile {
  fd: number;
  size: number;
  /** Where the served bytes start in the file (a tar member's data); 0 when absent. */
  start?: number;
  /** Content type: sniffed for images, from the caller otherwise. */
  type: string;
}

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const HAS_PROC_FD = existsSync('/proc/self/fd');

/** Maps an open() or read() failure to what a client is told. */
export function errnoToServeError(e: unknown, shown: string): FileServeError {
  if (e instanceof FileServeError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileServeError(404, `${shown} not found`);
  if (code === 'EACCES' || code === 'EPERM') return new FileServeError(403, `${shown} is not readable`);
  if (code === 'ELOOP') return new FileServeError(403, `${shown} is a link`);
  if (code === 'EMFILE' || code === 'ENFILE') return new FileServeError(503, `too many open files; try ${shown} again shortly`);
  if (code === 'EISDIR') return new FileServeError(404, `${shown} is a folder`);
  return new FileServeError(500, `${shown} could not be read`);
}

function realOfFd(fd: number): string | null {
  if (!HAS_PROC_FD) return null;
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

/**
 * Opens `file` and checks the descriptor: a regular file whose real path is inside `realRoot`.
 * `file` may itself be a link to a place inside the root (datasets built with links); the link is
 * resolved first and the target opened without following further links.
 */
export function openInside(realRoot: string, file: string, shown: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOOP') throw errnoToServeError(e, shown);
    let target: string;
    try {
      target = realpathSync.native(file);
    } catch (e2) {
      throw errnoToServeError(e2, shown);
    }
    if (!isInside(realRoot, target)) throw new FileServeError(403, `${shown} is a link to a place outside the dataset folder`);
    try {
      fd = openSync(target, OPEN_FLAGS);
    } catch (e2) {
      throw errnoToServeError(e2, shown);
    }
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileServeError(404, `${shown} is not a regular file`);
    const real = realOfFd(fd);
    if (real != null) {
      if (!isInside(realRoot, real)) throw new FileServeError(403, `${shown} is outside the dataset folder`);
    } else {
      // No /proc: the file we hold must be the one the real path inside the root names.
      const rp = realpathSync.native(file);
      const lst = lstatSync(rp);
      if (!isInside(realRoot, rp) || lst.ino !== st.ino || lst.dev !== st.dev) throw new FileServeError(403, `${shown} is outside the dataset folder`);
    }
    return { fd, size: st.size };
  } catch (e) {
    closeSync(fd);
    throw errnoToServeError(e, shown);
  }
}

/** A TIFF by its first bytes: decodable (sharp) but not shown by browsers, so served converted. */
export function isTiff(head: Uint8Array): boolean {
  return head.length >= 4 && ((head[0] === 0x49 && head[1] === 0x49 && head[2] === 0x2a && head[3] === 0) || (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && head[3] === 0x2a));
}

/**
 * Opens a dataset file named by a client for display: images only (PNG, JPEG, GIF, WebP, AVIF). A
 * virtual path `ARCHIVE.tar#MEMBER` serves the member's byte range of the (confined) archive.
 * With `acceptTiff`, a TIFF is opened too (type `image/tiff`), for a caller that converts it.
 */
export function openDatasetImage(datasetRoot: string, rel: string, opts: { acceptTiff?: boolean } = {}): OpenFile {
  const member = splitMemberPath(rel);
  let norm: string;
  try {
    norm = normalizeRel(member ? member.archive : rel);
    if (member) checkMemberName(rel, member.member);
  } catch (e) {
    throw new FileServeError(e instanceof PathEscapeError && rel.includes('\0') ? 400 : 403, (e as Error).message);
  }
  let realRoot: string;
  try {
    realRoot = realpathSync.native(datasetRoot);
  } catch (e) {
    throw errnoToServeError(e, 'the dataset folder');
  }
  const archiveAbs = path.join(realRoot, ...norm.split('/'));
  const shown = JSON.stringify(member ? `${norm}#${member.member}` : norm);
  const opened = openInside(realRoot, archiveAbs, shown);
  const fd = opened.fd;
  let size = opened.size;
  let start = 0;
  let type: ImageType | 'image/tiff' | null;
  try {
    if (member) {
      try {
        const m = findMember(archiveAbs, fd, `${norm}#${member.member}`, member.member);
        start = m.offset;
        size = m.size;
      } catch (e) {
        throw e instanceof MemberNotFoundError ? new FileServeError(404, e.message) : e;
      }
    }
    const head = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    const n = readSync(fd, head, 0, head.length, start);
    type = sniffImage(head.subarray(0, n));
    if (!type && opts.acceptTiff && isTiff(head.subarray(0, n))) type = 'image/tiff';
  } catch (e) {
    closeSync(fd);
    throw errnoToServeError(e, shown);
  }
  if (!type) {
    closeSync(fd);
    throw new FileServeError(415, `${shown} is not a PNG, JPEG, GIF, WebP or AVIF image; only images are served`);
  }
  return { fd, size, type, start };
}

/** A stream over an open file that closes the descriptor when it ends, fails or is destroyed. */
export function streamOpenFile(f: OpenFile): ReadStream {
  const start = f.start ?? 0;
  return createReadStream('', { fd: f.fd, start, end: Math.max(start, start + f.size - 1), autoClose: true });
}

/** Headers every served dataset file carries: nothing in it may run, and its type is final. */
export const DATASET_FILE_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; sandbox",
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
};
