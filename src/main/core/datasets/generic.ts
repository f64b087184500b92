// The generic folder: captions.jsonl, one {"image", "caption", "id"?, "split"?, ...extra} per line.
import path from 'node:path';
import { z } from 'zod';
import type { DatasetCaption } from './dataset.js';
import { chooseVectorColumns, VectorColumn, vectorSpace, type VectorColumns } from './table_vectors.js';
import { DatasetError } from './dataset.js';
import { describeIssues } from './jsonl.js';
import { forEachJsonl } from './jsonl_stream.js';
import { PathEscapeError } from './paths.js';
import { ImageTable, idFromPath, resolveFirst, type ReadContext, type ReaderResult } from './reader.js';

export const GENERIC_CAPTIONS = 'captions.jsonl';

const CaptionLine = z.looseObject({
  image: z.string().min(1, { error: 'must not be empty' }),
  caption: z.string(),
  id: z.union([z.string(), z.number()], { error: 'must be a string or a number' }).optional(),
  split: z.string().nullable().optional(),
});

const KNOWN = new Set(['image', 'caption', 'id', 'split']);

interface VectorFields {
  names: VectorColumns;
  image: VectorColumn | null;
  text: VectorColumn | null;
}

export async function readGeneric(ctx: ReadContext): Promise<ReaderResult> {
  const file = GENERIC_CAPTIONS;
  const abs = path.join(ctx.root, file);
  const table = new ImageTable();
  const captions: DatasetCaption[] = [];
  const captionRecord: number[] = [];
  const seenIds = new Set<string>();
  // Resolution outcome per distinct raw image string: an index or the escape error.
  const imageCache = new Map<string, number | PathEscapeError>();
  let records = 0;
  let firstError = '';
  // Vector fields (image_embedding, text_embedding, …) named by the first valid line.
  let vec: VectorFields | null = null;
  const imageVectors: Array<[unknown, number]> = [];

  const skip = (line: number, message: string): void => {
    firstError ||= `line ${line}: ${message}`;
    ctx.log.add('skipped lines', { severity: 'error', file, line, message: `${message}; line skipped` });
  };

  const imageIndex = (raw: string, line: number, split: string | null): number | PathEscapeError => {
    const cached = imageCache.get(raw);
    if (cached !== undefined) {
      if (typeof cached === 'number' && split != null && table.images[cached].split == null) table.images[cached].split = split;
      return cached;
    }
    let out: number | PathEscapeError;
    try {
      // A bare name ("x.png") that is not at the root is looked up under images/ too.
      const slashed = raw.replace(/\\/g, '/');
      const r = slashed.includes('/') ? ctx.resolve(raw) : resolveFirst(ctx.resolve, [raw, `images/${slashed}`]);
      const { index, added } = table.add({ id: idFromPath(r.rel), path: r.rel, split, missing: !r.exists });
      if (added && !r.exists) {
        ctx.log.add('missing images', { severity: 'warning', file, line, message: `image file not found: ${r.rel}` });
      }
      out = index;
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
      out = err;
    }
    imageCache.set(raw, out);
    return out;
  };

  await forEachJsonl(
    abs,
    file,
    (value, line) => {
      const record = records++;
      const parsed = CaptionLine.safeParse(value);
      if (!parsed.success) {
        // Keep the image (if it is usable) so image order matches the file even when the caption is bad.
        const img = (value as { image?: unknown } | null)?.image;
        if (typeof img === 'string' && img) imageIndex(img, line, null);
        skip(line, `bad record: ${describeIssues(parsed.error, value)}`);
        return;
      }
      const rec = parsed.data;
      const split = rec.split ?? null;
      const idx = imageIndex(rec.image, line, split);
      if (vec == null) {
        const names = chooseVectorColumns(Object.keys(rec), {});
        vec = { names, image: names.image ? new VectorColumn('image', ctx.log) : null, text: names.text ? new VectorColumn('caption', ctx.log) : null };
      }
      if (idx instanceof PathEscapeError) {
        skip(line, `"image": ${idx.message}`);
        return;
      }
      const id = rec.id != null ? String(rec.id) : String(record);
      if (seenIds.has(id)) {
        ctx.log.add('duplicate caption ids', { severity: 'warning', file, line, message: `caption id ${JSON.stringify(id)} was already used above` });
      }
      seenIds.add(id);
      if (rec.caption.trim() === '') {
        ctx.log.add('empty captions', { severity: 'warning', file, line, message: 'caption is empty (kept)' });
      }
      const caption: DatasetCaption = { id, text: rec.caption, imageIndex: idx, split };
      const extra: Record<string, unknown> = {};
      let hasExtra = false;
      for (const [k, v] of Object.entries(rec)) {
        if (!KNOWN.has(k)) {
          extra[k] = v;
          hasExtra = true;
        }
      }
      if (hasExtra) caption.extra = extra;
      const v = vec as VectorFields;
      if (v.names.image && imageVectors[idx] === undefined) imageVectors[idx] = [extra[v.names.image], line];
      v.text?.add(extra[v.names.text!], file, line, `line ${line}`, v.names.text!);
      if (v.names.image) delete extra[v.names.image];
      if (v.names.text) delete extra[v.names.text];
      if (caption.extra && Object.keys(extra).length === 0) delete caption.extra;
      captions.push(caption);
      captionRecord.push(record);
    },
    {
      onBytes: (done, total) => ctx.progress('captions', done, total),
      // A line that is not JSON (or not UTF-8) still counts as a record: later caption_index
      // references and text.npy rows keep their meaning.
      onBadLine: (line, message) => {
        records++;
        skip(line, message);
      },
    },
  );

  if (records === 0) throw new DatasetError('has no records (the file is empty)', file);
  const v = vec as VectorFields | null;
  if (v?.image) {
    // One vector per image, from the first valid line that names it.
    for (let i = 0; i < table.images.length; i++) {
      const [cell, line] = imageVectors[i] ?? [undefined, 0];
      v.image.add(cell, file, line, line ? `line ${line}` : `image ${table.images[i].path} (no valid line)`, v.names.image!);
    }
  }
  const vectors = v ? vectorSpace(v.image, v.text, v.names, file, ctx.log) : null;
  if (captions.length === 0) {
    throw new DatasetError(`none of its ${records} records is a valid caption (first problem: ${firstError})`, file);
  }
  return {
    format: 'generic',
    images: table.images,
    captions,
    captionRecord,
    recordCount: records,
    indexFiles: [file],
    captionSource: file,
    ...(vectors ? { vectors } : {}),
  };
}
