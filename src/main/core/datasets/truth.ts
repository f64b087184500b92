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

export async function loadTruth(
  root: string,
  refs: Refs,
  annotated: ArrayLike<number>,
  log: ProblemLog,
  progress?: (done: number, total: number) => void,
): Promise<Int32Array[] | null> {
  const file = TRUTH_FILE;
  // One sorted Int32Array per caption, made as each line is read: a Set or a number[] per caption
  // held to the end costs 8 to 40 bytes per pair on the JS heap, and a large world's truth (a
  // 20,000-image digits world: 470 million pairs) overflowed it. Typed arrays live outside it.
  const lists: Array<Int32Array | undefined> = new Array(refs.nCaptions);
  let usable = 0;
  await forEachJsonl(
    path.join(root, file),
    file,
    (value, line) => {
      const p = fastTruthLine(value) ?? TruthLine.safeParse(value);
      if (!p.success) {
        log.add('skipped lines', { severity: 'error', file, line, message: `bad record: ${describeIssues(p.error, value)}; line skipped` });
        return;
      }
      const c = refs.caption(p.data.caption_index);
      if (typeof c === 'string') {
        log.add('skipped lines', { severity: 'error', file, line, message: `${c}; line skipped` });
        return;
      }
      const valid: number[] = [];
      for (const [k, ref] of p.data.images.entries()) {
        const i = refs.image(ref);
        if (typeof i === 'string') log.add('bad image references', { severity: 'error', file, line, message: `"images"[${k}]: ${i}; reference ignored` });
        else valid.push(i);
      }
      if (!valid.length && p.data.images.length) return;
      const mine = uniqueSorted(Int32Array.from(valid).sort());
      const before = lists[c];
      if (before) {
        log.add('repeated captions', { severity: 'warning', file, line, message: `caption_index ${p.data.caption_index} already had a line above; the image lists were merged` });
        lists[c] = union(before, mine);
      } else {
        lists[c] = mine;
        usable++;
      }
    },
    { onBytes: progress, onBadLine: (line, message) => log.add('skipped lines', { severity: 'error', file, line, message: `${message}; line skipped` }) },
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
