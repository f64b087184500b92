// `mlens export-space DIR --space ID --out FOLDER`: a space (and its map) as .npy and Parquet.
import { resolve } from 'node:path';
import { exportSpace } from '../core/export/space_export.js';
import { layoutProject } from '../core/services/projection.js';
import { opt, UsageError } from './args.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

export const exportSpaceVerb: Verb = {
  summary: 'write a space (embeddings, log-variances) and optionally its map as .npy and Parquet, for a notebook',
  usage: 'mlens export-space DIR --space ID --out FOLDER [--format npy|parquet|both] [--projection] [--json]',
  flags: ['json', 'projection'],
  async run(a) {
    const dir = needDir(a);
    const out = opt(a, 'out');
    if (!out) throw new UsageError('--out FOLDER is required');
    const format = opt(a, 'format') ?? 'both';
    if (!['npy', 'parquet', 'both'].includes(format)) throw new UsageError('--format must be npy, parquet or both');
    const id = opt(a, 'space') ?? 'dataset';
    const withMap = a.flags.has('projection');
    const r = await withProject(
      dir,
      async (p) => {
        let xy: Float32Array | null = null;
        if (withMap) {
          p.setActiveSpace(id);
          xy = (await layoutProject(p, {})).xy;
        }
        return exportSpace(p.ds, p.space(id), resolve(out), { formats: format === 'both' ? ['npy', 'parquet'] : [format as 'npy'], xy });
      },
      { track: withMap, readTruth: false },
    );
    if (json(a)) return print({ out: r.out, files: r.files });
    console.log(`wrote ${r.files.length} files to ${r.out}: ${r.files.map((f) => f.slice(r.out.length + 1)).join(', ')}`);
  },
};
