// Where each member of a tar file lies, read from its 512-byte headers only (the data is skipped):
// ustar (name + prefix), GNU long names ('L' records) and pax extended headers ('x': path, size).
// A WebDataset shard is then read in place: a member's bytes are one positioned read of its range.
// A fault (bad checksum, a header or a member cut short by the end of the file, a name that leaves
// the folder) is recorded with its byte offset; everything indexed before it stays usable.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const BLOCK = 512;

export interface TarMember {
  /** The member's path inside the archive, forward slashes, no leading `./`. */
  name: string;
  /** Byte offset of the member's data in the file. */
  offset: number;
  size: number;
}

export interface TarFault {
  /** Byte offset of the header the fault belongs to. */
  offset: number;
  /** The member's name when the header could be read. */
  member?: string;
  message: string;
}

export interface TarIndex {
  members: TarMember[];
  byName: Map<string, TarMember>;
  faults: TarFault[];
  /** File size and modification time the index was read at. */
  size: number;
  mtimeMs: number;
}

const REGULAR = new Set(['0', '\0', '7']);

function cString(b: Buffer, start: number, len: number): string {
  const end = b.indexOf(0, start);
  return b.toString('utf8', start, end < 0 || end > start + len ? start + len : end);
}

/** An octal number field, or GNU's base-256 form (high bit of the first byte set). */
function numberField(b: Buffer, start: number, len: number): number {
  if (b[start] & 0x80) {
    let n = b[start] & 0x7f;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + b[i];
    return n;
  }
  const s = cString(b, start, len).trim();
  return s === '' ? 0 : /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
}

function checksumOk(h: Buffer): boolean {
  const stored = numberField(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return stored === sum;
}

/** pax records: "LEN key=value\n" repeated. */
function paxRecords(b: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < b.length) {
    const sp = b.indexOf(0x20, at);
    if (sp < 0) break;
    const len = Number(b.toString('latin1', at, sp));
    if (!Number.isInteger(len) || len <= 0 || at + len > b.length) break;
    const rec = b.toString('utf8', sp + 1, at + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    at += len;
  }
  return out;
}

/** Why a member name may not be served (absolute, `..`, NUL), or null when it stays inside. */
export function unsafeMemberName(name: string): string | null {
  if (name.includes('\0')) return 'contains a NUL byte';
  const s = name.replace(/\\/g, '/');
  if (s.startsWith('/') || /^[a-zA-Z]:/.test(s)) return 'is absolute';
  if (s.split('/').includes('..')) return 'leads outside the archive folder (`..`)';
  return null;
}

function cleanName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/** Indexes an open tar file: one header read per member, data skipped. */
export function indexTarFd(fd: number): TarIndex {
  const st = fstatSync(fd);
  const size = st.size;
  const members: TarMember[] = [];
  const byName = new Map<string, TarMember>();
  const faults: TarFault[] = [];
  const h = Buffer.alloc(BLOCK);
  const readAt = (buf: Buffer, at: number): number => readSync(fd, buf, 0, buf.length, at);
  let pos = 0;
  let longName: string | null = null;
  let pax: Map<string, string> | null = null;
  while (pos < size) {
    const n = readAt(h, pos);
    if (n < BLOCK) {
      faults.push({ offset: pos, message: `truncated: a header at byte ${pos} is cut short by the end of the file (${size} bytes)` });
      break;
    }
    if (h.every((x) => x === 0)) break; // end-of-archive marker
    if (!checksumOk(h)) {
      faults.push({ offset: pos, message: `header at byte ${pos} has a bad checksum (not a tar header, or corrupt); the rest of the archive is not read` });
      break;
    }
    const type = String.fromCharCode(h[156]);
    const ustar = h.toString('latin1', 257, 262) === 'ustar';
    const prefix = ustar ? cString(h, 345, 155) : '';
    let name = longName ?? pax?.get('path') ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
    const paxSize = pax?.get('size');
    const memberSize = paxSize != null && /^\d+$/.test(paxSize) ? Number(paxSize) : numberField(h, 124, 12);
    longName = null;
    pax = null;
    if (!Number.isSafeInteger(memberSize) || memberSize < 0) {
      faults.push({ offset: pos, member: name, message: `member ${JSON.stringify(name)} at byte ${pos} has an unreadable size; the rest of the archive is not read` });
      break;
    }
    const dataAt = pos + BLOCK;
    const next = dataAt + Math.ceil(memberSize / BLOCK) * BLOCK;
    if (dataAt + memberSize > size) {
      faults.push({ offset: pos, member: name, message: `member ${JSON.stringify(name)} at byte ${pos} runs past the end of the file (${memberSize} bytes of data from byte ${dataAt}, file is ${size} bytes): truncated archive` });
      break;
    }
    if (type === 'L' || type === 'x') {
      const body = Buffer.alloc(memberSize);
      readAt(body, dataAt);
      if (type === 'L') longName = cString(body, 0, body.length);
      else pax = paxRecords(body);
    } else if (REGULAR.has(type)) {
      name = cleanName(name);
      const why = unsafeMemberName(name);
      if (why) faults.push({ offset: pos, member: name, message: `member ${JSON.stringify(name)} at byte ${pos} ${why}; refused` });
      else if (name) {
        const m: TarMember = { name, offset: dataAt, size: memberSize };
        members.push(m);
        byName.set(name, m);
      }
    }
    // Folders, links, devices and global pax headers ('g') carry no image; they are skipped.
    pos = next;
  }
  return { members, byName, faults, size, mtimeMs: st.mtimeMs };
}

export function indexTarFile(abs: string): TarIndex {
  const fd = openSync(abs, 'r');
  try {
    return indexTarFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes at `offset` of an open file (short only when the file is). */
export function readRange(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n <= 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
