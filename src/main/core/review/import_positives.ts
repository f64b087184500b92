// Importing extra positives made elsewhere, mapped from dataset ids to item indices:
//   ECCV Caption JSON   {"<caption id>": [image ids]} (t2i), or the i2t form {"<image id>": [caption ids]};
//                       the direction is detected from which ids the keys match.
//   CxC CSV (SITS)      header caption,image,agg_score[,sampling_method]; rows with score ≥ 3 are
//                       positives (cxc_thres = 3, SCIENCE 1.2). Caption refs like
//                       "COCO_val2014:sentid:732091" use the part after the last ':'.
//   positives.jsonl     {"image": path | index | "image_id": id, "caption_index": c | "caption_id": id, "label"?: 1–4}
//
// References: a caption by its dataset id; an image by its dataset id, its file name
// (COCO_val2014_000000365325.jpg), or the number at the end of the file name's stem (the COCO id).
// Broken files (unreadable, not JSON, wrong shape, a CSV row with the wrong number of fields, a
// score that is not a number) throw ImportError naming the file and the line or row. References
// that match no item are counted and listed (first 10, with their line); when nothing matches the
// import fails with an ImportError that says which ids were tried.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseCsv, CsvSyntaxError, type CsvRecord } from '../io/csv.js';

export type ImportFormat = 'eccv-json' | 'cxc-csv' | 'positives-jsonl';

export interface ImportItems {
  images: readonly { id: string; path: string }[];
  captions: readonly { id: string }[];
}

export interface ImportOptions {
  format?: ImportFormat;
  /** ECCV JSON direction; default detected. */
  direction?: 't2i' | 'i2t';
  /** CxC score threshold (default 3). */
  cxcThreshold?: number;
}

export interface ImportResult {
  file: string;
  format: ImportFormat;
  direction?: 't2i' | 'i2t';
  /** [image, caption, label (1–4, or 0 when the source has none)], unique pairs. */
  pairs: Array<[number, number, number]>;
  /** Records read (keys × values, CSV rows, JSONL lines). */
  records: number;
  /** CxC rows below the threshold. */
  belowThreshold: number;
  unmatched: { count: number; examples: string[] };
}

export class ImportError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
  ) {
    super(line != null ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = 'ImportError';
  }
}

/** Maps the references other tools use (ids, file names, COCO numbers) onto item indices. */
export class Lookup {
  private readonly imageById = new Map<string, number>();
  private readonly imageByName = new Map<string, number>();
  private readonly imageByNumber = new Map<string, number>();
  private readonly captionById = new Map<string, number>();
  readonly imageByPath = new Map<string, number>();

  constructor(items: ImportItems) {
    const ambiguous = new Set<string>();
    items.images.forEach((im, i) => {
      if (!this.imageById.has(im.id)) this.imageById.set(im.id, i);
      if (!this.imageByPath.has(im.path)) this.imageByPath.set(im.path, i);
      const name = basename(im.path);
      if (!this.imageByName.has(name)) this.imageByName.set(name, i);
      const m = /(\d+)$/.exec(name.slice(0, name.length - extname(name).length));
      if (m) {
        const num = String(Number(m[1]));
        if (this.imageByNumber.has(num) && this.imageByNumber.get(num) !== i) ambiguous.add(num);
        else this.imageByNumber.set(num, i);
      }
    });
    for (const a of ambiguous) this.imageByNumber.delete(a);
    items.captions.forEach((c, k) => {
      if (!this.captionById.has(c.id)) this.captionById.set(c.id, k);
    });
  }

  image(ref: unknown): number | undefined {
    if (typeof ref !== 'string' && typeof ref !== 'number') return undefined;
    const s = String(ref).trim();
    const byId = this.imageById.get(s);
    if (byId !== undefined) return byId;
    const byName = this.imageByName.get(basename(s));
    if (byName !== undefined) return byName;
    const stem = basename(s).slice(0, basename(s).length - extname(s).length);
    const m = /(\d+)$/.exec(stem);
    return m ? this.imageByNumber.get(String(Number(m[1]))) : undefined;
  }

  caption(ref: unknown): number | undefined {
    if (typeof ref !== 'string' && typeof ref !== 'number') return undefined;
    const s = String(ref).trim();
    const direct = this.captionById.get(s);
    if (direct !== undefined) return direct;
    const colon = s.lastIndexOf(':');
    return colon >= 0 ? this.captionById.get(s.slice(colon + 1)) : undefined;
  }
}

