// truth.jsonl: the complete set of valid images per caption, {"caption_index": c, "images": [i | "images/x.png", ...]}.
// caption_index counts caption records of the source in order (= caption index when none was skipped).
// Bad lines and out-of-range references are Problems with file and line; they never block opening.
import path from 'node:path';
import { z } from 'zod';
import { describeIssues } from './jsonl.js';
import { forEachJsonl } from './jsonl_stream.js';
import type { ProblemLog } from './problems.js';
import type { Refs } from './refs.js';

export const TRUTH_FILE = 'truth.jsonl';

const TruthLine = z.looseObject({
  caption_index: z.number(),
  images: z.array(z.union([z.number(), z.string()], { error: 'must be a number or a string' })),
});

/**
 * The common case without zod: a caption index and a list of image numbers. Validating a list of
 * 16,000 numbers through the schema's union took most of the time of opening a large truth file;
 * anything else (strings, bad fields) goes through the schema and its messages.
 */
function fastTruthLine(value: unknown): { success: true; data: { caption_index: number; images: number[] } } | null {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as { caption_index?: unknown; images?: unknown };
  if (typeof v.caption_index !== 'number' || !Array.isArray(v.images)) return null;
  const images = v.images as unknown[];
  for (let k = 0; k < images.length; k++) if (typeof images[k] !== 'number') return null;
  return { success: true, data: { caption_index: v.caption_index, images: images as number[] } };
}

const HEAD = Buffer.from('{"caption_index":');
const IMAGES = Buffer.from(',"images":[');

/**
 * The writer's own shape, read from the bytes: `{"caption_index":N,"images":[a,b,…]}` with plain
 * non-negative integers and no spaces (what `mlens sample` writes). Anything else returns false and
 * goes through JSON and the schema. On a 20,000-image digits world (2.6 GB, 470 million pairs)
 * JSON.parse and the arrays it builds were most of the time the dataset took to open.
 */
export function parseTruthBytes(b: Uint8Array, into: { caption: number; images: Int32Array; n: number }): boolean {
  const len = b.length;
  if (len < HEAD.length + IMAGES.length + 3) return false;
  for (let k = 0; k < HEAD.length; k++) if (b[k] !== HEAD[k]) return false;
  let pos = HEAD.length;
  // One plain integer at pos: no sign, no leading zero (JSON forbids it), at most 9 digits (int32).
  let start = pos;
  let caption = 0;
  while (pos < len && b[pos] >= 0x30 && b[pos] <= 0x39) caption = caption * 10 + (b[pos++] - 0x30);
  if (pos === start || pos - start > 9 || (pos - start > 1 && b[start] === 0x30)) return false;
  for (let k = 0; k < IMAGES.length; k++) if (b[pos + k] !== IMAGES[k]) return false;
  pos += IMAGES.length;
  let out = into.images;
  let n = 0;
  if (b[pos] === 0x5d) pos++; // an empty list
  else {
    for (;;) {
      start = pos;
      let v = 0;
      let c = b[pos];
      while (c >= 0x30 && c <= 0x39) {
        v = v * 10 + (c - 0x30);
        c = b[++pos];
      }
      if (pos === start || pos - start > 9 || (pos - start > 1 && b[start] === 0x30)) return false;
      if (n === out.length) {
        const grown = new Int32Array(out.length * 2 + 1024);
        grown.set(out);
        into.images = out = grown;
      }
      out[n++] = v;
      pos++;
      if (c === 0x2c) continue;
      if (c === 0x5d) break;
      return false;
    }
  }
  if (pos !== len - 1 || b[pos] !== 0x7d) return false;
  into.caption = caption;
  into.n = n;
  return true;
}

