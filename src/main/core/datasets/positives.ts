// positives.jsonl: extra valid pairs, {"image": "images/x.png" | image index, "caption_index": c, "label"?: 1-4}
// (label on the ECCV Caption scale; 0 in the tuple when absent). Bad lines are Problems with file and
// line and are skipped; a repeated pair keeps its last label.
import path from 'node:path';
import { z } from 'zod';
import { describeIssues } from './jsonl.js';
import { forEachJsonl } from './jsonl_stream.js';
import type { ProblemLog } from './problems.js';
import type { Refs } from './refs.js';

export const POSITIVES_FILE = 'positives.jsonl';

const PositiveLine = z.looseObject({
  image: z.union([z.number(), z.string()], { error: 'must be a number or a string' }),
  caption_index: z.number(),
  label: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], { error: 'must be 1, 2, 3 or 4 (ECCV Caption scale)' }).nullable().optional(),
});

export async function loadPositives(
  root: string,
  refs: Refs,
  log: ProblemLog,
  progress?: (done: number, total: number) => void,
): Promise<Array<[number, number, number]>> {
  const file = POSITIVES_FILE;
  const byPair = new Map<number, [number, number, number]>();
  await forEachJsonl(
    path.join(root, file),
    file,
    (value, line) => {
      const p = PositiveLine.safeParse(value);
      if (!p.success) {
        log.add('skipped lines', { severity: 'error', file, line, message: `bad record: ${describeIssues(p.error, value)}; line skipped` });
        return;
      }
      const i = refs.image(p.data.image);
      const c = refs.caption(p.data.caption_index);
      for (const e of [i, c]) {
        if (typeof e === 'string') {
          log.add('skipped lines', { severity: 'error', file, line, message: `${e}; line skipped` });
          return;
        }
      }
      const key = (c as number) * refs.nImages + (i as number);
      byPair.delete(key); // a repeat moves to its last position
      byPair.set(key, [i as number, c as number, p.data.label ?? 0]);
    },
    { onBytes: progress, onBadLine: (line, message) => log.add('skipped lines', { severity: 'error', file, line, message: `${message}; line skipped` }) },
  );
  return [...byPair.values()];
}
