#!/usr/bin/env node
// Rewrites the generated regions of README.md and docs/*.md from bench-results/latest-science.json
// (written by `npm run bench -- science`). A region is the text between `<!-- science:NAME -->` and
// `<!-- /science:NAME -->`; everything else is left alone. `--check` only reports regions that differ
// (exit 1). test/unit/docs_figures.test.ts runs the same functions, and also fails when a
// scientific figure is quoted outside a region (see `figuresOutsideRegions`).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const JSON_PATH = join(ROOT, 'bench-results', 'latest-science.json');

/** README.md, docs/*.md and docs/notes/*.md (the notes' historical logs sit in science-ignore sections, marked as such). */
export function docFiles(root = ROOT) {
  const md = (dir) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.md')).sort().map((f) => join(dir, f));
  return ['README.md', ...md('docs'), ...md(join('docs', 'notes'))];
}

export function loadScience(path = JSON_PATH) {
  const j = JSON.parse(readFileSync(path, 'utf8'));
  return j.results?.science ?? j.results?.['science-1000'] ?? j.results?.['science-fresh'] ?? j;
}

/** `npm run bench -- science-1000`: the same protocol at 1,000-image worlds (region larger_worlds). */
export const LARGER_JSON_PATH = join(ROOT, 'bench-results', 'latest-science-1000.json');

const f3 = (x) => (x == null ? 'n/a' : x.toFixed(3));
/** "mean ± sd" of a summary path in a group ("n/a" when absent). */
export function pm(group, path) {
  const s = group.summary[path];
  if (!s || s.mean == null) return 'n/a';
  // Fewer seeds than the protocol's (an aspect some worlds lack): say how many; one seed has no sd.
  if (s.n === 1) return `${f3(s.mean)} (1 seed)`;
  return `${f3(s.mean)} ± ${f3(s.sd)}${s.n < s.values.length ? ` (${s.n} seeds)` : ''}`;
}

const byName = (sci, name) => sci.groups.find((g) => g.name === name);
/** A world's label in the docs (its name when the science run has no such group). */
const labelOf = (sci, name) => byName(sci, name)?.label ?? name;

/** A JSON file's content, or null when it is missing or unreadable. */
function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** The result of one named bench run from its JSON, or null when the file is missing or unreadable. */
function namedRun(path, name) {
  return readJson(path)?.results?.[name] ?? null;
}
const notMeasured = (name, path) => `Not measured yet: \`npm run bench -- ${name}\` writes \`bench-results/${basename(path)}\`.`;
const headline = (sci) => sci.groups.filter((g) => g.kind !== 'oracle');
const oracle = (sci) => sci.groups.filter((g) => g.kind === 'oracle');
const ordered = (sci) => [...headline(sci), ...oracle(sci)];
const rowLabel = (g) => (g.kind === 'oracle' ? `*${g.label.includes('upper bound') ? g.label : `${g.label}, upper bound`}*` : g.label);
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const RETRIEVAL = [
  ['t2i mAP@R vs truth', 'retrieval.t2i_truth.map_at_r'],
  ['t2i R@1 vs truth', 'retrieval.t2i_truth.r1'],
  ['t2i R@1 vs annotated', 'retrieval.t2i_annotated.r1'],
  ['i2t mAP@R vs truth', 'retrieval.i2t_truth.map_at_r'],
  ['i2t R@1 vs truth', 'retrieval.i2t_truth.r1'],
  ['i2t R@1 vs annotated', 'retrieval.i2t_annotated.r1'],
];
const CALIBRATION = [
  ['ECE of p̂, unreviewed vs truth', 'calibration.ece_unreviewed_vs_truth'],
  ['cross-validated ECE on the reviews', 'calibration.ece_cv_reviews'],
  ['precision of the top 1,000', 'calibration.precision_top_k'],
  ['its ceiling (valid pairs left among the unreviewed candidates ÷ 1,000, at most 1)', 'calibration.precision_ceiling_top_k'],
  ["the same features fitted on every candidate's truth: precision of its top 1,000", 'calibration.precision_top_k_features_fitted_on_truth'],
  ['calibration checks reviewed (of the 200)', 'calibration.checks_reviewed'],
  ['cross-validated ECE on the checks (5 bins)', 'calibration.ece_cv_checks'],
  ['share of seeds where the app calls p̂ a probability', 'calibration.calibrated'],
  // Same-text candidates are valid by the annotation (the Review tab accepts them in one batch):
  // the top 1,000 of what is left for a reviewer, and how many there were among the unreviewed.
  ['precision of the top 1,000 with the same-text candidates left out', 'calibration.precision_top_k_without_same_text'],
  ['same-text candidates among the unreviewed', 'calibration.same_text_unreviewed'],
  ['its ceiling (valid pairs among the other unreviewed candidates ÷ 1,000, at most 1)', 'calibration.precision_ceiling_top_k_without_same_text'],
];
const HEAD_CURVE = [
  ['PCME++ val mAP@R before training', 'variance.val_map_at_r_initial'],
  // The head keeps its best validation epoch's weights (each record's variance.metrics.kept).
  ['best epoch (kept)', 'variance.val_map_at_r_best'],
  ['last epoch', 'variance.val_map_at_r_last'],
];
const VARIANCE_MAIN = [
  ['caption Σσ² vs true multiplicity (held-out)', 'variance.diagnostics.captions.multiplicity@val+test.rho'],
  ['image Σσ² vs captions per image', 'variance.diagnostics.images.multiplicity.rho'],
  ['image Σσ² vs nearest-partner distance', 'variance.diagnostics.images.nearest.rho'],
];

const RESIDUAL = [
  ['caption Σσ² vs true multiplicity (held-out)', 'residual.diagnostics.captions.multiplicity@val+test.rho'],
  ['its partial ρ (given the nearest-partner distance)', 'residual.diagnostics.captions.multiplicity@val+test.partialRho'],
  ['caption Σσ² vs nearest-partner distance', 'residual.diagnostics.captions.nearest.rho'],
  ['image Σσ² vs captions per image', 'residual.diagnostics.images.multiplicity.rho'],
  ['its partial ρ', 'residual.diagnostics.images.multiplicity.partialRho'],
  ['image Σσ² vs nearest-partner distance', 'residual.diagnostics.images.nearest.rho'],
  ['val mAP@R (means are the parent space, normalized)', 'residual.val_map_at_r'],
  ['for comparison: PCME++ caption Σσ² (held-out)', 'variance.diagnostics.captions.multiplicity@val+test.rho'],
  ['PCME++ image Σσ²', 'variance.diagnostics.images.multiplicity.rho'],
];