export async function loadTruth(
  root: string,
  refs: Refs,
  annotated: ArrayLike<number>,
  log: ProblemLog,
  progress?: (done: number, total: number) => void,
  /** Every line through JSON and the schema (the benchmark's baseline: the path every line took before the raw one). */
  opts: { jsonOnly?: boolean } = {},
): Promise<Int32Array[] | null> {
  const file = TRUTH_FILE;
  // One sorted Int32Array per caption, made as each line is read: a Set or a number[] per caption
  // held to the end costs 8 to 40 bytes per pair on the JS heap, and a large world's truth (a
  // 20,000-image digits world: 470 million pairs) overflowed it. Typed arrays live outside it.
  const lists: Array<Int32Array | undefined> = new Array(refs.nCaptions);
  let usable = 0;
  const take = (captionIndex: number, images: ArrayLike<number | string>, count: number, line: number): void => {
    const c = refs.caption(captionIndex);
    if (typeof c === 'string') {
      log.add('skipped lines', { severity: 'error', file, line, message: `${c}; line skipped` });
      return;
    }
    const valid = new Int32Array(count);
    let nValid = 0;
    for (let k = 0; k < count; k++) {
      const i = refs.image(images[k]);
      if (typeof i === 'string') log.add('bad image references', { severity: 'error', file, line, message: `"images"[${k}]: ${i}; reference ignored` });
      else valid[nValid++] = i;
    }
    if (!nValid && count) return;
    const mine = uniqueSorted((nValid === count ? valid : valid.slice(0, nValid)).sort());
    const before = lists[c];
    if (before) {
      log.add('repeated captions', { severity: 'warning', file, line, message: `caption_index ${captionIndex} already had a line above; the image lists were merged` });
      lists[c] = union(before, mine);
    } else {
      lists[c] = mine;
      usable++;
    }
  };
  // The common case of the raw path: every image in range and the list strictly increasing (as
  // the writer writes it) is kept as it is, with no sort and no per-reference messages to make.
  const takeInts = (captionIndex: number, images: Int32Array, count: number, line: number): void => {
    let plain = true;
    for (let k = 0, prev = -1; k < count; k++) {
      const v = images[k];
      if (v <= prev || v >= refs.nImages) {
        plain = false;
        break;
      }
      prev = v;
    }
    const c = plain ? refs.caption(captionIndex) : null;
    if (!plain || typeof c === 'string' || lists[c!]) return take(captionIndex, images, count, line);
    lists[c!] = images.slice(0, count);
    usable++;
  };
  const raw = { caption: 0, images: new Int32Array(1024), n: 0 };
  await forEachJsonl(
    path.join(root, file),
    file,
    (value, line) => {
      const p = fastTruthLine(value) ?? TruthLine.safeParse(value);
      if (!p.success) {
        log.add('skipped lines', { severity: 'error', file, line, message: `bad record: ${describeIssues(p.error, value)}; line skipped` });
        return;
      }
      take(p.data.caption_index, p.data.images, p.data.images.length, line);
    },
    {
      onBytes: progress,
      onBadLine: (line, message) => log.add('skipped lines', { severity: 'error', file, line, message: `${message}; line skipped` }),
      rawLine: opts.jsonOnly
        ? undefined
        : (bytes, line) => {
            if (!parseTruthBytes(bytes, raw)) return false;
            takeInts(raw.caption, raw.images, raw.n, line);
            return true;
          },
    },
  );
  if (usable === 0) {
    log.push({ severity: 'error', file, message: 'has no usable lines; the dataset opens without truth' });
    return null;
  }
  let lacking = 0;
  let firstLacking = -1;
  const truth: Int32Array[] = new Array(refs.nCaptions);
  for (let c = 0; c < refs.nCaptions; c++) {
    const list = lists[c];
    if (!list) {
      lacking++;
      if (firstLacking < 0) firstLacking = c;
      truth[c] = Int32Array.of(annotated[c]);
    } else {
      truth[c] = list;
    }
  }
  if (lacking) {
    log.push({
      severity: 'warning',
      file,
      message: `has no line for ${lacking} of ${refs.nCaptions} captions (first: caption ${firstLacking}); their truth is just the annotated image`,
    });
  }
  return truth;
}

/** The distinct values of a sorted array (the array itself when there are no repeats). */
function uniqueSorted(a: Int32Array): Int32Array {
  let n = a.length ? 1 : 0;
  for (let k = 1; k < a.length; k++) if (a[k] !== a[k - 1]) a[n++] = a[k];
  return n === a.length ? a : a.slice(0, n);
}

/** The sorted union of two sorted arrays of distinct values. */
function union(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] < b[j]) ? a[i++] : b[j++];
    if (n === 0 || out[n - 1] !== x) out[n++] = x;
  }
  return out.slice(0, n);
}
