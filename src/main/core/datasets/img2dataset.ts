// img2dataset's "files" output, read in place: shard folders named by number (00000/, 00001/, …),
// each holding KEY.jpg (or .png/.webp) with KEY.txt (the caption) and KEY.json (url, status, …).
// One caption per image; images and captions in shard order, then key order. A KEY.txt without its
// image, or an image without its .txt, is a problem naming the file; the rest opens.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DatasetCaption } from './dataset.js';
import { DatasetError } from './dataset.js';
import { ImageTable, isDir, isFile, sampleSkipper, type ReadContext, type ReaderResult } from './reader.js';

const SHARD = /^\d{3,}$/;
const IMAGE_EXT = ['.jpg', '.jpeg', '.png', '.webp', '.avif', '.gif'];
const MAX_CAPTION_BYTES = 1024 * 1024;

function shardDirs(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names.filter((n) => SHARD.test(n) && isDir(path.join(root, n))).sort();
}

/** The shard folders when the folder looks like img2dataset output (a shard with KEY.txt beside an image). */
export function findImg2datasetShards(root: string): string[] {
  const shards = shardDirs(root);
  for (const s of shards.slice(0, 3)) {
    const files = new Set(readdirSync(path.join(root, s)));
    for (const f of files) {
      if (!f.endsWith('.txt')) continue;
      const key = f.slice(0, -4);
      if (IMAGE_EXT.some((e) => files.has(key + e))) return shards;
    }
  }
  return [];
}

export async function readImg2dataset(ctx: ReadContext, shards: string[]): Promise<ReaderResult> {
  const table = new ImageTable();
  const captions: DatasetCaption[] = [];
  const captionRecord: number[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let records = 0;
  const { skip, firstError } = sampleSkipper(ctx);
  for (const [si, shard] of shards.entries()) {
    ctx.progress('captions', si, shards.length);
    const names = readdirSync(path.join(ctx.root, shard)).sort();
    const byKey = new Map<string, { txt?: string; image?: string }>();
    for (const n of names) {
      const ext = path.extname(n).toLowerCase();
      const key = n.slice(0, n.length - ext.length);
      if (ext === '.txt') byKey.set(key, { ...byKey.get(key), txt: n });
      else if (IMAGE_EXT.includes(ext)) byKey.set(key, { ...byKey.get(key), image: n });
    }
    for (const [key, f] of [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!f.txt) {
        ctx.log.add('images without caption', { severity: 'warning', file: `${shard}/${f.image}`, message: `no ${key}.txt beside it; image skipped` });
        continue;
      }
      const record = records++;
      const txtRel = `${shard}/${f.txt}`;
      if (!f.image) {
        skip(txtRel, `no image file for key ${key} (looked for ${IMAGE_EXT.join(', ')})`);
        continue;
      }
      const abs = path.join(ctx.root, shard, f.txt);
      if (statSync(abs).size > MAX_CAPTION_BYTES) {
        skip(txtRel, `caption file is larger than ${MAX_CAPTION_BYTES} bytes`);
        continue;
      }
      let text: string;
      try {
        text = decoder.decode(readFileSync(abs)).replace(/^\uFEFF/, '').trim();
      } catch {
        skip(txtRel, 'caption is not valid UTF-8');
        continue;
      }
      const r = ctx.resolve(`${shard}/${f.image}`);
      const { index } = table.add({ id: key, path: r.rel, split: null, missing: !r.exists });
      if (!text) ctx.log.add('empty captions', { severity: 'warning', file: txtRel, message: 'caption is empty (kept)' });
      captions.push({ id: key, text, imageIndex: index, split: null });
      captionRecord.push(record);
    }
  }
  ctx.progress('captions', shards.length, shards.length);
  if (captions.length === 0) {
    throw new DatasetError(records === 0 ? 'no KEY.txt captions in the shard folders' : `no usable samples (first problem: ${firstError()})`, shards[0] ?? '.');
  }
  // The hash covers the shards' parquet tables when img2dataset wrote them (one file a shard), else
  // every caption file.
  const parquet = shards.map((s) => `${s}.parquet`).filter((f) => isFile(path.join(ctx.root, f)));
  const indexFiles = parquet.length === shards.length ? parquet : captions.map((c) => `${path.posix.dirname(table.images[c.imageIndex].path)}/${c.id}.txt`);
  return { format: 'img2dataset', images: table.images, captions, captionRecord, recordCount: records, indexFiles, captionSource: `${shards.length} img2dataset shard folder${shards.length > 1 ? 's' : ''}` };
}
