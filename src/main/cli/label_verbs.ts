// `mlens export` (every label and the verified positives, in the format asked for) and
// `mlens import` (a label export or a positives file back into a dataset's project).
import { resolve } from 'node:path';
import { openDataset } from '../core/datasets/open.js';
import { openProjectStore } from '../core/store/fallback_merge.js';
import { projectDir } from '../core/store/project_store.js';
import { checkExportTarget, checkInputFile } from '../core/io/path_policy.js';
import { exportProjectLabels } from '../core/labels/label_service.js';
import { EXPORT_FORMATS, exportFiles, exportFormatFor } from '../core/export/export_format.js';
import { importIntoProject } from '../core/labels/import_file.js';
import { ReviewStore } from '../core/review/review_store.js';
import { defaultDataDir } from '../core/app/data_dir.js';
import { appVersion } from '../core/app/version.js';
import { snakeKeys } from './json_keys.js';
import { opt, UsageError, type ParsedArgs } from './args.js';

interface Verb {
  summary: string;
  usage: string;
  flags?: string[];
  run(a: ParsedArgs): Promise<unknown>;
}

const json = (a: ParsedArgs) => a.flags.has('json');
const print = (v: unknown) => process.stdout.write(`${JSON.stringify(snakeKeys(v), null, 2)}\n`);

function needDir(a: ParsedArgs): string {
  const dir = a.positional[0];
  if (!dir) throw new UsageError('a dataset folder is required');
  return resolve(dir);
}

export const labelVerbs: Record<string, Verb> = {
  export: {
    summary: "export the project's labels (flags, review decisions, imported positives) and verified positives: SQLite, Parquet, CSV, JSONL, CxC CSV or ECCV Caption JSON",
    usage: `mlens export DIR --out FILE [--format ${EXPORT_FORMATS.join('|')}] [--force] [--json]   (format from the extension by default; --force replaces an existing FILE)`,
    flags: ['json', 'force'],
    async run(a) {
      const dir = needDir(a);
      const out = opt(a, 'out');
      if (!out) throw new UsageError('--out FILE is required (.sqlite, .parquet, .csv, .jsonl or .json)');
      const ds = await openDataset(dir);
      const pdir = projectDir(ds.root, defaultDataDir());
      // Checked before the store is opened: a refused target never touches the project.
      const policy = { datasetRoot: ds.root, projectDir: pdir, dataDir: defaultDataDir(), origin: 'cli' as const, overwrite: a.flags.has('force') };
      const target = checkExportTarget(resolve(out), policy);
      let format;
      try {
        format = exportFormatFor(target, opt(a, 'format'));
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      for (const f of exportFiles(resolve(out), format).slice(1)) checkExportTarget(f, policy);
      const { store, notices } = openProjectStore(ds.root, defaultDataDir());
      for (const n of notices) if (!json(a)) console.error(`note: ${n.file}: ${n.message}`);
      try {
        const counts = exportProjectLabels(target, ds, store, { appVersion: appVersion(), space: ds.embeddings ? `${ds.embeddings.source} (${ds.embeddings.dims}-d)` : 'none', format });
        if (json(a)) return print({ path: resolve(out), ...counts });
        for (const w of counts.warnings ?? []) console.error(`warning: ${w}`);
        const what = format === 'cxc' || format === 'eccv' ? `${counts.positives} verified positive pairs (from ${counts.labels} labels)` : `${counts.labels} labels (${counts.flags} flags, ${counts.reviews} review decisions, ${counts.imports} imported positives; ${counts.images} images, ${counts.captions} captions) and ${counts.positives} verified positive pairs`;
        console.log(`exported ${what} as ${format} to ${(counts.files ?? [resolve(out)]).join(' and ')}`);
      } finally {
        store.close();
      }
    },
  },
  import: {
    summary: 'import labels or positives into the project: a label export (SQLite, Parquet, CSV, JSONL) or ECCV Caption JSON, CxC CSV, positives.jsonl',
    usage: 'mlens import DIR FILE [--json]   (a label export is checked against the dataset hash; positives are stored under the file name)',
    flags: ['json'],
    async run(a) {
      const dir = needDir(a);
      const file = a.positional[1];
      if (!file) throw new UsageError('a file to import is required');
      const abs = checkInputFile(resolve(file), 'import file', 'cli');
      const ds = await openDataset(dir);
      const { store, notices } = openProjectStore(ds.root, defaultDataDir());
      for (const n of notices) if (!json(a)) console.error(`note: ${n.file}: ${n.message}`);
      try {
        const r = await importIntoProject(ds, new ReviewStore(store.db, store.session), abs);
        if (json(a)) return print(r);
        for (const w of r.warnings ?? []) console.error(`warning: ${w}`);
        const l = r.labels;
        const what = l ? `${l.flags} flags, ${l.reviews} review decisions, ${l.imports} imported positives${l.alreadyPresent ? ` (${l.alreadyPresent} already in the project)` : ''}` : `${r.pairs} positive pairs as ${r.source}`;
        console.log(`imported ${what} from ${abs} (${r.format})${r.skipped ? `; ${r.skipped} not matched` : ''}`);
      } finally {
        store.close();
      }
    },
  },
};
