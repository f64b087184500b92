// `npm run bench -- open`: what the hardening of dataset reading costs. Two ratios, each against a
// baseline run in the same process on the same files:
//  - JSONL: forEachJsonl (byte lines, a fatal UTF-8 decode per line, bad lines listed) against the
//    reader it replaced (readline over a utf8 stream, JSON.parse per line) on a 200,000-line
//    captions.jsonl;
//  - truth: truth.jsonl read from its bytes (the writer's own lines) against every line through
//    JSON and the schema, on a generated truth of 20,000 captions over 20,000 images (about 2,500
//    valid images each, 50 million pairs, as a digits world's generic captions have);
//  - images: the header check of every image at open (image_check.ts) against the whole open of a
//    generated 2,000-image sample.
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateSample } from '../sample/generate.js';
import { forEachJsonl } from './jsonl_stream.js';
import { openDataset } from './open.js';
import { checkImageFiles } from './image_check.js';
import { ProblemLog } from './problems.js';
import { loadTruth } from './truth.js';
import { makeRefs } from './refs.js';
import { mulberry32 } from '../../../shared/random.js';

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

    // truth.jsonl: sorted lists of image numbers, written as `mlens sample` writes them.
    const nT = 20_000;
    const nI = 20_000;
    const truthDir = join(root, 'truth');
    mkdirSync(truthDir);
    const rnd = mulberry32(11);
    const truthLines: string[] = [];
    let pairs = 0;
    for (let c = 0; c < nT; c++) {
      const keep = 0.02 + 0.2 * rnd();
      const list: number[] = [];
      for (let i = 0; i < nI; i++) if (rnd() < keep) list.push(i);
      pairs += list.length;
      truthLines.push(JSON.stringify({ caption_index: c, images: list }));
    }
    writeFileSync(join(truthDir, 'truth.jsonl'), truthLines.join('\n') + '\n');
    const truthBytes = truthLines.reduce((a, l) => a + l.length + 1, 0);
    truthLines.length = 0;
    const refs = makeRefs(
      Array.from({ length: nI }, (_, i) => ({ id: String(i), path: `images/${i}.png`, split: null, missing: false })),
      nT,
      Array.from({ length: nT }, (_, c) => c),
      nT,
      'captions.jsonl',
    );
    const annotated = new Int32Array(nT);
    let same = true;
    const rawTruth = await loadTruth(truthDir, refs, annotated, new ProblemLog());
    const jsonTruth = await loadTruth(truthDir, refs, annotated, new ProblemLog(), undefined, { jsonOnly: true });
    for (let c = 0; c < nT && same; c++) same = rawTruth![c].length === jsonTruth![c].length && rawTruth![c].every((v, k) => v === jsonTruth![c][k]);
    const truthJsonMs = await median(3, () => loadTruth(truthDir, refs, annotated, new ProblemLog(), undefined, { jsonOnly: true }));
    const truthRawMs = await median(3, () => loadTruth(truthDir, refs, annotated, new ProblemLog()));

    const images = 2000;
    const sample = join(root, 'sample');
    await generateSample({ out: sample, images, seed: 0 });
    const ds = await openDataset(sample);
    const openMs = await median(3, () => openDataset(sample));
    const checkMs = await median(3, async () => checkImageFiles(ds.root, ds.images, new ProblemLog()));
    return {
      jsonl: { lines, baselineReadlineMs: r3(baseMs), forEachJsonlMs: r3(newMs), ratio: r3(newMs / baseMs), linesPerSecond: Math.round(lines / (newMs / 1000)) },
      truth: { captions: nT, images: nI, pairs, megabytes: r3(truthBytes / 1e6), jsonMs: r3(truthJsonMs), rawMs: r3(truthRawMs), ratio: r3(truthRawMs / truthJsonMs), identical: same },
      imageCheck: { images, captions: ds.captions.length, openMs: r3(openMs), checkMs: r3(checkMs), shareOfOpen: r3(checkMs / openMs), msPerImage: r3(checkMs / images) },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
