// `mlens open DIR`: read a dataset folder and print its summary (the store is not opened).
import type { ColumnMap } from '../core/datasets/parquet_rows.js';
import { summarize } from '../core/datasets/summary.js';
import { Project } from '../core/project/project.js';
import { opt, UsageError } from './args.js';
import { progressBar } from './progress.js';
import { json, needDir, print, type Verb } from './verb.js';
import { sampleText } from '../core/io/row_sample.js';

const gib = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

const COLUMN_KEYS = ['image', 'caption', 'split', 'image_embedding', 'text_embedding'] as const;

/** `image=COL,caption=COL,split=COL,image_embedding=COL,text_embedding=COL` → the column mapping for tables (Parquet, Arrow). */
function columnMap(v: string | undefined): ColumnMap | undefined {
  if (v == null) return undefined;
  const out: ColumnMap = {};
  for (const part of v.split(',')) {
    const [k, col] = part.split('=');
    const key = COLUMN_KEYS.find((x) => x === k);
    if (!key || !col) throw new UsageError(`--columns takes image=COL,caption=COL[,split=COL,image_embedding=COL,text_embedding=COL], got ${JSON.stringify(part)}`);
    out[key] = col;
  }
  return out;
}

export const openVerb: Verb = {
  summary: 'read a dataset folder and print its summary (counts, splits, problems)',
  usage: 'mlens open DIR [--columns image=COL,caption=COL[,split=COL,image_embedding=COL,text_embedding=COL]] [--memory-mb MB] [--strict] [--json]',
  flags: ['json', 'strict'],
  async run(a) {
    const bar = progressBar(!json(a) && !!process.stderr.isTTY);
    const mb = opt(a, 'memory-mb');
    if (mb != null && !(Number(mb) > 0)) throw new UsageError(`--memory-mb takes a positive number of MiB, got ${JSON.stringify(mb)}`);
    const ds = await Project.readDataset(needDir(a), { onProgress: bar.update, columns: columnMap(opt(a, 'columns')), strict: a.flags.has('strict'), memoryMb: mb != null ? Number(mb) : undefined });
    bar.done();
    const s = summarize(ds);
    if (json(a)) return print(s);
    console.log(`${s.name} (${s.format}) at ${s.root}`);
    console.log(`  images ${s.images}, captions ${s.captions}, annotated pairs ${s.annotatedPairs}, missing images ${s.missingImages}`);
    for (const [k, v] of Object.entries(s.splits)) console.log(`  split ${k}: ${v.images} images, ${v.captions} captions`);
    if (Object.keys(s.splits).length && s.withoutSplit.captions + s.withoutSplit.images) console.log(`  no split: ${s.withoutSplit.images} images, ${s.withoutSplit.captions} captions`);
    if (s.noTrainSplit) console.log(`  ${s.noTrainSplit}`);
    console.log(`  truth: ${s.hasTruth ? 'yes' : 'no'}; embeddings: ${s.embeddings ? `${s.embeddings.source} ${s.embeddings.dims}-d` : 'none'}`);
    const disk = s.embeddings?.onDisk;
    if (disk) {
      console.log(`  embeddings on disk: ${gib(disk.bytes)} as float32, over the memory budget of ${gib(disk.budgetBytes)} (MLENS_MEMORY_MB or --memory-mb); read shard by shard`);
      console.log(`  map: ${sampleText(disk.mapSample)}`);
      console.log(`  exact kNN (mining): ${sampleText(disk.knnSample)}`);
    }
    if (s.problems.length) {
      console.log(`  ${s.problems.length} problem(s):`);
      for (const p of s.problems) console.log(`    ${p.severity}: ${p.file}${p.line != null ? `:${p.line}` : ''}: ${p.message}`);
    }
  },
};