const PARTNERS = [
  ['caption N_eff vs true multiplicity (held-out)', 'partners.diagnostics.captions.multiplicity@val+test.rho'],
  ['its partial ρ (given the nearest-partner distance)', 'partners.diagnostics.captions.multiplicity@val+test.partialRho'],
  ['caption N_eff vs true multiplicity (all captions)', 'partners.diagnostics.captions.multiplicity.rho'],
  ['image N_eff vs captions per image', 'partners.diagnostics.images.multiplicity.rho'],
  ['its partial ρ', 'partners.diagnostics.images.multiplicity.partialRho'],
  ['median caption N_eff (images)', 'partners.caption_partners_median'],
  ['median image N_eff (captions)', 'partners.image_partners_median'],
  ['for comparison: caption Σσ² (held-out)', 'variance.diagnostics.captions.multiplicity@val+test.rho'],
  ['image Σσ²', 'variance.diagnostics.images.multiplicity.rho'],
];
const PARTNERS_PROBE = [
  ['test captions: N_eff itself', 'partners.probe.captions.neff_test'],
  ['test captions: linear map from the embedding, fitted on train captions', 'partners.probe.captions.fit_train'],
  ['the same, fitted on validation captions', 'partners.probe.captions.fit_val'],
  ['test images: N_eff itself', 'partners.probe.images.neff_test'],
  ['test images: fitted on train images', 'partners.probe.images.fit_train'],
  ['fitted on validation images', 'partners.probe.images.fit_val'],
];

function targetCell(g, name) {
  const t = g.targets.find((x) => x.name === name);
  if (!t || t.met == null) return 'n/a';
  return `${f3(t.median)} ${t.met ? 'met' : '**missed**'}`;
}

function protocol(sci) {
  const p = sci.protocol;
  return [
    `Settings were chosen on seed ${p.tuning_seed} of the sample only. Every figure below is the mean ± sd (sample sd) over the ${p.seeds.length} unseen seeds ${p.seeds.join(', ')}; targets are judged on the median over those seeds.`,
    `Worlds: the sample at presets ${p.presets.join(', ')} with noise ${p.noise.join(' and ')} (${p.images} images each), the digits world (${p.digits_images} images composed of real MNIST digits from the \`mnist\` package, captions at three levels of specificity, exact truth from the labels), all with the built-in \`${p.encoder}\` encoder as a user runs it; and, separately, the sample's oracle space (built from the truth) at preset ${p.oracle.preset}, noise ${p.oracle.noise}, an upper bound and never the headline.`,
    `Claims: PCME++ trained as \`mlens train --head pcme\` does (variance diagnostics, validation mAP@R), \`--head cond\` against its unconditioned control on the same split, mining with ${p.reviews} simulated reviews in queue order, calibration checks included (the truth as reviewer) then calibration and precision of the top ${p.top_k.toLocaleString('en-US')} candidates, and \`mlens eval\` on the test split. One command: \`npm run bench -- science\` (${Math.round(sci.seconds / 60)} min wall for this run${sci.cpu_seconds ? `, ${Math.round(sci.cpu_seconds / 60)} CPU min` : ''}), then \`node scripts/science-figures.mjs\`.`,
  ].join('\n\n');
}

function summary(sci) {
  const cols = [...VARIANCE_MAIN.slice(0, 1), ...CALIBRATION.filter((c) => !['calibration.ece_cv_reviews', 'calibration.precision_ceiling_top_k', 'calibration.precision_top_k_features_fitted_on_truth', 'calibration.checks_reviewed', 'calibration.ece_cv_checks', 'calibration.calibrated', 'calibration.same_text_unreviewed', 'calibration.precision_ceiling_top_k_without_same_text'].includes(c[1])), RETRIEVAL[0], RETRIEVAL[1], RETRIEVAL[2]];
  return table(['world', ...cols.map((c) => c[0])], ordered(sci).map((g) => [rowLabel(g), ...cols.map((c) => pm(g, c[1]))]));
}

function targets(sci) {
  const lines = sci.targets.map((t) => {
    const cells = headline(sci).map((g) => `${g.label} ${targetCell(g, t.name)}`);
    const missed = headline(sci).filter((g) => g.targets.find((x) => x.name === t.name)?.met === false).length;
    return `- ${t.label} (median over the unseen seeds): ${missed ? `**missed** in ${missed} of ${headline(sci).length} worlds` : 'met in every world'}. ${cells.join('; ')}.`;
  });
  return lines.join('\n');
}

function variance(sci) {
  // Every numeric field of every VarianceCorrelation, whatever fields the diagnostics carry.
  const paths = new Set();
  for (const g of ordered(sci)) for (const p of Object.keys(g.summary)) if (p.startsWith('variance.diagnostics.') && !/\.(n|seconds|sampled)$/.test(p)) paths.add(p);
  const names = [...paths].sort().map((p) => [p.replace('variance.diagnostics.', '').replace(/\./g, ' '), p]);
  const cols = [...names, ...HEAD_CURVE];
  return table(['world', ...cols.map((c) => c[0])], ordered(sci).map((g) => [rowLabel(g), ...cols.map((c) => pm(g, c[1]))]));
}

