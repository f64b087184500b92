// Karpathy split files (dataset_coco.json, dataset_flickr30k.json, dataset_f8k.json):
// {"images": [{"filename", "filepath"?, "split", "imgid", "sentences": [{"raw", "sentid"}]}]}.
// Images in array order; captions are each image's sentences in order. Image files are looked up under
// images/<filepath>/, images/, <filepath>/ and the folder itself.
import path from 'node:path';
import { z } from 'zod';
import type { DatasetCaption } from './dataset.js';
import { DatasetError } from './dataset.js';
import { LineIndex, describeIssues, readJsonFile } from './jsonl.js';
import { PathEscapeError } from './paths.js';
import { ImageTable, isFile, joinRel, resolveFirst, type ReadContext, type ReaderResult } from './reader.js';

export const KARPATHY_FILES = ['dataset_coco.json', 'dataset_flickr30k.json', 'dataset_f8k.json'];

export function findKarpathyFiles(root: string): string[] {
  return KARPATHY_FILES.filter((f) => isFile(path.join(root, f)));
}

const Top = z.looseObject({ images: z.array(z.unknown()) });
const Id = z.union([z.number(), z.string()], { error: 'must be a number or a string' });
const Image = z.looseObject({
  filename: z.string().min(1, { error: 'must not be empty' }),
  filepath: z.string().optional(),
  split: z.string().nullable().optional(),
  imgid: Id.optional(),
  sentences: z.array(z.unknown()),
});
const Sentence = z.looseObject({ raw: z.string(), sentid: Id.optional() });

export async function readKarpathy(ctx: ReadContext, file: string): Promise<ReaderResult> {
  ctx.progress('captions', 0, 1);
  const doc = readJsonFile(path.join(ctx.root, file), file, ctx.maxJsonBytes);
  const top = Top.safeParse(doc.value);
  if (!top.success) throw new DatasetError(`not a Karpathy split file: ${describeIssues(top.error, doc.value)}`, file);
  const lines = new LineIndex(doc.text);
  const table = new ImageTable();
  const captions: DatasetCaption[] = [];
  const captionRecord: number[] = [];
  let records = 0;
  let firstError = '';
  const skip = (what: string, i: number, message: string): void => {
    firstError ||= `images[${i}]: ${message}`;
    ctx.log.add(what, { severity: 'error', file, line: lines.line('images', i), message });
  };

  for (const [i, raw] of top.data.images.entries()) {
    const parsed = Image.safeParse(raw);
    if (!parsed.success) {
      const sentences = (raw as { sentences?: unknown } | null)?.sentences;
      const n = Array.isArray(sentences) ? sentences.length : 0;
      records += n;
      skip('skipped images', i, `images[${i}]: bad image record: ${describeIssues(parsed.error, raw)}; image and its ${n} sentences skipped`);
      continue;
    }
    const img = parsed.data;
    const fp = img.filepath || undefined;
    const candidates = [joinRel('images', fp, img.filename), ...(fp ? [joinRel('images', img.filename)] : []), joinRel(fp, img.filename), ...(fp ? [img.filename] : [])];
    let r;
    try {
      r = resolveFirst(ctx.resolve, candidates);
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
      records += img.sentences.length;
      skip('skipped images', i, `images[${i}]: "filename": ${err.message}; image and its sentences skipped`);
      continue;
    }
    const split = img.split ?? null;
    const id = img.imgid != null ? String(img.imgid) : String(i);
    const { index, added } = table.add({ id, path: r.rel, split, missing: !r.exists });
    if (added && !r.exists) {
      ctx.log.add('missing images', { severity: 'warning', file, line: lines.line('images', i), message: `images[${i}]: image file not found: ${r.rel}` });
    }
    for (const [j, s] of img.sentences.entries()) {
      const record = records++;
      const sp = Sentence.safeParse(s);
      if (!sp.success) {
        skip('skipped captions', i, `images[${i}].sentences[${j}]: bad sentence: ${describeIssues(sp.error, s)}; caption skipped`);
        continue;
      }
      captions.push({ id: sp.data.sentid != null ? String(sp.data.sentid) : `${id}:${j}`, text: sp.data.raw, imageIndex: index, split });
      captionRecord.push(record);
    }
  }
  ctx.progress('captions', 1, 1);
  if (captions.length === 0) {
    throw new DatasetError(records === 0 && !firstError ? 'no captions: the "images" array holds no sentences' : `no usable captions (first problem: ${firstError})`, file);
  }
  return { format: 'karpathy', images: table.images, captions, captionRecord, recordCount: records, indexFiles: [file], captionSource: file };
}
