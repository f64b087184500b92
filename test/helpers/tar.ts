// A small tar writer for fixtures: ustar headers, and on request a GNU long-name record ('L') or a
// pax extended header ('x') in front of a member, so the reader's three name forms are exercised.

const BLOCK = 512;

export interface TarEntry {
  name: string;
  data: Buffer | string;
  /** How the name is stored: in the ustar header (split into prefix/name when long), a GNU 'L' record, or a pax 'path'. */
  nameForm?: 'ustar' | 'gnu' | 'pax';
  /** '0' regular file (default), '5' folder, '2' symbolic link. */
  type?: '0' | '5' | '2';
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, type: string, prefix = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write(octal(0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(1_700_000_000, 12), 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.write(prefix, 345, 'utf8');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.write(octal(sum, 7) + ' ', 148, 'latin1');
  return h;
}

function padded(data: Buffer): Buffer {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

function paxBody(key: string, value: string): Buffer {
  const rec = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(rec) + 1;
  while (String(len).length + Buffer.byteLength(rec) !== len) len = String(len).length + Buffer.byteLength(rec);
  return Buffer.from(`${len}${rec}`);
}

/** A complete tar archive (with its two zero end blocks). */
export function tarBytes(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
    const type = e.type ?? '0';
    const form = e.nameForm ?? 'ustar';
    let name = e.name;
    let prefix = '';
    if (form === 'gnu') {
      const body = Buffer.from(`${e.name}\0`);
      parts.push(header('././@LongLink', body.length, 'L'), padded(body));
      name = e.name.slice(0, 99);
    } else if (form === 'pax') {
      const body = paxBody('path', e.name);
      parts.push(header(`PaxHeaders/${e.name.slice(0, 80)}`, body.length, 'x'), padded(body));
      name = e.name.slice(0, 99);
    } else if (Buffer.byteLength(name) > 100) {
      const cut = name.lastIndexOf('/', 155);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    parts.push(header(name, type === '0' ? data.length : 0, type, prefix));
    if (type === '0') parts.push(padded(data));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** Byte offset of the header of the member named `name` in an archive written by tarBytes. */
export function headerOffset(tar: Buffer, name: string): number {
  for (let at = 0; at + BLOCK <= tar.length; at += BLOCK) {
    if (tar.toString('utf8', at, at + 100).replace(/\0.*$/s, '') === name && tar[at + 156] === 0x30) return at;
  }
  return -1;
}