function cond(sci) {
  // One row per world and aspect; one column per score the train result gives (whatever they are),
  // each cell "conditional head / unconditioned control".
  const rows = [];
  const fields = new Set();
  const per = [];
  for (const g of ordered(sci)) {
    const split = Object.keys(g.summary).some((p) => p.startsWith('cond.cond.test.perCondition.')) ? 'test' : 'val';
    const prefix = `cond.cond.${split}.perCondition.`;
    const aspects = new Map();
    for (const p of Object.keys(g.summary).filter((q) => q.startsWith(prefix))) {
      const [aspect, ...field] = p.slice(prefix.length).split('.');
      const k = field.join('.');
      fields.add(k);
      if (!aspects.has(aspect)) aspects.set(aspect, new Set());
      aspects.get(aspect).add(k);
    }
    per.push({ g, split, prefix, aspects });
  }
  const cols = [...fields].sort();
  for (const { g, split, prefix, aspects } of per) {
    if (!aspects.size) rows.push([rowLabel(g), split, 'n/a', ...cols.map(() => 'n/a')]);
    for (const aspect of [...aspects.keys()].sort())
      rows.push([rowLabel(g), split, aspect, ...cols.map((k) => `${pm(g, `${prefix}${aspect}.${k}`)} / ${pm(g, `cond.control.${split}.perCondition.${aspect}.${k}`)}`)]);
  }
  return table(['world', 'split', 'aspect', ...cols.map((k) => `${k}: conditional / control`)], rows);
}

const simple = (cols) => (sci) => table(['world', ...cols.map((c) => c[0])], ordered(sci).map((g) => [rowLabel(g), ...cols.map((c) => pm(g, c[1]))]));

/** The calibration table, then how often the app's own claim (p̂ is a probability) held against the truth. */
function calibration(sci) {
  let claimed = 0;
  let held = 0;
  let refused = 0;
  let refusedRightly = 0;
  const worst = [];
  for (const g of headline(sci)) {
    for (const s of g.per_seed) {
      const c = s.calibration;
      if (!c || c.calibrated == null || c.ece_unreviewed_vs_truth == null) continue;
      const ok = c.ece_unreviewed_vs_truth <= 0.1;
      if (c.calibrated) {
        claimed++;
        if (ok) held++;
        else worst.push(c.ece_unreviewed_vs_truth);
      } else {
        refused++;
        if (!ok) refusedRightly++;
      }
    }
  }
  const note =
    `Over the ${claimed + refused} unseen seeds of the worlds above (the oracle left out), the app called p̂ a probability on ${claimed}; ` +
    `on ${held} of them the ECE against the truth was within 0.10${worst.length ? ` (on the others ${worst.map(f3).join(', ')})` : ''}. ` +
    `Of the ${refused} seeds where it refused, ${refusedRightly} had an ECE above 0.10.`;
  return `${simple(CALIBRATION)(sci)}\n\n${note}`;
}

function readme(sci) {
  const a = byName(sci, 'sample-A-noise0');
  const d = byName(sci, 'digits');
  const o = oracle(sci)[0];
  const rho = VARIANCE_MAIN[0][1];
  const n = sci.protocol.seeds.length;
  const parts = [];
  if (a) parts.push(`On the built-in encoder's space (sample preset A, ${sci.protocol.images} images, ${n} unseen seeds), caption Σσ² of a PCME++ head ranks with true multiplicity at Spearman ${pm(a, rho)} on held-out captions`);
  if (d) parts.push(`on the digits world (real MNIST digits) ${pm(d, rho)}`);
  let s = `${parts.join('; ')}.`;
  if (o) s += ` The oracle space (built from truth: an upper bound) gives ${pm(o, rho)}.`;
  if (a && d) s += ` Effective partners read from the same space, with no head, rank with it at ${pm(a, PARTNERS[0][1])} (digits ${pm(d, PARTNERS[0][1])}).`;
  const cal = a ? ` After 200 simulated reviews the ECE of p̂ on the unreviewed candidates is ${pm(a, CALIBRATION[0][1])} and the top 1,000 candidates' precision ${pm(a, CALIBRATION[2][1])}.` : '';
  return `${s}${cal} Targets, median over unseen seeds, per run:\n\n${targetLines(findingRuns(sci))}\n\nEvery world, noise level and figure: [docs/science.md](docs/science.md).`;
}

/** The headline, 1,000-image and fresh-seed runs as src/shared/science_findings.ts lists them. */
function findingRuns(sci, largerPath = LARGER_JSON_PATH, freshPath = FRESH_JSON_PATH) {
  const load = (path) => {
    try {
      return loadScience(path);
    } catch {
      return null;
    }
  };
  return [findingsRun(sci, 'npm run bench -- science', 'bench-results/latest-science.json'), findingsRun(load(largerPath), 'npm run bench -- science-1000', 'bench-results/latest-science-1000.json'), findingsRun(load(freshPath), 'npm run bench -- science-fresh', 'bench-results/latest-science-fresh.json')].filter(Boolean);
}

/**
 * One target in one run, in words: "met in all 7 worlds (at 200 images, seeds 101–105)", or which
 * worlds missed it with their medians. The UI shows the same sentence (src/shared/science_findings.ts).
 */
function targetSentence(run, worlds) {
  const judged = worlds.filter((w) => w.met != null);
  const missed = judged.filter((w) => w.met === false);
  const where = `at ${run.images.toLocaleString('en-US')} images, seeds ${run.seeds[0]}–${run.seeds[run.seeds.length - 1]}`;
  if (!missed.length) return `met in all ${judged.length} worlds (${where})`;
  if (missed.length === judged.length) {
    const m = missed.map((w) => w.median).filter((x) => x != null);
    return `missed in all ${judged.length} worlds (${where}: medians ${f3(Math.min(...m))} to ${f3(Math.max(...m))})`;
  }
  return `missed in ${missed.length} of ${judged.length} worlds (${where}: ${missed.map((w) => `${w.world} ${f3(w.median)}`).join('; ')})`;
}

/** README's list: each target's sentence per run, a miss in bold. */
function targetLines(runs) {
  if (!runs.length) return '';
  return runs[0].targets
    .filter((t) => !/partners/.test(t.name))
    .map((t) => `- ${t.label}: ${runs.map((r) => r.targets.find((x) => x.name === t.name)?.sentence.replace(/^missed/, '**missed**')).filter(Boolean).join('; ')}.`)
    .join('\n');
}

