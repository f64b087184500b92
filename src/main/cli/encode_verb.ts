// `mlens encode DIR --encoder SPEC`: embed every image and caption into a space.
import { encodeProject } from '../core/encoders/encode_project.js';
import { opt } from './args.js';
import { progressBar } from './progress.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

export const encodeVerb: Verb = {
  summary: 'embed every image and caption into a space (cached; prints the space record with its id)',
  usage: 'mlens encode DIR --encoder baseline|clip:PATH|tfjs:PATH|npy:IMG,TXT|dataset [--json]',
  flags: ['json'],
  async run(a) {
    const encoder = opt(a, 'encoder') ?? 'baseline';
    const bar = progressBar(!!process.stderr.isTTY);
    const r = await withProject(
      needDir(a),
      (p) => encodeProject(p, { encoder, onProgress: bar.update, log: json(a) ? () => undefined : (l) => console.error(l) }),
      { onProgress: (p) => bar.update({ phase: `open ${p.phase}`, done: p.done, total: p.total }), readTruth: false },
    );
    bar.done();
    if (json(a)) return print(r);
    console.log(`space ${r.id}: ${r.name}, ${r.dims}-d, ${r.nImages} images × ${r.nCaptions} captions${r.cached ? ' (cached)' : ''}, backend ${r.run.backend}`);
    for (const p of r.problems.slice(0, 20)) console.log(`  ${p.severity}: ${p.file}${p.line != null ? `:${p.line}` : ''}: ${p.message}`);
    if (r.problems.length > 20) console.log(`  … and ${r.problems.length - 20} more problems`);
  },
};
