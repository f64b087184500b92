#!/usr/bin/env node
// Writes a seed-0 tuning record (bench-results/science-tuning-<name>.json, rendered into
// docs/science.md by scripts/science-figures.mjs) from `npm run bench -- science` outputs, one per
// variant, each run with MLENS_SCIENCE_SEEDS=0 and the variant's environment:
//
//   node scripts/science-tuning-file.mjs OUT.json "title" "what was run" NAME=latest-science.json ...
//
// Every figure is copied from the runs' JSON (seed 0 of each world), none typed.
import { readFileSync, writeFileSync } from 'node:fs';

const [out, title, what, ...variants] = process.argv.slice(2);
if (!out || !title || !what || !variants.length) {
  console.error('usage: node scripts/science-tuning-file.mjs OUT.json "title" "what was run" NAME=science.json [NAME=science.json ...]');
  process.exit(2);
}

const round = (x) => (typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null);
const rhoOf = (list, scope) => list?.find((c) => c.against === 'multiplicity' && (scope ? c.scope === scope : !c.scope))?.rho;

function figures(r) {
  return {
    t2i_map_at_r_vs_truth: round(r.retrieval?.t2i_truth?.map_at_r),
    i2t_map_at_r_vs_truth: round(r.retrieval?.i2t_truth?.map_at_r),
    precision_top_k: round(r.calibration?.precision_top_k),
    precision_top_k_features_fitted_on_truth: round(r.calibration?.precision_top_k_features_fitted_on_truth),
    ece_unreviewed_vs_truth: round(r.calibration?.ece_unreviewed_vs_truth),
    caption_sigma2_rho_heldout: round(r.variance?.spearman),
    image_sigma2_rho: round(rhoOf(r.variance?.diagnostics?.images)),
    caption_partners_rho_heldout: round(rhoOf(r.partners?.diagnostics?.captions, 'val+test')),
  };
}

const record = { title, what, at: null, seed: 0, variants: {} };
for (const v of variants) {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new Error(`variant ${JSON.stringify(v)}: expected NAME=path`);
  const run = JSON.parse(readFileSync(v.slice(eq + 1), 'utf8'));
  const sci = run.results.science;
  if (!sci) throw new Error(`${v.slice(eq + 1)}: not a \`npm run bench -- science\` output`);
  if (sci.protocol.seeds.join(',') !== '0') throw new Error(`${v.slice(eq + 1)}: seeds ${sci.protocol.seeds.join(',')}; a tuning record holds seed 0 only`);
  record.at = record.at ?? run.at;
  const entry = { encoder: sci.protocol.encoder };
  for (const g of sci.groups) if (g.kind !== 'oracle') entry[g.name] = figures(g.per_seed[0]);
  record.variants[v.slice(0, eq)] = entry;
}
writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
console.log(`${out}: ${Object.keys(record.variants).length} variants`);
