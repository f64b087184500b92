// Images that live inside a tar file of the dataset (WebDataset shards) have a virtual path:
// `ARCHIVE.tar#MEMBER`, e.g. `00000.tar#000000012.jpg`. The archive part is an ordinary
// dataset-relative path (confined to the folder like any other); the member part is looked up in
// the archive's index, never joined to a folder, and a member name that would leave the folder
// (`../x`, absolute) is refused. Every place that reads image bytes goes through `imageRange`.
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { indexTarFd, readRange, unsafeMemberName, type TarIndex, type TarMember } from '../io/tar_index.js';
import { PathEscapeError, type Resolved } from './paths.js';

const MEMBER_PATH = /^(.+?\.tar)#(.+)$/;

export interface MemberPath {
  archive: string;
  member: string;
}

/** The archive and member of a virtual path, or null for an ordinary path. */
export function splitMemberPath(rel: string): MemberPath | null {
  const m = MEMBER_PATH.exec(rel);
  return m ? { archive: m[1], member: m[2] } : null;
}

export function memberPath(archive: string, member: string): string {
  return `${archive}#${member}`;
}

/** Throws PathEscapeError when the member part of a virtual path names a place outside. */
export function checkMemberName(rel: string, member: string): void {
  const why = unsafeMemberName(member);
  if (why) throw new PathEscapeError(rel, `names a tar member that ${why}`);
}

const CACHE_MAX = 64;
const cache = new Map<string, TarIndex>();

/** The index of an open tar, reused while its size and modification time stay the same. */
export function cachedTarIndex(abs: string, fd: number): TarIndex {
  const st = fstatSync(fd);
  const hit = cache.get(abs);
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) {
    cache.delete(abs);
    cache.set(abs, hit);
    return hit;
  }
  const idx = indexTarFd(fd);
  cache.set(abs, idx);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return idx;
}

export class MemberNotFoundError extends Error {
  constructor(rel: string, reason: string) {
    super(`${JSON.stringify(rel)}: ${reason}`);
    this.name = 'MemberNotFoundError';
  }
}

/** Looks a member up in an archive already opened (`fd`); throws MemberNotFoundError. */
export function findMember(abs: string, fd: number, rel: string, member: string): TarMember {
  const idx = cachedTarIndex(abs, fd);
  const m = idx.byName.get(member);
  if (m) return m;
  const fault = idx.faults.find((f) => f.member === member);
  throw new MemberNotFoundError(rel, fault ? fault.message : `no member ${JSON.stringify(member)} in the archive`);
}

export interface ImageRange {
  /** The file holding the bytes (the image itself, or the tar). */
  abs: string;
  start: number;
  size: number;
  /** Modification time of the file holding the bytes. */
  mtimeMs: number;
}

/**
 * Where an image's bytes are: the whole file for an ordinary path, a byte range of the tar for a
 * member path. null when the file (or the archive) does not exist; throws PathEscapeError for a path
 * that escapes and MemberNotFoundError for a member the archive does not hold.
 */
export function imageRange(resolve: (rel: string) => Resolved, rel: string): ImageRange | null {
  const mp = splitMemberPath(rel);
  if (!mp) {
    const r = resolve(rel);
    if (!r.exists) return null;
    const st = statSync(r.abs);
    return { abs: r.abs, start: 0, size: st.size, mtimeMs: st.mtimeMs };
  }
  checkMemberName(rel, mp.member);
  const r = resolve(mp.archive);
  if (!r.exists) return null;
  const fd = openSync(r.abs, 'r');
  try {
    const m = findMember(r.abs, fd, rel, mp.member);
    return { abs: r.abs, start: m.offset, size: m.size, mtimeMs: fstatSync(fd).mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** The bytes of a range (one positioned read for a tar member). */
export async function readRangeBytes(range: ImageRange): Promise<Buffer> {
  if (range.start === 0) {
    const whole = await readFile(range.abs);
    if (whole.length === range.size) return whole;
    return whole.subarray(0, range.size);
  }
  const fd = openSync(range.abs, 'r');
  try {
    return readRange(fd, range.start, range.size);
  } finally {
    closeSync(fd);
  }
}

/** An image's bytes, or null when it is missing; errors name the path. */
export async function readImageBytes(resolve: (rel: string) => Resolved, rel: string): Promise<Buffer | null> {
  const range = imageRange(resolve, rel);
  return range ? readRangeBytes(range) : null;
}
