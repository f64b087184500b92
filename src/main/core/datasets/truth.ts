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

export async function loadTruth(
  root: string,
  refs: Refs,
  annotated: ArrayLike<number>,
  log: ProblemLog,
  progress?: (done: number, total: number) => void,
): Promise<Int32Array[] | null> {
  const file = TRUTH_FILE;
  const sets: Array<Set<number> | undefined> = new Array(refs.nCaptions);
  let usable = 0;
  await forEachJsonl(
    path.join(root, file),
    file,
    (value, line) => {
      const p = TruthLine.safeParse(value);
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
      let set = sets[c];
      if (set) log.add('repeated captions', { severity: 'warning', file, line, message: `caption_index ${p.data.caption_index} already had a line above; the image lists were merged` });
      else {
        set = new Set();
        sets[c] = set;
        usable++;
      }
      for (const i of valid) set.add(i);
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
    const set = sets[c];
    if (!set) {
      lacking++;
      if (firstLacking < 0) firstLacking = c;
      truth[c] = Int32Array.of(annotated[c]);
    } else {
      truth[c] = Int32Array.from([...set].sort((a, b) => a - b));
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
