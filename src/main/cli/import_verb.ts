// `mlens import DIR FILE`: a label export (SQLite, Parquet, CSV, JSONL) or a positives file (ECCV
// Caption JSON, CxC CSV, positives.jsonl) into the dataset's project.
import { resolve } from 'node:path';
import { checkInputFile } from '../core/io/path_policy.js';
import { importIntoProject } from '../core/export/import_file.js';
import { UsageError } from './args.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

export const importVerb: Verb = {
  summary: 'import labels or positives into the project: a label export (SQLite, Parquet, CSV, JSONL) or ECCV Caption JSON, CxC CSV, positives.jsonl',
  usage: 'mlens import DIR FILE [--json]   (a label export is checked against the dataset hash; positives are stored under the file name)',
  flags: ['json'],
  async run(a) {
    const dir = needDir(a);
    const file = a.positional[1];
    if (!file) throw new UsageError('a file to import is required');
    const abs = checkInputFile(resolve(file), 'import file', 'cli');
    await withProject(dir, async (p) => {
      for (const n of p.notices) if (!json(a)) console.error(`note: ${n.file}: ${n.message}`);
      const r = await importIntoProject(p.ds, p.reviews, abs);
      if (json(a)) return print(r);
      for (const w of r.warnings ?? []) console.error(`warning: ${w}`);
      const l = r.labels;
      const what = l ? `${l.flags} flags, ${l.reviews} review decisions, ${l.imports} imported positives${l.alreadyPresent ? ` (${l.alreadyPresent} already in the project)` : ''}` : `${r.pairs} positive pairs as ${r.source}`;
      console.log(`imported ${what} from ${abs} (${r.format})${r.skipped ? `; ${r.skipped} not matched` : ''}`);
    }, { readTruth: false });
  },
};
