// `mlens export DIR --out FILE`: every label of the project and the verified positives, in the format
// asked for (SQLite, Parquet, CSV, JSONL, CxC CSV or ECCV Caption JSON).
import { resolve } from 'node:path';
import { checkExportTarget } from '../core/io/path_policy.js';
import { projectDir } from '../core/store/project_store.js';
import { exportProjectLabels } from '../core/labels/label_service.js';
import { EXPORT_FORMATS, exportFiles, exportFormatFor } from '../core/export/export_format.js';
import type { ExportFormat } from '../../shared/labels.js';
import { defaultDataDir } from '../core/io/data_dir.js';
import { appVersion } from '../core/io/app_version.js';
import { opt, UsageError } from './args.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

export const exportVerb: Verb = {
  summary: "export the project's labels (flags, review decisions, imported positives) and verified positives: SQLite, Parquet, CSV, JSONL, CxC CSV or ECCV Caption JSON",
  usage: `mlens export DIR --out FILE [--format ${EXPORT_FORMATS.join('|')}] [--force] [--json]   (format from the extension by default; --force replaces an existing FILE)`,
  flags: ['json', 'force'],
  async run(a) {
    const dir = needDir(a);
    const out = opt(a, 'out');
    if (!out) throw new UsageError('--out FILE is required (.sqlite, .parquet, .csv, .jsonl or .json)');
    let target = '';
    let format: ExportFormat = 'sqlite';
    // Checked before the store is opened: a refused target never touches the project.
    const beforeStore = (ds: { root: string }) => {
      const pdir = projectDir(ds.root, defaultDataDir());
      const policy = { datasetRoot: ds.root, projectDir: pdir, dataDir: defaultDataDir(), origin: 'cli' as const, overwrite: a.flags.has('force') };
      target = checkExportTarget(resolve(out), policy);
      try {
        format = exportFormatFor(target, opt(a, 'format'));
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      for (const f of exportFiles(resolve(out), format).slice(1)) checkExportTarget(f, policy);
    };
    await withProject(
      dir,
      async (p) => {
        for (const n of p.notices) if (!json(a)) console.error(`note: ${n.file}: ${n.message}`);
        const ds = p.ds;
        const counts = exportProjectLabels(target, ds, p.store, { appVersion: appVersion(), space: ds.embeddings ? `${ds.embeddings.source} (${ds.embeddings.dims}-d)` : 'none', format });
        if (json(a)) return print({ path: resolve(out), ...counts });
        for (const w of counts.warnings ?? []) console.error(`warning: ${w}`);
        const what =
          format === 'cxc' || format === 'eccv'
            ? `${counts.positives} verified positive pairs (from ${counts.labels} labels)`
            : `${counts.labels} labels (${counts.flags} flags, ${counts.reviews} review decisions, ${counts.imports} imported positives; ${counts.images} images, ${counts.captions} captions) and ${counts.positives} verified positive pairs`;
        console.log(`exported ${what} as ${format} to ${(counts.files ?? [resolve(out)]).join(' and ')}`);
      },
      { beforeStore, readTruth: false },
    );
  },
};