function lineAt(text: string, pos: number): number {
  let line = 1;
  for (let k = 0; k < pos && k < text.length; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

function jsonErrorLine(text: string, e: Error): { line?: number; message: string } {
  const m = /position (\d+)/.exec(e.message);
  return m ? { line: lineAt(text, Number(m[1])), message: e.message } : { message: e.message };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ImportError(file, `cannot read: ${(e as Error).message}`);
  }
}

export function detectFormat(file: string): ImportFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'cxc-csv';
  if (ext === '.jsonl') return 'positives-jsonl';
  if (ext === '.json') return 'eccv-json';
  throw new ImportError(file, `unknown positives format "${ext || '(no extension)'}": expected .json (ECCV Caption), .csv (CxC) or .jsonl (positives.jsonl)`);
}

class Collector {
  readonly pairs = new Map<number, [number, number, number]>();
  readonly unmatched: string[] = [];
  count = 0;
  records = 0;
  constructor(private readonly nImages: number) {}
  add(image: number, caption: number, label: number): void {
    const key = caption * this.nImages + image;
    this.pairs.delete(key);
    this.pairs.set(key, [image, caption, label]);
  }
  miss(text: string): void {
    this.count++;
    if (this.unmatched.length < 10) this.unmatched.push(text);
  }
}

function finish(file: string, format: ImportFormat, col: Collector, extra: Partial<ImportResult> = {}): ImportResult {
  if (col.records > 0 && col.pairs.size === 0 && col.count > 0) {
    throw new ImportError(file, `no reference matches an item of the dataset (${col.count} unmatched; first: ${col.unmatched.slice(0, 3).join('; ')}); captions are matched by id, images by id, file name or the COCO number in the file name`);
  }
  return { file, format, pairs: [...col.pairs.values()], records: col.records, belowThreshold: 0, unmatched: { count: col.count, examples: col.unmatched }, ...extra };
}

function importEccv(file: string, text: string, look: Lookup, nImages: number, direction?: 't2i' | 'i2t'): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const { line, message } = jsonErrorLine(text, e as Error);
    throw new ImportError(file, `malformed JSON: ${message}`, line);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ImportError(file, 'expected an object {"<caption id>": [image ids]} (or {"<image id>": [caption ids]})');
  }
  const entries = Object.entries(data as Record<string, unknown>);
  const keyLine = (key: string): number | undefined => {
    const pos = text.indexOf(JSON.stringify(key));
    return pos >= 0 ? lineAt(text, pos) : undefined;
  };
  for (const [key, value] of entries) {
    if (!Array.isArray(value)) throw new ImportError(file, `key "${key}": expected an array of ids, got ${value === null ? 'null' : typeof value}`, keyLine(key));
    for (const v of value) {
      if (typeof v !== 'number' && typeof v !== 'string') throw new ImportError(file, `key "${key}": ${JSON.stringify(v)} is not an id (number or string)`, keyLine(key));
    }
  }
  let dir = direction;
  if (!dir) {
    let t2i = 0;
    let i2t = 0;
    for (const [key] of entries.slice(0, 2000)) {
      if (look.caption(key) !== undefined) t2i++;
      if (look.image(key) !== undefined) i2t++;
    }
    if (!t2i && !i2t && entries.length) {
      const k = entries[0][0];
      throw new ImportError(file, `key "${k}" is neither a caption id nor an image id of the dataset (nor is any other key)`, keyLine(k));
    }
    dir = t2i >= i2t ? 't2i' : 'i2t';
  }
  const col = new Collector(nImages);
  for (const [key, values] of entries as [string, (string | number)[]][]) {
    const q = dir === 't2i' ? look.caption(key) : look.image(key);
    col.records += values.length;
    if (q === undefined) {
      col.count += values.length - 1;
      col.miss(`line ${keyLine(key) ?? '?'}: ${dir === 't2i' ? 'caption' : 'image'} "${key}"`);
      continue;
    }
    for (const v of values) {
      const g = dir === 't2i' ? look.image(v) : look.caption(v);
      if (g === undefined) col.miss(`line ${keyLine(key) ?? '?'}: key "${key}": ${dir === 't2i' ? 'image' : 'caption'} ${JSON.stringify(v)}`);
      else if (dir === 't2i') col.add(g, q, 0);
      else col.add(q, g, 0);
    }
  }
  return finish(file, 'eccv-json', col, { direction: dir });
}

