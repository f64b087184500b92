// A cheap look at every image file while a dataset opens: its first bytes and its last ones, never
// the pixels. An empty file, a file that is no image at all (whatever its name says), a PNG with an
// impossible size or one cut short becomes a Problem naming the file, before any encoder trips on it.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { DatasetImage } from './dataset.js';
import { makeResolver, type Resolved } from './paths.js';
import type { ProblemLog } from './problems.js';
import { checkMemberName, findMember, splitMemberPath } from './tar_member.js';

const HEAD = 32;
const TAIL = 1024;
/** Decoders refuse more than this (image_decode.ts); flag it here already. */
const MAX_PIXELS = 100_000_000;

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IEND = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

function startsWith(b: Buffer, sig: readonly number[], at = 0): boolean {
  return b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
}

/**
 * What is wrong with the image file's bytes, or null when its header looks sane. `range` limits the
 * look to a byte range of the file (an image inside a tar).
 */
export function imageFileFault(abs: string, range?: { start: number; size: number }): string | null {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch (err) {
    return `cannot be opened: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  try {
    return openImageFault(fd, range);
  } finally {
    closeSync(fd);
  }
}

/** imageFileFault on a file already open (a tar whose members are checked one after another). */
function openImageFault(fd: number, range?: { start: number; size: number }): string | null {
  const start = range?.start ?? 0;
  const size = range?.size ?? fstatSync(fd).size;
  if (size === 0) return 'is empty (0 bytes)';
  const head = Buffer.alloc(Math.min(HEAD, size));
  readSync(fd, head, 0, head.length, start);
  const tailLen = Math.min(TAIL, size);
  const tail = Buffer.alloc(tailLen);
  readSync(fd, tail, 0, tailLen, start + size - tailLen);
  if (startsWith(head, PNG_SIG)) {
    if (head.length < 24 || head.toString('latin1', 12, 16) !== 'IHDR') return 'is a PNG without its IHDR header (truncated or corrupt)';
    const w = head.readUInt32BE(16);
    const h = head.readUInt32BE(20);
    if (w === 0 || h === 0 || w > 0x7fffffff || h > 0x7fffffff) return `is a PNG with an impossible size ${w} × ${h}`;
    if (w * h > MAX_PIXELS) return `is a PNG of ${w} × ${h} pixels, over the ${MAX_PIXELS / 1e6} MP limit`;
    if (tail.lastIndexOf(IEND) < 0) return `is a truncated PNG (${size} bytes, no IEND chunk at the end)`;
    return null;
  }
  if (startsWith(head, [0xff, 0xd8, 0xff])) {
    // Some writers append bytes after the end marker; look for it near the end, not at it.
    if (tail.lastIndexOf(Buffer.from([0xff, 0xd9])) < 0) return `is a truncated JPEG (${size} bytes, no end marker)`;
    return null;
  }
  const ascii = head.toString('latin1');
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return null;
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return null;
  if (ascii.slice(4, 8) === 'ftyp' && /^(avif|avis|mif1|heic)/.test(ascii.slice(8, 12))) return null;
  if (ascii.startsWith('BM')) return null;
  return 'is not an image: its first bytes match no PNG, JPEG, WebP, GIF, BMP or AVIF header';
}

/** Checks every image on disk (missing ones are reported elsewhere); one error Problem per bad file. */
export function checkImageFiles(root: string, images: readonly DatasetImage[], log: ProblemLog, progress?: (done: number, total: number) => void): void {
  let resolve: ((rel: string) => Resolved) | null = null;
  // Members of one tar come one after another: the archive stays open while they are checked.
  const open: { archive: { name: string; abs: string; fd: number } | null } = { archive: null };
  const closeArchive = (): void => {
    if (open.archive) closeSync(open.archive.fd);
    open.archive = null;
  };
  try {
    for (let i = 0; i < images.length; i++) {
      const im = images[i];
      if (im.missing) continue;
      let fault: string | null;
      const member = splitMemberPath(im.path);
      if (member) {
        try {
          checkMemberName(im.path, member.member);
          if (open.archive?.name !== member.archive) {
            closeArchive();
            const r = (resolve ??= makeResolver(root))(member.archive);
            open.archive = r.exists ? { name: member.archive, abs: r.abs, fd: openSync(r.abs, 'r') } : null;
          }
          const archive = open.archive;
          if (!archive) fault = `archive ${member.archive} not found`;
          else {
            const m = findMember(archive.abs, archive.fd, im.path, member.member);
            fault = openImageFault(archive.fd, { start: m.offset, size: m.size });
          }
        } catch (err) {
          fault = (err as Error).message;
        }
      } else fault = imageFileFault(path.join(root, im.path));
      if (fault) log.add('unreadable images', { severity: 'error', file: im.path, message: `${fault}; the image stays listed but cannot be shown or encoded` });
      if (progress && (i & 1023) === 0) progress(i, images.length);
    }
  } finally {
    closeArchive();
  }
  progress?.(images.length, images.length);
}
