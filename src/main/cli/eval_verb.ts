// `mlens eval DIR --space ID`: retrieval metrics of a space against a positive set.
import { evaluateProject } from '../core/mining/evaluation.js';
import { parseKs } from '../core/metrics/score_file_metrics.js';
import { opt } from './args.js';
import { json, needDir, print, tiesOpt, withProject, type Verb } from './verb.js';

export const evalVerb: Verb = {
  summary: 'retrieval metrics of a space against annotated, verified, true or file positives',
  usage: 'mlens eval DIR --space ID [--positives annotated|verified|truth|FILE] [--ks 1,5,10] [--ties MODE] [--split test|val|train|all] [--json]',
  // Without a train split, test/val/train are the split policy's derived 80/10/10 by image (what the encoder held out).
  flags: ['json', 'strict'],
  async run(a) {
    const dir = needDir(a);
    const ties = tiesOpt(opt(a, 'ties'));
    const r = await withProject(dir, (p) =>
      evaluateProject(p, {
        space: opt(a, 'space') ?? 'dataset',
        positives: opt(a, 'positives') ?? 'annotated',
        strict: a.flags.has('strict'),
        ks: opt(a, 'ks') ? parseKs(opt(a, 'ks')!) : undefined,
        ties,
        split: opt(a, 'split'),
      }),
    );
    if (json(a)) return print(r);
    console.log(`split: ${r.splitDescription}`);
    for (const dirn of ['i2t', 't2i'] as const) {
      const m = r[dirn];
      console.log(`${dirn}: ${Object.entries(m.recall_at).map(([k, v]) => `R@${k} ${(v * 100).toFixed(1)}`).join('  ')}  R-P ${(m.r_precision * 100).toFixed(1)}  mAP@R ${(m.map_at_r * 100).toFixed(1)}  (${m.queries.evaluated} queries, ${m.queries.skipped_empty} without positives)`);
    }
  },
};
