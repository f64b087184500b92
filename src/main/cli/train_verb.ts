// `mlens train DIR --space ID --head pcme|cond|multipos|residual`: train a head on a space of the project;
// formatTrainResult is the human-readable report (without --json).
import { residualVarianceLines } from '../core/heads/residual_report.js';
import { trainProject, HEAD_CHOICES, type HeadChoice, type TrainCommandResult } from '../core/heads/train_project.js';
import { describeVarianceDiagnostics } from '../core/heads/variance_diagnostics.js';
import { imageVarianceVerdict, varianceVerdict } from '../../shared/variance_verdict.js';
import { describeAspectComparison } from '../core/heads/cond_report.js';
import { numOpt, opt, UsageError } from './args.js';
import { progressBar } from './progress.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

function condModeOpt(v: string | undefined): 'film' | 'csn' | 'none' | undefined {
  if (v == null) return undefined;
  if (v !== 'film' && v !== 'csn' && v !== 'none') throw new UsageError('--cond must be film, csn (masks) or none');
  return v;
}

export const trainVerb: Verb = {
  summary: 'train a head on a space (pcme: probabilistic, cond: conditional, multipos: with verified / flagged positives, residual: variance from cross-fitted regression residuals, effective partners and word coverage, closed form)',
  // --cond none trains the unconditioned head alone (the control by itself, no second run).
  usage: 'mlens train DIR --space ID --head pcme|cond|multipos|residual [--condition C] [--cond film|csn|none] [--no-control] [--epochs N] [--positives auto|flags|file|truth] [--inclusion W] [--json]',
  flags: ['json', 'no-control'],
  async run(a) {
    const dir = needDir(a);
    const head = opt(a, 'head') ?? 'pcme';
    if (!HEAD_CHOICES.includes(head as HeadChoice)) throw new UsageError(`--head must be one of ${HEAD_CHOICES.join(', ')}`);
    const positives = opt(a, 'positives');
    if (positives && !['auto', 'flags', 'file', 'truth'].includes(positives)) throw new UsageError('--positives must be auto, flags, file or truth');
    const condMode = condModeOpt(opt(a, 'cond'));
    const epochs = numOpt(a, 'epochs', 1, 10_000);
    // PCME++ only: ProLIP's inclusion loss (image ⊂ its caption) at weight W; docs/variance.md.
    const inclusion = numOpt(a, 'inclusion', 0, 100);
    if (inclusion != null && head !== 'pcme') throw new UsageError('--inclusion applies to --head pcme only');
    const bar = progressBar(!!process.stderr.isTTY);
    const r = await withProject(dir, (p) =>
      trainProject(p, {
        space: opt(a, 'space') ?? 'dataset',
        head: head as HeadChoice,
        condition: opt(a, 'condition'),
        condMode,
        // `--head cond` also trains the unconditioned control on the same split and prints both.
        control: head === 'cond' && !a.flags.has('no-control'),
        epochs,
        ...(inclusion != null ? { inclusion } : {}),
        positives: positives as 'auto' | undefined,
        onProgress: bar.update,
      }),
    );
    bar.done();
    if (json(a)) {
      // With truth: the verdicts the text report prints, against the bounds (caption ρ ≥ 0.3, image ρ ≥ 0.2).
      const d = r.varianceDiagnostics;
      const verdicts = d ? { caption: varianceVerdict(d), image: imageVarianceVerdict(d) } : null;
      return print({ ...r, varianceVerdicts: verdicts });
    }
    for (const line of formatTrainResult(r, dir)) console.log(line);
  },
};