function models(sci) {
  const a = byName(sci, 'sample-A-noise0');
  if (!a) return '';
  return `On the ${sci.protocol.images}-image sample (preset A, ${sci.protocol.seeds.length} unseen seeds, mean ± sd), the baseline (its head trained on the train split only) gives on the held-out test split t2i R@1 ${pm(a, 'retrieval.t2i_annotated.r1')} against the annotated pairs but ${pm(a, 'retrieval.t2i_truth.r1')} against the full truth, and mAP@R ${pm(a, 'retrieval.t2i_truth.map_at_r')} against the truth: its top image is usually valid, just not the one annotated (all worlds: [science](science.md)).`;
}

/** The worlds named in any variant of a tuning record's { variant: { world: … } } map, in order of appearance. */
const worldsOf = (variants) => [...new Set(Object.values(variants).flatMap((v) => Object.keys(v).filter((k) => k !== 'encoder')))];

/**
 * Seed-0 tuning runs (bench-results/<prefix>*.json: the built-in encoder's, or mining's): per file a
 * table of variants × worlds, each cell "precision of the top 1,000 / t2i mAP@R vs truth" (mining:
 * "/ the same features fitted on every candidate's truth"); then, where the file holds them, the
 * 1,000-image check, the detection table and the unseen seeds' comparison (mean ± sd).
 */
