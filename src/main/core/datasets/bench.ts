// `npm run bench -- open`: what the hardening of dataset reading costs. Two ratios, each against a
// baseline run in the same process on the same files:
//  - JSONL: forEachJsonl (byte lines, a fatal UTF-8 decode per line, bad lines listed) against the
//    reader it replaced (readline over a utf8 stream, JSON.parse per line) on a 200,000-line
//    captions.jsonl;
//  - images: the header check of every image at open (image_check.ts) against the whole open of a
//    generated 2,000-image sample.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateSample } from '../sample/generate.js';
import { forEachJsonl } from './jsonl_stream.js';
import { openDataset } from './open.js';
import { checkImageFiles } from './image_check.js';
import { ProblemLog } from './problems.js';

async function readlineBaseline(file: string): Promise<number> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    if (line.trim() === '') continue;
    JSON.parse(line);
    n++;
  }
  return n;
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export async function benchOpen(): Promise<object> {
  const root = mkdtempSync(join(tmpdir(), 'mlens-open-bench-'));
  try {
    const lines = 200_000;
    const file = join(root, 'captions.jsonl');
    const rows: string[] = [];
    for (let i = 0; i < lines; i++) rows.push(JSON.stringify({ image: `images/${i % 40_000}.png`, caption: `a small ${i % 7 ? 'red' : 'blue'} shape number ${i} next to a larger one`, id: `c${i}`, split: 'train' }));
    writeFileSync(file, rows.join('\n') + '\n');
    await readlineBaseline(file); // warm the page cache and the JIT for both
    const baseMs = await median(3, () => readlineBaseline(file));
    const newMs = await median(3, () => forEachJsonl(file, 'captions.jsonl', () => undefined, { onBadLine: () => undefined }));

    const images = 2000;
    const sample = join(root, 'sample');
    await generateSample({ out: sample, images, seed: 0 });
    const ds = await openDataset(sample);
    const openMs = await median(3, () => openDataset(sample));
    const checkMs = await median(3, async () => checkImageFiles(ds.root, ds.images, new ProblemLog()));
    return {
      jsonl: { lines, baselineReadlineMs: r3(baseMs), forEachJsonlMs: r3(newMs), ratio: r3(newMs / baseMs), linesPerSecond: Math.round(lines / (newMs / 1000)) },
      imageCheck: { images, captions: ds.captions.length, openMs: r3(openMs), checkMs: r3(checkMs), shareOfOpen: r3(checkMs / openMs), msPerImage: r3(checkMs / images) },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