/** Human-readable lines for the CLI (without --json). */
export function formatTrainResult(r: TrainCommandResult, dir = 'DIR'): string[] {
  const m = r.metrics;
  const f = (x: number | undefined | null): string => (x == null || Number.isNaN(x) ? 'n/a' : x.toFixed(4));
  const lines = [
    `space ${r.id}: ${r.name}`,
    `  head ${r.head}, parent ${r.parent}, ${r.dims}-d${r.probabilistic ? ', probabilistic' : ''}${r.condition ? `, condition ${r.condition}` : ''}`,
  ];
  if (r.residual) {
    lines.push(
      `  fitted in closed form in ${m.seconds.toFixed(2)} s on ${r.residual.pairs.toLocaleString('en-US')} train pairs (${r.residual.trainImages.toLocaleString('en-US')} images, 5 folds by image); means are the parent's`,
      `  validation R-P ${f(m.val.rPrecision)}, mAP@R ${f(m.val.mapAtR)} under CSD (the parent's cosine: ${f(m.initial.mapAtR)})${m.againstTruth ? ' against the truth' : ''}`,
    );
    const { signals, filler } = residualVarianceLines(r.residual);
    lines.push(...signals.map((l) => `  ${l}`), ...(filler ? [`    ${filler}`] : []));
  } else {
    lines.push(
      `  trained ${m.epochs.length} epoch(s) on ${m.backend} in ${m.seconds.toFixed(1)} s (${m.kept === 'last' ? `kept the last epoch; best validation mAP@R ${f(m.epochs.find((e) => e.epoch === m.bestEpoch)?.mapAtR)} at epoch ${m.bestEpoch}` : `best epoch ${m.bestEpoch}`}, stopped: ${m.stopped})`,
      `  validation R-P ${f(m.val.rPrecision)}, mAP@R ${f(m.val.mapAtR)} (weights kept: ${m.kept === 'last' ? 'last epoch' : `best epoch ${m.bestEpoch}`}; last epoch ${f(m.last?.mapAtR)}; before training ${f(m.initial.mapAtR)})${m.againstTruth ? ' against the truth' : ''}`,
    );
  }
  if (!r.residual && m.val.mapAtR < m.initial.mapAtR) lines.push(`  note: no epoch beat the head before training on validation mAP@R (${f(m.val.mapAtR)} kept, ${f(m.initial.mapAtR)} before): its means retrieve worse than where they started; what it adds is its variance`);
  if (m.test) lines.push(`  test R-P ${f(m.test.rPrecision)}, mAP@R ${f(m.test.mapAtR)}`);
  if (m.val.perCondition) {
    const ctl = r.control?.val.perCondition;
    lines.push(`  per condition, validation (gallery rule ${m.val.perConditionRule ?? 'all-captions'}: every caption of the split; rewards ranking the caption type):`);
    for (const [c, s] of Object.entries(m.val.perCondition)) {
      const k = ctl?.[c];
      lines.push(`    ${c}: mAP@R ${f(s.mapAtR)} (i2t ${f(s.i2t)}, t2i ${f(s.t2i)})${k ? `; unconditioned control ${f(k.mapAtR)} (i2t ${f(k.i2t)}, t2i ${f(k.t2i)})` : ''}`);
    }
  }
  if (r.aspectComparison) lines.push(...describeAspectComparison(r.aspectComparison).map((l) => `  ${l}`));
  if (r.spearman != null) {
    const by = Object.entries(r.spearmanBySplit ?? {}).map(([k, v]) => `${k} ${f(v)}`).join(', ');
    const scope = r.spearmanScope === 'held-out' ? `over ${(r.spearmanCaptions ?? 0).toLocaleString('en-US')} held-out captions (all captions ${f(r.spearmanAll)}${by ? `; ${by}` : ''})` : `over all captions${by ? ` (${by})` : ''}`;
    lines.push(`  Spearman(caption Σσ², true multiplicity) = ${f(r.spearman)} ${scope}`);
  }
  if (r.varianceDiagnostics) {
    lines.push('  Σσ² against (Spearman ρ, partners within each split):', ...describeVarianceDiagnostics(r.varianceDiagnostics).map((l) => `    ${l}`));
    const v = varianceVerdict(r.varianceDiagnostics);
    if (v) lines.push(`  ${v.text}`);
    const iv = imageVarianceVerdict(r.varianceDiagnostics);
    if (iv) lines.push(`  ${iv.text}`);
    if (v && v.kind !== 'signal') lines.push(`  Effective partners read multiplicity from the space itself, with no head: mlens partners ${/\s/.test(dir) ? JSON.stringify(dir) : dir} --space ${r.parent ?? r.id}`);
  }
  if (r.splits.note) lines.push(`  splits: ${r.splits.note}`);
  if (r.conditionCoverage) {
    const c = r.conditionCoverage;
    lines.push(`  aspects from ${c.source}: ${Object.entries(c.share).map(([k, v]) => `${k} ${(v * 100).toFixed(1)} %`).join(', ')} of captions tagged`);
    for (const w of c.warnings) lines.push(`    warning: ${w}`);
  }
  if (r.conditions) lines.push(`  condition spaces: ${r.conditions.map((c) => `${c.condition}=${c.id}`).join(', ')}`);
  if (r.extraPositives) lines.push(`  extra positives: ${r.extraPositives.pairs} pairs from ${r.extraPositives.source}`);
  return lines;
}
