// `mlens export DIR --out FILE.sqlite`: every label of the project to a standalone SQLite file.
import { resolve } from 'node:path';
import { checkExportTarget } from '../core/io/path_policy.js';
import { projectDir } from '../core/store/project_store.js';
import { exportProjectLabels } from '../core/labels/label_service.js';
import { defaultDataDir } from '../core/app/data_dir.js';
import { appVersion } from '../core/io/app_version.js';
import { opt, UsageError } from './args.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

export const exportVerb: Verb = {
  summary: "export the project's labels (flags, review decisions, imported positives) to a standalone SQLite file",
  usage: 'mlens export DIR --out FILE.sqlite [--force] [--json]   (--force replaces an existing FILE)',
  flags: ['json', 'force'],
  async run(a) {
    const dir = needDir(a);
    const out = opt(a, 'out');
    if (!out) throw new UsageError('--out FILE.sqlite is required');
    let target = '';
    // Checked before the store is opened: a refused target never touches the project.
    const beforeStore = (ds: { root: string }) => {
      const pdir = projectDir(ds.root, defaultDataDir());
      target = checkExportTarget(out, { datasetRoot: ds.root, projectDir: pdir, dataDir: defaultDataDir(), origin: 'cli', overwrite: a.flags.has('force') });
    };
    await withProject(
      dir,
      async (p) => {
        for (const n of p.notices) if (!json(a)) console.error(`note: ${n.file}: ${n.message}`);
        const ds = p.ds;
        const counts = exportProjectLabels(target, ds, p.store, { appVersion: appVersion(), space: ds.embeddings ? `${ds.embeddings.source} (${ds.embeddings.dims}-d)` : 'none' });
        if (json(a)) return print({ path: resolve(out), ...counts });
        console.log(`exported ${counts.labels} labels (${counts.flags} flags, ${counts.reviews} review decisions, ${counts.imports} imported positives; ${counts.images} images, ${counts.captions} captions) to ${resolve(out)}`);
      },
      { beforeStore },
    );
  },
};
