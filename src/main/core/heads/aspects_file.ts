// A dataset's own aspects, for the conditional head: aspects.jsonl beside captions.jsonl, one line
// per caption, {"caption_index": N | "caption_id": "ID", "aspects": {"colour": "red", "count": 2}}
// (a value may also be a list, or true). caption_index counts caption records as in truth.jsonl.
// It replaces the keyword lexicon, so any vocabulary can have exact aspects. Bad lines are listed
// with their numbers and skipped; the rest is used.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Dataset } from '../datasets/dataset.js';
import { describeIssues } from '../datasets/jsonl.js';
import { forEachJsonl } from '../datasets/jsonl_stream.js';
import type { KeywordConditions } from './cond.js';

export const ASPECTS_FILE = 'aspects.jsonl';

const Line = z.looseObject({
  caption_index: z.number().int().nonnegative().optional(),
  caption_id: z.union([z.string(), z.number()]).optional(),
  aspects: z.record(z.string(), z.unknown()),
});

export interface AspectsFile {
  conditions: KeywordConditions;
  /** Values per aspect and caption (for display and per-aspect truth). */
  values: Array<Map<number, unknown>>;
  problems: Array<{ line: number; message: string }>;
}

export async function readAspectsFile(ds: Pick<Dataset, 'root' | 'captions'>): Promise<AspectsFile | null> {
  const abs = path.join(ds.root, ASPECTS_FILE);
  if (!existsSync(abs)) return null;
  const byId = new Map(ds.captions.map((c, j) => [c.id, j]));
  const problems: AspectsFile['problems'] = [];
  const names: string[] = [];
  const index = new Map<string, number>();
  const tagged: Array<Map<number, unknown>> = [];
  await forEachJsonl(abs, ASPECTS_FILE, (value, line) => {
    const p = Line.safeParse(value);
    if (!p.success) {
      problems.push({ line, message: describeIssues(p.error, value) });
      return;
    }
    const { caption_index: ci, caption_id: cid, aspects } = p.data;
    const j = ci != null ? (ci < ds.captions.length ? ci : -1) : cid != null ? (byId.get(String(cid)) ?? -1) : -2;
    if (j === -2) return void problems.push({ line, message: 'needs "caption_index" or "caption_id"' });
    if (j < 0) return void problems.push({ line, message: `no caption ${ci != null ? `at index ${ci}` : `with id ${JSON.stringify(cid)}`}` });
    for (const [name, v] of Object.entries(aspects)) {
      if (v == null || v === false || (Array.isArray(v) && v.length === 0)) continue;
      let k = index.get(name);
      if (k == null) {
        k = names.length;
        index.set(name, k);
        names.push(name);
        tagged.push(new Map());
      }
      tagged[k].set(j, v);
    }
  }, { onBadLine: (line, message) => problems.push({ line, message }) });
  const n = ds.captions.length;
  const tags = tagged.map((m) => {
    const t = new Uint8Array(n);
    for (const j of m.keys()) t[j] = 1;
    return t;
  });
  return { conditions: { names, tags, counts: tagged.map((m) => m.size) }, values: tagged, problems };
}