export function encoderTuning(sci, root = ROOT, prefix = 'science-tuning-encoder-') {
  const dir = join(root, 'bench-results');
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json')).sort();
  const label = (name) => labelOf(sci, name);
  const grid = (variants, cell) => {
    const ws = worldsOf(variants);
    return table(['variant', ...ws.map(label)], Object.entries(variants).map(([name, v]) => [name, ...ws.map((w) => cell(v[w]))]));
  };
  const mining = prefix.includes('mining');
  const second = mining ? ['precision_top_k_features_fitted_on_truth', "the same features fitted on every candidate's truth"] : ['t2i_map_at_r_vs_truth', 't2i mAP@R vs truth'];
  const cell = (w) => (w ? `${f3(w.precision_top_k)} / ${f3(w[second[0]])}` : '—');
  const out = [];
  for (const f of files) {
    const j = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    // A mining record that holds the ranking before any review (newer files) shows it third.
    const before = (vs) => Object.values(vs ?? {}).some((v) => Object.values(v).some((w) => w?.precision_before_review_top_k != null));
    const third = mining && (before(j.variants) || before(j.variants_1000_images));
    const cellOf = third ? (w) => (w ? `${f3(w.precision_top_k)} / ${f3(w[second[0]])} / ${f3(w.precision_before_review_top_k)}` : '—') : cell;
    out.push(`**${j.title ?? f}** (\`bench-results/${f}\`, seed ${j.seed ?? 0}; each cell: precision of the top 1,000 / ${second[1]}${third ? ' / precision of the first 1,000 candidates before any review' : ''})`, '', grid(j.variants, cellOf));
    if (j.variants_1000_images) out.push('', 'The same at 1,000-image worlds, seed 0:', '', grid(j.variants_1000_images, cellOf));
    if (j.detection) {
      out.push('', 'Which training pairs it set aside (`mlens encode` of one world each):', '');
      out.push(table(['world', 'warm-up share of the epochs', 'training pairs', 'of them shuffled by the generator', 'set aside', 'of them shuffled'], j.detection.map((d) => [d.world, String(d.clean), String(d.train_pairs), String(d.noisy_train_pairs), String(d.set_aside), String(d.set_aside_noisy)])));
    }
    if (mining && j.show_ece) {
      const eceCell = (w) => (w?.ece_unreviewed_vs_truth != null ? f3(w.ece_unreviewed_vs_truth) : '—');
      out.push('', 'Seed 0, ECE of p̂ on the unreviewed candidates against the truth:', '', grid(j.variants, eceCell));
      if (j.variants_1000_images) out.push('', 'The same at 1,000-image worlds, seed 0:', '', grid(j.variants_1000_images, eceCell));
    }
    // Mining's multiplicity check on seed 0 (records that hold it): its Spearman, and whether it weighed the prior.
    const agreementCell = (w) => (w?.multiplicity_agreement != null ? `${f3(w.multiplicity_agreement)} (${w.multiplicity_applied ? 'weighed' : 'not weighed'})` : '—');
    const hasAgreement = (vs) => Object.values(vs ?? {}).some((v) => Object.values(v).some((w) => w?.multiplicity_agreement != null));
    if (mining && hasAgreement(j.variants)) out.push('', "Seed 0, the multiplicity check: Spearman of caption coverage with effective partners (the prior is weighed at 0.45 or more):", '', grid(j.variants, agreementCell));
    if (mining && hasAgreement(j.variants_1000_images)) out.push('', 'The same at 1,000-image worlds, seed 0:', '', grid(j.variants_1000_images, agreementCell));
    for (const [key, size] of [['unseen_seeds', ''], ['unseen_seeds_1000', '1,000-image worlds, ']]) {
      const u = j[key];
      if (!u) continue;
      const figs = [['precision_top_k', 'precision of the top 1,000'], ['precision_before_review_top_k', 'precision of the first 1,000 candidates before any review'], ['multiplicity_agreement', 'the multiplicity check: Spearman of caption coverage with effective partners'], ['multiplicity_applied', 'share of the seeds where the check weighed the prior'], ['t2i_map_at_r_vs_truth', 't2i mAP@R vs truth'], ['i2t_map_at_r_vs_truth', 'i2t mAP@R vs truth'], ['caption_sigma2_rho_heldout', 'Spearman ρ of caption Σσ² (PCME++ head on that space) with true multiplicity, held-out captions']];
      // Mining does not change the space, so a mining record shows mining's figures only (and the
      // calibration of p̂ where the record asks for it: `show_ece`).
      const ece = ['ece_unreviewed_vs_truth', 'ECE of p̂ on the unreviewed candidates against the truth'];
      const withoutSame = ['precision_top_k_without_same_text', 'precision of the top 1,000 with the same-text candidates left out'];
      for (const [fig, name] of mining ? [...figs.slice(0, 4), ...(j.show_ece ? [ece, withoutSame] : [])] : figs) {
        // A figure the file does not hold for any variant (an older file) gets no table.
        if (!Object.values(u.variants).some((v) => Object.values(v).some((w) => w?.[fig]))) continue;
        out.push('', `${size ? `${size[0].toUpperCase()}${size.slice(1)}u` : 'U'}nseen seeds ${u.seeds.join(', ')}, ${name} (mean ± sd):`, '', grid(u.variants, (w) => (w?.[fig] ? `${f3(w[fig].mean)} ± ${f3(w[fig].sd)}` : '—')));
      }
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

/**
 * The protocol at 1,000-image worlds, from its own JSON: what it ran, the targets judged there, the
 * summary table, and the precision figures beside their ceiling (a 200-image world's candidate pool
 * holds fewer valid pairs than the top 1,000 asks for; a 1,000-image world's holds more).
 */
function largerWorlds(_sci, path = LARGER_JSON_PATH) {
  let big;
  try {
    big = loadScience(path);
  } catch {
    return `Not measured yet: \`npm run bench -- science-1000\` writes \`bench-results/latest-science-1000.json\`.`;
  }
  const p = big.protocol;
  const head = `\`npm run bench -- science-1000\` (\`bench-results/latest-science-1000.json\`): the same protocol, seeds (${p.seeds.join(', ')}), encoder (\`${p.encoder}\`) and settings, at ${p.images.toLocaleString('en-US')} images per sample world and ${p.digits_images.toLocaleString('en-US')} on digits (${Math.round(big.seconds / 60)} min wall). Nothing was tuned at this size but the effective partners' τ rule (seed 0 only, below). Targets, median over the unseen seeds:`;
  const precision = [CALIBRATION[2], CALIBRATION[3], CALIBRATION[4], CALIBRATION[8], CALIBRATION[10], CALIBRATION[9], CALIBRATION[0], ['candidates mined', 'calibration.candidates'], ['valid unannotated pairs among the unreviewed candidates', 'calibration.valid_unreviewed_candidates']];
  return [head, '', targets(big), '', summary(big), '', 'Precision beside what bounds it at this size:', '', simple(precision)(big)].join('\n');
}

/** `npm run bench -- science-fresh`: the same protocol on seeds nothing was chosen on or prompted by (region fresh_seeds). */
export const FRESH_JSON_PATH = join(ROOT, 'bench-results', 'latest-science-fresh.json');

function freshSeeds(_sci, path = FRESH_JSON_PATH) {
  let fresh;
  try {
    fresh = loadScience(path);
  } catch {
    return `Not measured yet: \`npm run bench -- science-fresh\` writes \`bench-results/latest-science-fresh.json\`.`;
  }
  const p = fresh.protocol;
  const head = `\`npm run bench -- science-fresh\` (\`bench-results/latest-science-fresh.json\`): the same protocol, encoder (\`${p.encoder}\`), settings and sizes (${p.images} images per sample world, ${p.digits_images} on digits), on seeds ${p.seeds.join(', ')}, run once after every choice above was made, with nothing changed afterwards (${Math.round(fresh.seconds / 60)} min wall). Targets, median over these seeds:`;
  return [head, '', targets(fresh), '', summary(fresh), '', simple(RESIDUAL)(fresh)].join('\n');
}

/**
 * src/shared/science_findings.ts: the targets' verdicts per world, for the UI (the Uncertainty and
 * Review tabs say which targets were missed, from the same JSON as the docs, never typed by hand).
 */
export const FINDINGS_PATH = join(ROOT, 'src', 'shared', 'science_findings.ts');

function findingsRun(sci, command, file) {
  if (!sci) return null;
  const run = { command, file, seeds: sci.protocol.seeds, images: sci.protocol.images, digitsImages: sci.protocol.digits_images, encoder: sci.protocol.encoder };
  const targets = sci.targets.map((t) => {
    const worlds = headline(sci).map((g) => {
      const x = g.targets.find((y) => y.name === t.name);
      return { world: g.label, median: x?.median == null ? null : Math.round(x.median * 1000) / 1000, met: x?.met ?? null };
    });
    return { name: t.name, label: t.label, op: t.op, bound: t.bound, worlds, sentence: targetSentence(run, worlds) };
  });
  return { ...run, targets };
}

export function findingsModule(sci, largerPath = LARGER_JSON_PATH, freshPath = FRESH_JSON_PATH) {
  const runs = findingRuns(sci, largerPath, freshPath);
  return [
    '// Generated by `node scripts/science-figures.mjs` from the science benches\' JSON; do not edit.',
    '// test/unit/docs_figures.test.ts fails when it differs from what the script makes of the JSON.',
    "import type { ScienceRun } from './science_findings_types.js';",
    '',
    // One line per target: the worlds' verdicts read across, and no run of repeated lines.
    'export const SCIENCE_RUNS: ScienceRun[] = [',
    ...runs.map(({ targets, ...head }) => `  {\n    ${JSON.stringify(head).slice(1, -1)},\n    "targets": [\n${targets.map((t) => `      ${JSON.stringify(t)},`).join('\n')}\n    ]\n  },`),
    '];',
    '',
  ].join('\n');
}

/** `npm run bench -- residual-tuning` (bench-results/latest-residual-tuning.json): how the residual head's strengths were chosen. */
export const RESIDUAL_TUNING_PATH = join(ROOT, 'bench-results', 'latest-residual-tuning.json');

function residualTuning(sci, path = RESIDUAL_TUNING_PATH) {
  const t = namedRun(path, 'residual-tuning');
  if (!t) return notMeasured('residual-tuning', path);
  const label = (name) => labelOf(sci, name);
  const grid = (rows, what) =>
    table([`${what} map λ`, 'variance λ', 'median over the worlds', ...t.worlds.map(label)], rows.map((r) => [String(r.lambda), String(r.var_lambda), f3(r.median), ...t.worlds.map((w) => f3(r.worlds[w]))]));
  const c = t.chosen;
  const s = t.shipped;
  const pts = (x) => `captions λ ${x.captionLambda}, variance λ ${x.captionVarLambda}, partners' weight ${x.captionPartnersWeight}${x.captionCoverageWeight != null ? `, coverage's weight ${x.captionCoverageWeight}` : ''}; images λ ${x.imageLambda}, variance λ ${x.imageVarLambda}, partners' weight ${x.imagePartnersWeight}${x.imageCoverageWeight != null ? `, coverage's weight ${x.imageCoverageWeight}` : ''}${x.imageCoverageCheck ? ` admitted by the ${x.imageCoverageCheck === 'caption' ? "captions'" : "images' own"} check` : ''}`;
  const verdict = t.shipped_is_chosen
    ? `The grid's best points (${pts(c)}) are the shipped defaults.`
    : `**The grid's best points (${pts(c)}) differ from the shipped defaults** (${pts(s)}).`;
  const pw = t.partners_weight;
  const blend = pw
    ? [
        '',
        `Then, at the chosen strengths, the weight of the effective partners in the variance (0: the residual alone; 1: the partners alone), Spearman ρ as above:`,
        '',
        table(
          ['partners\' weight', 'captions: median over the worlds', 'images: median over the worlds', ...t.worlds.map((w) => `${label(w)} (captions / images)`)],
          pw.captions.map((r, k) => [String(r.weight), f3(r.median), f3(pw.images[k].median), ...t.worlds.map((w) => `${f3(r.worlds[w])} / ${f3(pw.images[k].worlds[w])}`)]),
        ),
      ]
    : [];
  // One section per modality: the weight grid judged by worlds at the target, then each world's agreement check.
  const coverageSection = (rows, intro, what, agreementLabel = `${what} coverage's agreement with the partners (ρ)`) =>
    rows
      ? [
          '',
          intro,
          '',
          table(
            ["coverage's weight", `worlds at the ${what} target`, `${what}s: median over the worlds`, ...t.worlds.map(label)],
            rows.map((r) => [String(r.weight), `${r.worlds_at_target} of ${t.worlds.length}`, f3(r.median), ...t.worlds.map((w) => f3(r.worlds[w]))]),
          ),
          '',
          table(['world', agreementLabel, 'applied'], t.worlds.map((w) => [label(w), f3(rows[rows.length - 1].agreement[w]), rows[rows.length - 1].applied[w] ? 'yes' : 'no'])),
        ]
      : [];
  const cover = coverageSection(
    t.coverage_weight,
    `Then, at those strengths and partners' weights, the weight of caption coverage in the caption variance (0: off), applied where coverage ranks captions like their effective partners (Spearman ρ > ${t.grid.coverageMinAgreement}, fixed beforehand). Judged by the number of worlds whose caption ρ reaches the target (0.3) on this seed, ties to the higher median (the median alone would keep it off). Caption Σσ² ρ as above; then each world's agreement check (the same at every weight):`,
    'caption',
  );
  const imageCover = coverageSection(
    t.image_coverage_weight,
    `Images in the same fits, through coverage's transpose (the captions of the split, not the image's own, whose content words the image's captions all hold), judged the same way against the image target (0.2). Image Σσ² ρ with captions per image:`,
    'image',
  );
  const imageCoverByCaptions = coverageSection(
    t.image_coverage_weight_caption_check,
    `The same image fits, with image coverage admitted by the captions' check instead (caption coverage ranks captions like the captions' effective partners; image coverage is its transpose, read from the same words). The weight and the check are chosen together by the same criterion, ties to the images' own check. Image Σσ² ρ with captions per image:`,
    'image',
    "image coverage's agreement with the images' partners (ρ; applied follows the captions' check)",
  );
  return [
    `Seed ${t.seed} only, ${t.images} images per world, the \`${t.encoder}\` encoder, ${Math.round(t.seconds)} s. First the four ridge strengths, on the residual alone. Spearman ρ of caption Σσ² with true multiplicity (held-out captions):`,
    '',
    grid(t.captions, 'caption → image'),
    '',
    'Spearman ρ of image Σσ² with captions per image:',
    '',
    grid(t.images_grid, 'image → caption'),
    ...blend,
    ...cover,
    ...imageCover,
    ...imageCoverByCaptions,
    '',
    verdict,
  ].join('\n');
}

/** `npm run bench -- partners-tau` (bench-results/latest-partners-tau.json): the effective partners' τ against the dataset's size. */
export const PARTNERS_TAU_PATH = join(ROOT, 'bench-results', 'latest-partners-tau.json');

function partnersTau(sci, path = PARTNERS_TAU_PATH) {
  const t = namedRun(path, 'partners-tau');
  if (!t) return notMeasured('partners-tau', path);
  const label = (name) => labelOf(sci, name);
  const out = [`Seed ${t.seed} only, the \`${t.encoder}\` encoder, ${Math.round(t.seconds)} s. Spearman ρ of caption N_eff with true multiplicity (held-out captions) / of image N_eff with captions per image:`];
  for (const size of t.sizes) {
    const best = t.best.find((b) => b.images === size.images);
    out.push(
      '',
      `${size.images.toLocaleString('en-US')} images per world (best τ for captions ${best.caption_tau}; the default rule gives ${size.rule_tau}):`,
      '',
      table(
        ['τ', 'captions: median over the worlds', 'images: median over the worlds', ...t.worlds.map((w) => `${label(w)} (captions / images)`)],
        size.rows.map((r) => [String(r.tau), f3(r.caption_median), f3(r.image_median), ...t.worlds.map((w) => `${f3(r.captions[w])} / ${f3(r.images[w])}`)]),
      ),
    );
  }
  return out.join('\n');
}

/** bench-results/science-tuning-pcme-inclusion.json: ProLIP's inclusion loss on the PCME++ head (`mlens train --inclusion`). */
export const PCME_INCLUSION_PATH = join(ROOT, 'bench-results', 'science-tuning-pcme-inclusion.json');

/**
 * The seed-0 grid (caption ρ / image ρ / validation mAP@R of the weights kept, per world), then the
 * unseen seeds: the default head and the chosen setting side by side (mean ± sd; targets judged on
 * the median, with the protocol's bounds), and the test split's mAP@R that the option costs.
 */
export function pcmeInclusion(sci, path = PCME_INCLUSION_PATH) {
  const j = readJson(path);
  if (!j) return `Not measured yet: \`${basename(path)}\` is written by scripts/science-tuning-file.mjs from seed-0 science runs.`;
  const label = (name) => labelOf(sci, name);
  const worlds = worldsOf(j.variants);
  const out = [
    `**${j.title}** (\`bench-results/${basename(path)}\`, seed ${j.seed}; each cell: Spearman ρ of caption Σσ² with true multiplicity, held-out captions / of image Σσ² with captions per image / validation mAP@R of the weights kept)`,
    '',
    table(['variant', ...worlds.map(label)], Object.entries(j.variants).map(([name, v]) => [name, ...worlds.map((w) => (v[w] ? `${f3(v[w].caption_sigma2_rho_heldout)} / ${f3(v[w].image_sigma2_rho)} / ${f3(v[w].pcme_val_map_at_r)}` : '—'))])),
  ];
  if (j.variants_1000_images) {
    const big = j.variants_1000_images;
    const bw = worldsOf(big);
    out.push('', 'The same at 1,000-image worlds, seed 0 (a check made after the unseen runs; nothing chosen from it):', '', table(['variant', ...bw.map(label)], Object.entries(big).map(([name, v]) => [name, ...bw.map((w) => (v[w] ? `${f3(v[w].caption_sigma2_rho_heldout)} / ${f3(v[w].image_sigma2_rho)} / ${f3(v[w].pcme_val_map_at_r)}` : '—'))])));
  }
  const bound = (name, fallback) => sci.targets?.find((t) => t.name === name)?.bound ?? fallback;
  const capBound = bound('caption_variance_rho', 0.3);
  const imgBound = bound('image_variance_rho', 0.2);
  const ms = (x) => (x ? `${f3(x.mean)} ± ${f3(x.sd)}` : 'n/a');
  const figs = [
    ['caption_sigma2_rho_heldout', 'caption Σσ² ρ', 'caption_sigma2_partial_heldout'],
    ['image_sigma2_rho', 'image Σσ² ρ', 'image_sigma2_partial'],
    ['pcme_test_map_at_r', 'test mAP@R', null],
  ];
  for (const u of [j.unseen_seeds, j.unseen_seeds_1000]) {
    if (!u) continue;
    const names = Object.keys(u.variants);
    const cols = (fig) => names.map((n) => `${fig[1]}: ${n}`);
    const size = u.images ? `${u.images.toLocaleString('en-US')}-image worlds, ` : '';
    out.push(
      '',
      `Unseen seeds ${u.seeds.join(', ')}, ${size}mean ± sd (caption ρ over held-out captions, image ρ over every image, each with its partial ρ given the nearest-partner distance in brackets (mean); mAP@R of the PCME++ head itself on the test split, against the truth):`,
      '',
      table(['world', ...figs.flatMap(cols)], worlds.map((w) => [label(w), ...figs.flatMap(([k, , partial]) => names.map((n) => `${ms(u.variants[n][w]?.[k])}${partial && u.variants[n][w]?.[partial] ? ` (${f3(u.variants[n][w][partial].mean)})` : ''}`))])),
      '',
    );
    for (const n of names) {
      const at = (k, b) => worlds.filter((w) => (u.variants[n][w]?.[k]?.median ?? -Infinity) >= b);
      const cap = at('caption_sigma2_rho_heldout', capBound);
      const img = at('image_sigma2_rho', imgBound);
      const list = (ws) => (ws.length ? ` (${ws.map(label).join('; ')})` : '');
      // Against the first variant (the default): in how many worlds the mean over the seeds is higher.
      const base = names[0];
      const above = (k) => worlds.filter((w) => (u.variants[n][w]?.[k]?.mean ?? -Infinity) > (u.variants[base][w]?.[k]?.mean ?? Infinity));
      const vs = n === base ? '' : ` Mean over the seeds above ${base}'s: caption ρ in ${above('caption_sigma2_rho_heldout').length} of ${worlds.length} worlds, image ρ in ${above('image_sigma2_rho').length} of ${worlds.length}, test mAP@R in ${above('pcme_test_map_at_r').length} of ${worlds.length}.`;
      out.push(`- ${n}: median caption ρ ≥ ${capBound} in ${cap.length} of ${worlds.length} worlds${list(cap)}; median image ρ ≥ ${imgBound} in ${img.length} of ${worlds.length}${list(img)}.${vs}`);
    }
  }
  return out.join('\n');
}

/** scripts/digits-scale-check.mjs: mining before any review on larger digits worlds (region digits_scale). */
export const DIGITS_SCALE_PATH = join(ROOT, 'bench-results', 'mining-digits-scale.json');
/** The same script's output before the PU prior gave same-text pairs their annotated twin's τ_txt. */
export const DIGITS_SCALE_BEFORE_PATH = join(ROOT, 'bench-results', 'mining-digits-scale-before-same-text-features.json');
function digitsScale(_sci, path = DIGITS_SCALE_PATH, beforePath = DIGITS_SCALE_BEFORE_PATH) {
  const now = readJson(path);
  if (!now) return `Not measured yet: \`node scripts/digits-scale-check.mjs\` writes \`bench-results/${basename(path)}\`.`;
  const before = readJson(beforePath);
  const pct = (x) => (x == null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
  const rows = [];
  for (const [label, j] of [['before', before], ['now', now]]) {
    for (const r of j?.runs ?? []) {
      for (const [name, m] of Object.entries(r.mine)) {
        rows.push([
          label,
          r.images.toLocaleString('en-US'),
          name === 'auto' ? `default (check ${m.multiplicity.agreement == null ? 'n/a' : f3(m.multiplicity.agreement)}: ${m.multiplicity.applied ? 'weighed' : 'not weighed'})` : '--no-multiplicity-prior',
          f3(m.precision['100']),
          f3(m.precision['1000']),
          f3(m.precision['10000']),
          m.precision_needing_review ? `${f3(m.precision_needing_review['100'])} / ${f3(m.precision_needing_review['1000'])}` : 'n/a',
          m.candidates.toLocaleString('en-US'),
          `${m.same_text.pairs.toLocaleString('en-US')} (${pct(m.same_text.share)})`,
          pct(m.same_text.top_share),
          `${m.seconds}`,
        ]);
      }
    }
  }
  return [
    `\`node scripts/digits-scale-check.mjs\`: the digits world at seed ${now.runs[0]?.seed}, the \`${now.encoder}\` encoder, \`mlens mine\` before any review, with truth; "before": the PU prior's τ_txt = 1 for a same-text candidate (\`bench-results/${basename(beforePath)}\`), "now": its annotated twin's (\`bench-results/${basename(path)}\`). Same-text candidates read exactly like a caption annotated on their image (valid by the annotation itself):`,
    '',
    table(['', 'images', 'prior', 'precision of the first 100', 'first 1,000', 'first 10,000', 'same-text candidates left out: first 100 / first 1,000', 'candidates', 'same-text candidates', 'share of the first 1,000 that are same-text', 'mine s'], rows),
  ].join('\n');
}

export const REGIONS = {
  protocol,
  summary,
  targets,
  variance,
  cond,
  calibration,
  residual: simple(RESIDUAL),
  residual_tuning: (sci) => residualTuning(sci),
  partners_tau: (sci) => partnersTau(sci),
  partners: simple(PARTNERS),
  partners_probe: simple(PARTNERS_PROBE),
  retrieval: simple(RETRIEVAL),
  readme,
  models,
  encoder_tuning: encoderTuning,
  mining_tuning: (sci) => encoderTuning(sci, ROOT, 'science-tuning-mining-'),
  larger_worlds: (sci) => largerWorlds(sci),
  fresh_seeds: (sci) => freshSeeds(sci),
  pcme_inclusion: (sci) => pcmeInclusion(sci),
  digits_scale: (sci) => digitsScale(sci),
};

const REGION_RE = /^([ \t]*)(<!-- science:([a-z_-]+) -->)([\s\S]*?)(<!-- \/science:\3 -->)/gm;

/**
 * The text with every generated region rewritten from `sci` (indented like its opening marker, so a
 * region can sit inside a list item); unknown region names throw.
 */
export function applyRegions(text, sci, file = 'text') {
  return text.replace(REGION_RE, (_m, indent, open, name, _body, close) => {
    const fn = REGIONS[name];
    if (!fn) throw new Error(`${file}: unknown generated region science:${name}`);
    const body = fn(sci).split('\n').map((l) => (l ? indent + l : l)).join('\n');
    return `${indent}${open}\n${body}\n${indent}${close}`;
  });
}

/**
 * Tables generated by the other figure scripts from their own JSON (scripts/variance_doc.mjs from
 * bench-results/latest-variance.json, scripts/cond-table.mjs from latest-cond.json, scripts/lexicon-eval.mjs from latest-lexicon.json), between
 * `<!-- NAME-table:start … -->` and `<!-- NAME-table:end -->`; their `--check` runs in the same test.
 */
export const OTHER_TABLE_SCRIPTS = ['scripts/variance_doc.mjs', 'scripts/cond-table.mjs', 'scripts/lexicon-eval.mjs'];
const OTHER_TABLE_RE = /<!-- ([a-z]+)-table:start[^>]*-->[\s\S]*?<!-- \1-table:end -->/g;

/** The text with generated regions and `<!-- science:ignore -->` sections blanked (line count kept). */
export function outsideRegions(text) {
  const blank = (m) => m.replace(/[^\n]/g, ' ');
  return text
    .replace(REGION_RE, blank)
    .replace(OTHER_TABLE_RE, blank)
    .replace(/<!-- science-ignore -->[\s\S]*?<!-- \/science-ignore -->/g, blank);
}

const KEYWORD = /(Spearman|ρ|\brho\b|\bECE\b|[Pp]recision|mAP@R|R@1\b|R-Precision|\bR-P\b)/g;
// A decimal in [0, 1], with or without its leading zero ("0.48", ".48").
const DECIMAL = /(?<![\d.§\w])(?:0?\.\d+|1\.0+)(?![\d]|\.\d)/g;
const THRESHOLD = /(≤|≥|<|>|at most|at least|target)[\s*]*$/;

/**
 * Scientific figures written outside generated regions: a decimal in [0, 1] in the same sentence
 * after a metric's name. A threshold (≤, ≥, "at most", "target" before it) is allowed when it is one
 * of the JSON's targets. Returns [{line, figure, context}].
 */
export function figuresOutsideRegions(text, sci) {
  const bounds = new Set((sci?.targets ?? []).map((t) => t.bound));
  const out = [];
  const body = outsideRegions(text);
  for (const k of body.matchAll(KEYWORD)) {
    const rest = body.slice(k.index);
    const end = rest.search(/[.;|](?=\s)|\n\s*\n/);
    const sentence = end < 0 ? rest : rest.slice(0, end);
    for (const d of sentence.matchAll(DECIMAL)) {
      const before = sentence.slice(0, d.index);
      if (THRESHOLD.test(before) && bounds.has(Number(d[0]))) continue;
      const at = k.index + d.index;
      const line = body.slice(0, at).split('\n').length;
      if (!out.some((o) => o.line === line && o.figure === d[0])) out.push({ line, figure: d[0], context: sentence.slice(0, 120).replace(/\s+/g, ' ') });
    }
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sci = loadScience();
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const f of docFiles()) {
    const path = join(ROOT, f);
    const text = readFileSync(path, 'utf8');
    const next = applyRegions(text, sci, f);
    if (next === text) continue;
    stale++;
    if (check) console.error(`${f}: generated regions differ from ${JSON_PATH}`);
    else {
      writeFileSync(path, next);
      console.log(`${f}: regions rewritten`);
    }
  }
  const findings = findingsModule(sci);
  const current = (() => {
    try {
      return readFileSync(FINDINGS_PATH, 'utf8');
    } catch {
      return '';
    }
  })();
  if (current !== findings) {
    stale++;
    if (check) console.error(`${FINDINGS_PATH}: differs from the science JSON`);
    else {
      writeFileSync(FINDINGS_PATH, findings);
      console.log('src/shared/science_findings.ts: rewritten');
    }
  }
  if (check && stale) process.exit(1);
}
