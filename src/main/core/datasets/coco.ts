// COCO captions: annotations/captions_<split>.json ({images:[{id,file_name}], annotations:[{image_id,id,caption}]}).
// Several files combine (sorted by name). Images keep the order of each file's `images` array; captions
// follow the `annotations` arrays in file order. The split comes from the file name.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DatasetCaption } from './dataset.js';
import { DatasetError } from './dataset.js';
import { LineIndex, describeIssues, readJsonFile } from './jsonl.js';
import { PathEscapeError } from './paths.js';
import { ImageTable, isDir, joinRel, resolveFirst, type ReadContext, type ReaderResult } from './reader.js';

const CAPTION_FILE = /^captions_(.+)\.json$/;

/** COCO caption files in the folder (dataset-relative, sorted): annotations/ first, else the root. */
export function findCocoFiles(root: string): string[] {
  for (const dir of ['annotations', '']) {
    let names: string[];
    try {
      names = readdirSync(path.join(root, dir));
    } catch {
      continue;
    }
    const found = names.filter((n) => CAPTION_FILE.test(n)).sort();
    if (found.length) return found.map((n) => joinRel(dir, n));
  }
  return [];
}

const Top = z.looseObject({ images: z.array(z.unknown()), annotations: z.array(z.unknown()) });
const Image = z.looseObject({ id: z.union([z.number(), z.string()], { error: 'must be a number or a string' }), file_name: z.string().min(1, { error: 'must not be empty' }) });
const Annotation = z.looseObject({
  image_id: z.union([z.number(), z.string()], { error: 'must be a number or a string' }),
  id: z.union([z.number(), z.string()], { error: 'must be a number or a string' }).optional(),
  caption: z.string(),
});

export async function readCoco(ctx: ReadContext, files: string[]): Promise<ReaderResult> {
  const table = new ImageTable();
  const captions: DatasetCaption[] = [];
  const captionRecord: number[] = [];
  let records = 0;
  let firstError = '';

  for (const [fi, file] of files.entries()) {
    ctx.progress('captions', fi, files.length);
    const doc = readJsonFile(path.join(ctx.root, file), file, ctx.maxJsonBytes);
    const top = Top.safeParse(doc.value);
    if (!top.success) throw new DatasetError(`not a COCO captions file: ${describeIssues(top.error, doc.value)}`, file);
    const lines = new LineIndex(doc.text);
    const split = CAPTION_FILE.exec(path.posix.basename(file))?.[1] ?? null;
    const jsonDir = path.posix.dirname(file);
    const dirs = [split, split && `images/${split}`, 'images', 'train2014', 'val2014', 'train2017', 'val2017', jsonDir, '']
      .filter((d): d is string => d != null)
      .filter((d, i, all) => all.indexOf(d) === i);
    const existing = dirs.filter((d) => d === '' || isDir(path.join(ctx.root, d)));
    // The folder that held the last found image is tried first.
    let order = existing.length ? existing : [''];
    const skip = (what: string, key: 'images' | 'annotations', i: number, message: string): void => {
      firstError ||= `${file} ${key}[${i}]: ${message}`;
      ctx.log.add(what, { severity: 'error', file, line: lines.line(key, i), message: `${key}[${i}]: ${message}` });
    };

    const byId = new Map<string, number>();
    for (const [i, raw] of top.data.images.entries()) {
      const parsed = Image.safeParse(raw);
      if (!parsed.success) {
        skip('skipped images', 'images', i, `bad image record: ${describeIssues(parsed.error, raw)}; image skipped`);
        continue;
      }
      const id = String(parsed.data.id);
      if (byId.has(id)) {
        ctx.log.add('duplicate image ids', { severity: 'warning', file, line: lines.line('images', i), message: `images[${i}]: image id ${id} was already listed; this entry ignored` });
        continue;
      }
      let r;
      try {
        r = resolveFirst(ctx.resolve, order.map((d) => joinRel(d, parsed.data.file_name)));
      } catch (err) {
        if (!(err instanceof PathEscapeError)) throw err;
        skip('skipped images', 'images', i, `"file_name": ${err.message}; image skipped`);
        continue;
      }
      if (r.exists) {
        const d = order.find((x) => joinRel(x, parsed.data.file_name) === r.rel);
        if (d != null && d !== order[0]) order = [d, ...order.filter((x) => x !== d)];
      }
      const { index, added } = table.add({ id, path: r.rel, split, missing: !r.exists });
      if (added && !r.exists) {
        ctx.log.add('missing images', { severity: 'warning', file, line: lines.line('images', i), message: `images[${i}]: image file not found: ${parsed.data.file_name} (looked in ${order.map((d) => d || '.').join(', ')})` });
      }
      byId.set(id, index);
    }

    for (const [j, raw] of top.data.annotations.entries()) {
      const record = records++;
      const parsed = Annotation.safeParse(raw);
      if (!parsed.success) {
        skip('skipped captions', 'annotations', j, `bad annotation: ${describeIssues(parsed.error, raw)}; caption skipped`);
        continue;
      }
      const imageIndex = byId.get(String(parsed.data.image_id));
      if (imageIndex == null) {
        skip('skipped captions', 'annotations', j, `image_id ${parsed.data.image_id} is not among the usable images of this file; caption skipped`);
        continue;
      }
      captions.push({
        id: parsed.data.id != null ? String(parsed.data.id) : `${file}#${j}`,
        text: parsed.data.caption,
        imageIndex,
        split,
      });
      captionRecord.push(record);
    }
  }
  ctx.progress('captions', files.length, files.length);

  const source = files.length === 1 ? files[0] : `${files.length} COCO caption files`;
  if (captions.length === 0) {
    throw new DatasetError(
      records === 0 ? 'no captions: every "annotations" array is empty' : `none of the ${records} annotations is a usable caption (first problem: ${firstError})`,
      files[0],
    );
  }
  return { format: 'coco', images: table.images, captions, captionRecord, recordCount: records, indexFiles: files, captionSource: source };
}
