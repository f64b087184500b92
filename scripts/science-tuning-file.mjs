#!/usr/bin/env node
// Writes a seed-0 tuning record (bench-results/science-tuning-<name>.json, rendered into
// docs/science.md by scripts/science-figures.mjs) from `npm run bench -- science` outputs, one per
// variant, each run with MLENS_SCIENCE_SEEDS=0 and the variant's environment:
//
//   node scripts/science-tuning-file.mjs OUT.json "title" "what was run" NAME=latest-science.json ...
//     [unseen:NAME=science.json ...] [unseen-1000:NAME=science-1000.json ...] [seed0-1000:NAME=science-1000.json ...]
//
// Every figure is copied from the runs' JSON (seed 0 of each world), none typed. An `unseen:` run
// (the chosen variant, or the shipped default, run on the protocol's unseen seeds after the choice)
// goes under `unseen_seeds`: per world and figure the mean, sample sd and median over its seeds; an
// `unseen-1000:` run (`npm run bench -- science-1000`) the same under `unseen_seeds_1000`; a seed-0
// `seed0-1000:` run (a check at that size, e.g. of fewer worlds) under `variants_1000_images`.
import { readFileSync, writeFileSync } from 'node:fs';

// --show-ece: docs/science.md also tables the ECE of p̂ on the unreviewed candidates (a change to the queue).
const args = process.argv.slice(2);
const showEce = args.includes('--show-ece');
const [out, title, what, ...variants] = args.filter((a) => a !== '--show-ece');
if (!out || !title || !what || !variants.length) {
  console.error('usage: node scripts/science-tuning-file.mjs OUT.json "title" "what was run" NAME=science.json [NAME=science.json ...] [unseen:NAME=science.json ...] [unseen-1000:NAME=science-1000.json ...] [seed0-1000:NAME=science-1000.json ...]');
  process.exit(2);
}

const round = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null);
const multiplicityOf = (list, scope) => list?.find((c) => c.against === 'multiplicity' && (scope ? c.scope === scope : !c.scope));
const rhoOf = (list, scope) => multiplicityOf(list, scope)?.rho;

function figures(r) {
  return {
    t2i_map_at_r_vs_truth: round(r.retrieval?.t2i_truth?.map_at_r),
    i2t_map_at_r_vs_truth: round(r.retrieval?.i2t_truth?.map_at_r),
    precision_top_k: round(r.calibration?.precision_top_k),
    precision_top_k_features_fitted_on_truth: round(r.calibration?.precision_top_k_features_fitted_on_truth),
    // Mining's ranking before any review (the prior alone): precision of its first 1,000 candidates.
    precision_before_review_top_k: round(r.calibration?.precision_recall_before_review?.['1000']?.precision),
    // The top 1,000 after review with the same-text candidates left out (runs that measured it).
    precision_top_k_without_same_text: round(r.calibration?.precision_top_k_without_same_text),
    ece_unreviewed_vs_truth: round(r.calibration?.ece_unreviewed_vs_truth),
    caption_sigma2_rho_heldout: round(r.variance?.spearman),
    image_sigma2_rho: round(rhoOf(r.variance?.diagnostics?.images)),
    // The same after controlling for the distance to the nearest partner (partial ρ).
    caption_sigma2_partial_heldout: round(multiplicityOf(r.variance?.diagnostics?.captions, 'val+test')?.partialRho),
    image_sigma2_partial: round(multiplicityOf(r.variance?.diagnostics?.images)?.partialRho),
    caption_partners_rho_heldout: round(rhoOf(r.partners?.diagnostics?.captions, 'val+test')),
    // The PCME++ head's own retrieval: validation mAP@R of the weights it kept, and the test split's.
    pcme_val_map_at_r: round(r.variance?.metrics?.val?.mapAtR),
    pcme_test_map_at_r: round(r.variance?.metrics?.test?.mapAtR),
    // Mining's multiplicity check (mlens mine's default 'auto'): the Spearman of caption coverage
    // with effective partners, and whether it weighed the prior (1) or not (0); absent in older runs.
    multiplicity_agreement: round(r.calibration?.multiplicity?.agreement),
    multiplicity_applied: typeof r.calibration?.multiplicity?.applied === 'boolean' ? (r.calibration.multiplicity.applied ? 1 : 0) : null,
  };
}

/** Mean, sample sd and median of the finite values (null when there are none). */
function stats(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (!v.length) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  const o = [...v].sort((a, b) => a - b);
  const m = o.length >> 1;
  const median = o.length % 2 ? o[m] : (o[m - 1] + o[m]) / 2;
  return { mean: round(mean), sd: round(sd), median: round(median), n: v.length };
}

const record = { title, what, at: null, seed: 0, ...(showEce ? { show_ece: true } : {}), variants: {} };
for (const raw of variants) {
  // unseen-1000: the same at 1,000-image worlds (`npm run bench -- science-1000`), kept apart.
  const prefix = /^(unseen|unseen-1000|seed0-1000):/.exec(raw)?.[1] ?? null;
  const v = prefix ? raw.slice(prefix.length + 1) : raw;
  const big = prefix?.endsWith('-1000') ?? false;
  const unseen = prefix?.startsWith('unseen') ?? false;
  const seed0Big = prefix === 'seed0-1000';
  const eq = v.indexOf('=');
  if (eq <= 0) throw new Error(`variant ${JSON.stringify(v)}: expected NAME=path`);
  const run = JSON.parse(readFileSync(v.slice(eq + 1), 'utf8'));
  const sci = big ? run.results['science-1000'] : run.results.science;
  if (!sci) throw new Error(`${v.slice(eq + 1)}: not a \`npm run bench -- ${big ? 'science-1000' : 'science'}\` output`);
  if (unseen) {
    if (sci.protocol.seeds.includes(0)) throw new Error(`${v.slice(eq + 1)}: seeds ${sci.protocol.seeds.join(',')} include the tuning seed 0; an unseen run must not`);
    const key = big ? 'unseen_seeds_1000' : 'unseen_seeds';
    const u = (record[key] ??= { seeds: sci.protocol.seeds, images: sci.protocol.images, at: run.at, variants: {} });
    if (u.seeds.join(',') !== sci.protocol.seeds.join(',')) throw new Error(`${v.slice(eq + 1)}: seeds ${sci.protocol.seeds.join(',')}, but the other unseen runs have ${u.seeds.join(',')}`);
    const entry = {};
    for (const g of sci.groups) {
      if (g.kind === 'oracle') continue;
      const per = g.per_seed.map(figures);
      entry[g.name] = Object.fromEntries(Object.keys(per[0]).map((k) => [k, stats(per.map((x) => x[k]))]));
    }
    u.variants[v.slice(0, eq)] = entry;
    continue;
  }
  if (sci.protocol.seeds.join(',') !== '0') throw new Error(`${v.slice(eq + 1)}: seeds ${sci.protocol.seeds.join(',')}; a tuning record holds seed 0 only`);
  const entry = { encoder: sci.protocol.encoder };
  for (const g of sci.groups) if (g.kind !== 'oracle') entry[g.name] = figures(g.per_seed[0]);
  if (seed0Big) {
    (record.variants_1000_images ??= {})[v.slice(0, eq)] = entry;
    continue;
  }
  record.at = record.at ?? run.at;
  record.variants[v.slice(0, eq)] = entry;
}
writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
console.log(`${out}: ${Object.keys(record.variants).length} variants`);
