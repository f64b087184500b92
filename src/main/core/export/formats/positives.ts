// The verified positives (label_rows.ts verifiedPairs) in the layouts other tools read:
//  - CxC SITS-style CSV: header caption,image,agg_score,sampling_method; the caption as
//    "<name>:sentid:<caption id>" and the image as its file name, as CxC writes them (its readers
//    take the number after the last ':' and at the end of the file name); every row a positive
//    (agg_score 5, above CxC's threshold 3); sampling_method c2i_original for annotated pairs
//    (CxC's own term), mlens_<origin> for the others.
//  - ECCV Caption JSON: two files, {"<caption id>": [image ids]} (caption→image, the named file) and
//    {"<image id>": [caption ids]} (image→caption, beside it), the layout of eccv_caption's
//    data/eccv_caption_to_image.json and eccv_image_to_caption.json; Metrics.set_eccv_gts(i2t, t2i)
//    loads them. Ids that are integers are written as numbers; eccv_caption converts every id with
//    int(), so other ids are written as strings and the export says so.
import path from 'node:path';
import type { Dataset } from '../../datasets/dataset.js';
import { csvLine } from '../../io/csv.js';
import type { VerifiedPair } from './label_rows.js';

/** How an image is named in a CxC row: its file name when that names it alone, else its id. */
function imageRefs(ds: Dataset): string[] {
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  ds.images.forEach((im, i) => {
    const n = path.posix.basename(im.path);
    names.set(n, names.has(n) ? -1 : i);
    if (!ids.has(im.id)) ids.set(im.id, i);
  });
  return ds.images.map((im, i) => {
    const n = path.posix.basename(im.path);
    const byId = ids.get(n);
    return names.get(n) === i && (byId === undefined || byId === i) ? n : im.id;
  });
}

export function cxcCsv(ds: Dataset, pairs: readonly VerifiedPair[]): Buffer {
  const prefix = ds.name.replace(/[:,\s"]/g, '_') || 'dataset';
  const images = imageRefs(ds);
  const lines = [csvLine(['caption', 'image', 'agg_score', 'sampling_method'])];
  for (const p of pairs) {
    const id = ds.captions[p.caption].id;
    const caption = id.includes(':') ? id : `${prefix}:sentid:${id}`;
    lines.push(csvLine([caption, images[p.image], 5, p.origin === 'annotated' ? 'c2i_original' : `mlens_${p.origin}`]));
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The image→caption file written beside a caption→image file. */
export function eccvImageToCaptionPath(file: string): string {
  const dir = path.dirname(file);
  const name = path.basename(file);
  if (/caption_to_image\.json$/i.test(name)) return path.join(dir, name.replace(/caption_to_image\.json$/i, 'image_to_caption.json'));
  return path.join(dir, `${name.replace(/\.json$/i, '')}_image_to_caption.json`);
}

const pythonInt = (id: string) => /^\s*[+-]?\d+\s*$/.test(id);
const jsonId = (id: string): string | number => (/^(0|[1-9]\d*)$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : id);

export function eccvJson(ds: Dataset, pairs: readonly VerifiedPair[]): { t2i: Buffer; i2t: Buffer; warnings: string[] } {
  const t2i = new Map<number, number[]>();
  const i2t = new Map<number, number[]>();
  for (const p of pairs) {
    if (!t2i.has(p.caption)) t2i.set(p.caption, []);
    t2i.get(p.caption)!.push(p.image);
    if (!i2t.has(p.image)) i2t.set(p.image, []);
    i2t.get(p.image)!.push(p.caption);
  }
  const sorted = (m: Map<number, number[]>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
  const t2iObj = Object.fromEntries(sorted(t2i).map(([c, is]) => [ds.captions[c].id, is.sort((a, b) => a - b).map((i) => jsonId(ds.images[i].id))]));
  const i2tObj = Object.fromEntries(sorted(i2t).map(([i, cs]) => [ds.images[i].id, cs.sort((a, b) => a - b).map((c) => jsonId(ds.captions[c].id))]));
  const warnings: string[] = [];
  const badCaption = ds.captions.find((c, k) => t2i.has(k) && !pythonInt(c.id));
  const badImage = ds.images.find((im, i) => i2t.has(i) && !pythonInt(im.id));
  for (const [what, bad] of [['caption', badCaption?.id], ['image', badImage?.id]] as const) {
    if (bad !== undefined) warnings.push(`${what} ids are not integers (e.g. ${JSON.stringify(bad)}): eccv_caption's Metrics reads ids with int(), so it cannot load this file as is; mlens import reads it`);
  }
  return { t2i: Buffer.from(`${JSON.stringify(t2iObj)}\n`), i2t: Buffer.from(`${JSON.stringify(i2tObj)}\n`), warnings };
}
