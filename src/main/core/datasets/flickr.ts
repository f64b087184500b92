// Flickr30k and Flickr8k caption files, as they are distributed:
// - `results.csv` (Flickr30k): a header `image_name| comment_number| comment`, then one
//   `IMAGE| N| caption` per line;
// - `results_20130124.token` (Flickr30k) and `Flickr8k.token.txt`: `IMAGE#N<TAB>caption`;
// - Flickr8k's split lists `Flickr_8k.{train,dev,test}Images.txt` (dev becomes val) when present.
// Images in order of first appearance; captions in file order. Image files are looked up under the
// usual folders (flickr30k_images/, Flicker8k_Dataset/, Flickr8k_Dataset/, Images/, images/, root).
import path from 'node:path';
import type { DatasetCaption } from './dataset.js';
import { DatasetError } from './dataset.js';
import { PathEscapeError } from './paths.js';
import { ImageTable, idFromPath, isDir, isFile, resolveFirst, type ReadContext, type ReaderResult } from './reader.js';
import { forEachTextLine } from './text_lines.js';

export const FLICKR_FILES = ['results.csv', 'results_20130124.token', 'Flickr8k.token.txt'];
const IMAGE_DIRS = ['flickr30k_images/flickr30k_images', 'flickr30k_images', 'Flicker8k_Dataset', 'Flickr8k_Dataset', 'Images', 'images', ''];
const SPLIT_FILES: Array<[string, string]> = [
  ['Flickr_8k.trainImages.txt', 'train'],
  ['Flickr_8k.devImages.txt', 'val'],
  ['Flickr_8k.testImages.txt', 'test'],
];

export function findFlickrFiles(root: string): string[] {
  return FLICKR_FILES.filter((f) => isFile(path.join(root, f)));
}

interface Parsed {
  image: string;
  n: string;
  caption: string;
}

/** One caption line, or a message saying why it is not one. */
function parseLine(file: string, text: string): Parsed | string {
  if (file.endsWith('.csv')) {
    const a = text.indexOf('|');
    const b = a < 0 ? -1 : text.indexOf('|', a + 1);
    if (b < 0) return `expected "image| number| caption" (two "|" separators), got ${JSON.stringify(text.slice(0, 80))}`;
    return { image: text.slice(0, a).trim(), n: text.slice(a + 1, b).trim(), caption: text.slice(b + 1).trim() };
  }
  const tab = text.indexOf('\t');
  if (tab < 0) return `expected "image#number<TAB>caption", got ${JSON.stringify(text.slice(0, 80))}`;
  const key = text.slice(0, tab).trim();
  const hash = key.lastIndexOf('#');
  return { image: hash < 0 ? key : key.slice(0, hash), n: hash < 0 ? '' : key.slice(hash + 1), caption: text.slice(tab + 1).trim() };
}

function readSplits(ctx: ReadContext): { bySplit: Map<string, string>; files: string[] } {
  const bySplit = new Map<string, string>();
  const files: string[] = [];
  for (const [name, split] of SPLIT_FILES) {
    if (!isFile(path.join(ctx.root, name))) continue;
    files.push(name);
    forEachTextLine(
      path.join(ctx.root, name),
      name,
      ({ text }) => {
        bySplit.set(text.trim(), split);
      },
      (line) => ctx.log.add('bad lines', { severity: 'error', file: name, line, message: 'line is not valid UTF-8; skipped' }),
    );
  }
  return { bySplit, files };
}

export async function readFlickr(ctx: ReadContext, file: string): Promise<ReaderResult> {
  ctx.progress('captions', 0, 1);
  const splits = readSplits(ctx);
  const table = new ImageTable();
  const captions: DatasetCaption[] = [];
  const captionRecord: number[] = [];
  const imageCache = new Map<string, number | PathEscapeError>();
  // Folders that exist come first, so a missing image is reported where its siblings are.
  const dirs = [...IMAGE_DIRS.filter((d) => d && isDir(path.join(ctx.root, d))), ''];
  let records = 0;
  let firstError = '';
  const skip = (line: number, message: string): void => {
    firstError ||= `line ${line}: ${message}`;
    ctx.log.add('skipped lines', { severity: 'error', file, line, message: `${message}; line skipped` });
  };
  const imageIndex = (name: string, line: number): number | PathEscapeError => {
    const cached = imageCache.get(name);
    if (cached !== undefined) return cached;
    let out: number | PathEscapeError;
    try {
      const r = resolveFirst(ctx.resolve, dirs.map((d) => (d ? `${d}/${name}` : name)));
      const { index, added } = table.add({ id: idFromPath(path.posix.basename(r.rel)), path: r.rel, split: splits.bySplit.get(name) ?? null, missing: !r.exists });
      if (added && !r.exists) ctx.log.add('missing images', { severity: 'warning', file, line, message: `image file not found: ${name}` });
      out = index;
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
      out = err;
    }
    imageCache.set(name, out);
    return out;
  };

  const isCsv = file.endsWith('.csv');
  forEachTextLine(
    path.join(ctx.root, file),
    file,
    ({ line, text }) => {
      if (isCsv && line === 1 && /^\s*image_name\s*\|/i.test(text)) return; // the header
      const record = records++;
      const p = parseLine(file, text);
      if (typeof p === 'string') return skip(line, p);
      if (!p.image) return skip(line, 'the image name is empty');
      const idx = imageIndex(p.image, line);
      if (idx instanceof PathEscapeError) return skip(line, `image ${JSON.stringify(p.image)}: ${idx.message}`);
      if (!p.caption) ctx.log.add('empty captions', { severity: 'warning', file, line, message: 'caption is empty (kept)' });
      const split = table.images[idx].split;
      captions.push({ id: `${idFromPath(p.image)}#${p.n || captions.length}`, text: p.caption, imageIndex: idx, split });
      captionRecord.push(record);
    },
    (line) => {
      records++;
      skip(line, 'line is not valid UTF-8');
    },
  );
  ctx.progress('captions', 1, 1);
  if (records === 0) throw new DatasetError('has no caption lines (the file is empty)', file);
  if (captions.length === 0) throw new DatasetError(`none of its ${records} lines is a caption (first problem: ${firstError})`, file);
  if (splits.files.length) {
    const without = table.images.filter((im) => im.split == null).length;
    if (without) ctx.log.add('images without split', { severity: 'warning', file: splits.files[0], message: `${without} images are in none of ${splits.files.join(', ')}` });
  }
  return { format: 'flickr', images: table.images, captions, captionRecord, recordCount: records, indexFiles: [file, ...splits.files], captionSource: file };
}
