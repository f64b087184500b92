// `mlens metrics --scores S.npy --positives P.json`: metrics of a score matrix (no dataset).
import { evaluateScoreFile, parseKs } from '../core/metrics/score_file_metrics.js';
import { numOpt, opt, UsageError } from './args.js';
import { print, tiesOpt, type Verb } from './verb.js';

export const metricsVerb: Verb = {
  summary: 'R@K, R-Precision, mAP@R and PMRP of a score matrix against positives',
  usage: 'mlens metrics --scores SCORES.npy --positives POSITIVES.json [--ks 1,5,10] [--ties expected|stable|optimistic|pessimistic] [--pm PM.json ...] [--pm-k K] --json',
  flags: ['json'],
  async run(a) {
    const scores = opt(a, 'scores');
    const positives = opt(a, 'positives');
    if (!scores || !positives) throw new UsageError('--scores and --positives are required');
    const ties = tiesOpt(opt(a, 'ties'));
    const r = await evaluateScoreFile({ scores, positives, ks: opt(a, 'ks') ? parseKs(opt(a, 'ks')!) : undefined, ties, pm: a.options.get('pm'), pmK: numOpt(a, 'pm-k', 1, 1e9) });
    print(r);
  },
};