function importCxc(file: string, text: string, look: Lookup, nImages: number, threshold: number): ImportResult {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new ImportError(file, `row ${e.line}: ${e.message}`, e.line);
    throw e;
  }
  const header = records[0]?.fields.map((h) => h.trim().toLowerCase()) ?? [];
  const ci = header.indexOf('caption');
  const ii = header.indexOf('image');
  const si = header.indexOf('agg_score') >= 0 ? header.indexOf('agg_score') : header.indexOf('score');
  if (ci < 0 || ii < 0 || si < 0) {
    throw new ImportError(file, `row 1: expected a header with caption, image and agg_score columns (a CxC image–caption SITS file), got "${text.split(/\r?\n/)[0] ?? ''}"`, 1);
  }
  const col = new Collector(nImages);
  let below = 0;
  for (const { fields: f, line } of records.slice(1)) {
    if (f.length !== header.length) throw new ImportError(file, `row ${line}: ${f.length} fields, the header has ${header.length}`, line);
    const score = Number(f[si]);
    if (f[si].trim() === '' || !Number.isFinite(score)) throw new ImportError(file, `row ${line}: score "${f[si]}" is not a number`, line);
    col.records++;
    if (score < threshold) {
      below++;
      continue;
    }
    const c = look.caption(f[ci]);
    const i = look.image(f[ii]);
    if (c === undefined) col.miss(`row ${line}: caption "${f[ci]}"`);
    else if (i === undefined) col.miss(`row ${line}: image "${f[ii]}"`);
    else col.add(i, c, 0);
  }
  const res = finish(file, 'cxc-csv', col);
  res.belowThreshold = below;
  return res;
}

function importJsonl(file: string, text: string, look: Lookup, items: ImportItems): ImportResult {
  const col = new Collector(items.images.length);
  const lines = text.split(/\r?\n/);
  for (let l = 0; l < lines.length; l++) {
    const raw = lines[l].trim();
    if (!raw) continue;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      throw new ImportError(file, `malformed JSON: ${(e as Error).message}`, l + 1);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ImportError(file, 'expected an object {"image": ..., "caption_index": ..., "label"?: 1-4}', l + 1);
    const o = v as Record<string, unknown>;
    const label = o.label ?? 0;
    if (!(label === 0 || label === null || label === 1 || label === 2 || label === 3 || label === 4)) {
      throw new ImportError(file, `"label" must be 1, 2, 3 or 4 (ECCV Caption scale), got ${JSON.stringify(o.label)}`, l + 1);
    }
    let i: number | undefined;
    if (typeof o.image === 'number') {
      if (!Number.isInteger(o.image)) throw new ImportError(file, `"image" ${o.image} is not a whole number`, l + 1);
      i = o.image >= 0 && o.image < items.images.length ? o.image : undefined;
    } else if (typeof o.image === 'string') {
      const rel = o.image.replace(/\\/g, '/').replace(/^\.\//, '');
      i = look.imageByPath.get(rel) ?? look.image(o.image);
    } else if (o.image_id != null) i = look.image(o.image_id);
    else throw new ImportError(file, 'needs "image" (a path or an index) or "image_id"', l + 1);
    let c: number | undefined;
    if (typeof o.caption_index === 'number') {
      if (!Number.isInteger(o.caption_index)) throw new ImportError(file, `"caption_index" ${o.caption_index} is not a whole number`, l + 1);
      c = o.caption_index >= 0 && o.caption_index < items.captions.length ? o.caption_index : undefined;
    } else if (o.caption_id != null) c = look.caption(o.caption_id);
    else throw new ImportError(file, 'needs "caption_index" (a number) or "caption_id"', l + 1);
    col.records++;
    if (i === undefined) col.miss(`line ${l + 1}: image ${JSON.stringify(o.image ?? o.image_id)}`);
    else if (c === undefined) col.miss(`line ${l + 1}: caption ${JSON.stringify(o.caption_index ?? o.caption_id)}`);
    else col.add(i, c, (label as number | null) ?? 0);
  }
  return finish(file, 'positives-jsonl', col);
}

/** Reads a positives file and maps it onto the dataset's items (see the file header). */
export function importPositivesFile(file: string, items: ImportItems, opts: ImportOptions = {}): ImportResult {
  const format = opts.format ?? detectFormat(file);
  const text = readText(file);
  const look = new Lookup(items);
  if (format === 'eccv-json') return importEccv(file, text, look, items.images.length, opts.direction);
  if (format === 'cxc-csv') return importCxc(file, text, look, items.images.length, opts.cxcThreshold ?? 3);
  return importJsonl(file, text, look, items);
}
