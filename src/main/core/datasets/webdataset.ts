// WebDataset shards (img2dataset's `--output_format webdataset`): NNNNN.tar files holding KEY.jpg
// with KEY.txt (the caption) and KEY.json, read in place. Each tar is indexed from its headers
// (io/tar_index.ts); images stay inside it under virtual paths `NNNNN.tar#KEY.jpg` (tar_member.ts)
// and captions are read from their byte ranges. A sample's key is its member path up to the first
// dot of the file name (WebDataset's rule). A damaged archive is named with the byte offset of the
// fault; the members before it and every other shard still open.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { indexTarFd, readRange } from '../io/tar_index.js';
import type { DatasetCaption } from './dataset.js';
import { DatasetError } from './dataset.js';
import { ImageTable, isDir, isFile, sampleSkipper, type ReadContext, type ReaderResult } from './reader.js';
import { memberPath } from './tar_member.js';

const IMAGE_EXT = new Set(['jpg', 'jpeg', 'png', 'webp', 'avif', 'gif']);
const TEXT_EXT = ['txt', 'caption', 'cap'];
const MAX_CAPTION_BYTES = 1024 * 1024;

function tarsIn(root: string, dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(path.join(root, dir));
  } catch {
    return [];
  }
  const tars = names.filter((n) => n.endsWith('.tar') && isFile(path.join(root, dir, n)));
  const num = (n: string): number => Number(n.replace(/\D/g, '') || NaN);
  tars.sort((a, b) => num(a) - num(b) || (a < b ? -1 : 1));
  return tars.map((n) => (dir ? `${dir}/${n}` : n));
}

const SHARD_DIRS = /^(data|shards|train|training|val|valid|validation|dev|test|testing)$/i;

/** `*.tar` shards at the root, else in split folders (train/, val/, test/) or data/. */
export function findWebdatasetShards(root: string): string[] {
  const top = tarsIn(root, '');
  if (top.length) return top;
  let dirs: string[];
  try {
    dirs = readdirSync(root).filter((n) => SHARD_DIRS.test(n) && isDir(path.join(root, n)));
  } catch {
    return [];
  }
  const rank = (d: string): number => ['train', 'val', 'test'].indexOf(splitOf(`${d}/`) ?? '') >>> 0;
  return dirs.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1)).flatMap((d) => tarsIn(root, d));
}

function splitOf(file: string): string | null {
  const m = /(?:^|[/_-])(train|training|validation|valid|val|dev|test|testing)(?=[/_.-])/i.exec(file);
  if (!m) return null;
  const s = m[1].toLowerCase();
  return s.startsWith('train') ? 'train' : s.startsWith('test') ? 'test' : 'val';
}

interface Sample {
  key: string;
  image?: string;
  parts: Map<string, { offset: number; size: number; name: string }>;
}

function keyAndExt(name: string): [string, string] {
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1).toLowerCase()];
}

export async function readWebdataset(ctx: ReadContext, shards: string[]): Promise<ReaderResult> {
  const table = new ImageTable();
  const captions: DatasetCaption[] = [];
  const captionRecord: number[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const digest = createHash('sha256');
  let records = 0;
  const { skip, firstError } = sampleSkipper(ctx);
  for (const [si, shard] of shards.entries()) {
    ctx.progress('captions', si, shards.length);
    const r = ctx.resolve(shard);
    let fd: number;
    try {
      fd = openSync(r.abs, 'r');
    } catch (err) {
      ctx.log.push({ severity: 'error', file: shard, message: `cannot be opened (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); shard skipped` });
      continue;
    }
    try {
      const idx = indexTarFd(fd);
      for (const f of idx.faults) {
        const rest = f.message.endsWith('refused') ? '' : `; the ${idx.members.length} member${idx.members.length === 1 ? '' : 's'} before it are read`;
        ctx.log.add('damaged archives', { severity: 'error', file: shard, message: `${f.message}${rest}` });
      }
      const samples = new Map<string, Sample>();
      for (const m of idx.members) {
        const [key, ext] = keyAndExt(m.name);
        let s = samples.get(key);
        if (!s) samples.set(key, (s = { key, parts: new Map() }));
        s.parts.set(ext, { offset: m.offset, size: m.size, name: m.name });
        if (IMAGE_EXT.has(ext) && !s.image) s.image = m.name;
      }
      const split = splitOf(shard);
      for (const s of samples.values()) {
        const textPart = TEXT_EXT.map((e) => s.parts.get(e)).find((p) => p != null);
        const jsonPart = s.parts.get('json');
        if (!textPart && !jsonPart) {
          if (s.image) ctx.log.add('images without caption', { severity: 'warning', file: memberPath(shard, s.image), message: `no ${s.key}.txt in the archive; image skipped` });
          continue;
        }
        const part = textPart ?? jsonPart!;
        const where = memberPath(shard, part.name);
        const record = records++;
        if (!s.image) {
          skip(where, `no image member for key ${s.key} (looked for ${[...IMAGE_EXT].map((e) => `.${e}`).join(', ')})`);
          continue;
        }
        if (part.size > MAX_CAPTION_BYTES) {
          skip(where, `caption is larger than ${MAX_CAPTION_BYTES} bytes`);
          continue;
        }
        let text: string;
        try {
          text = decoder.decode(readRange(fd, part.offset, part.size)).replace(/^\uFEFF/, '');
        } catch {
          skip(where, `caption is not valid UTF-8 (member at byte ${part.offset})`);
          continue;
        }
        if (!textPart) {
          let doc: unknown;
          try {
            doc = JSON.parse(text);
          } catch (err) {
            skip(where, `is not valid JSON (${(err as Error).message})`);
            continue;
          }
          const o = (doc ?? {}) as { caption?: unknown; text?: unknown };
          const c = typeof o.caption === 'string' ? o.caption : typeof o.text === 'string' ? o.text : null;
          if (c == null) {
            skip(where, 'has no .txt beside it and no string "caption" or "text" field');
            continue;
          }
          text = c;
        }
        text = text.trim();
        const image = s.parts.get(keyAndExt(s.image)[1])!;
        const { index } = table.add({ id: path.posix.basename(s.key), path: memberPath(shard, s.image), split, missing: false });
        digest.update(`${shard}\0${s.image}\0${image.size}\0${text}\0`);
        if (!text) ctx.log.add('empty captions', { severity: 'warning', file: where, message: 'caption is empty (kept)' });
        captions.push({ id: path.posix.basename(s.key), text, imageIndex: index, split });
        captionRecord.push(record);
      }
    } finally {
      closeSync(fd);
    }
  }
  ctx.progress('captions', shards.length, shards.length);
  if (captions.length === 0) {
    throw new DatasetError(records === 0 ? 'no KEY.txt captions in the tar shards' : `no usable samples (first problem: ${firstError()})`, shards[0] ?? '.');
  }
  // img2dataset writes NNNNN.parquet beside each shard; the hash covers them when all exist, and
  // always the members' names, sizes and captions (never the image bytes).
  const parquet = shards.map((s) => s.replace(/\.tar$/, '.parquet')).filter((f) => isFile(path.join(ctx.root, f)));
  return {
    format: 'webdataset',
    images: table.images,
    captions,
    captionRecord,
    recordCount: records,
    indexFiles: parquet.length === shards.length ? parquet : [],
    contentDigest: digest.digest('hex'),
    captionSource: `${shards.length} WebDataset shard${shards.length > 1 ? 's' : ''}`,
  };
}
