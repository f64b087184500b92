// `npm run bench`: runs every benchmark and writes bench-results/latest.json (shown in README).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './core/jobs/worker_path.js';
import { benchUmap } from './core/projection/bench.js';
import { benchSample } from './core/sample/bench.js';
import { benchMetrics } from './core/metrics/bench.js';
import { benchMap } from './bench/map_bench.js';
import { benchMapScale } from './bench/map_scale_bench.js';
import { benchMining } from './core/mining/bench.js';
import { benchProjection } from './bench/projection_bench.js';
import { benchMiningScale } from './bench/mining_scale_bench.js';
import { benchEncoders } from './core/encoders/bench.js';
import { benchHeads } from './core/heads/bench.js';
import { benchCond } from './core/heads/bench_cond.js';
import { benchVariance } from './core/heads/variance_bench.js';
import { benchOpen } from './core/datasets/bench.js';
import { benchTables } from './core/datasets/bench_tables.js';
import { benchThumbnails } from './core/io/bench.js';
import { benchOpen1m } from './bench/open_1m_bench.js';
import { benchMineDisk } from './bench/mine_disk_bench.js';
import { benchScience, LARGER_WORLDS, FRESH_SEEDS } from './bench/science_bench.js';
import { benchResidualTuning } from './bench/residual_tuning_bench.js';
import { benchPartnersTau } from './bench/partners_tau_bench.js';
import { benchLabelsScale } from './bench/labels_scale_bench.js';

const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const all: Record<string, () => Promise<object>> = { sample: benchSample, metrics: benchMetrics, umap: benchUmap, projection: benchProjection, 'mining-scale': benchMiningScale, map: benchMap, map_scale: benchMapScale, mining: benchMining, encoders: benchEncoders, heads: async () => ({ runs: benchHeads() }), cond: () => benchCond(), variance: benchVariance, open: benchOpen, tables: benchTables, thumbnails: benchThumbnails, 'open-1m': benchOpen1m, science: () => benchScience(), 'science-1000': () => benchScience(LARGER_WORLDS), 'science-fresh': () => benchScience(undefined, FRESH_SEEDS), 'residual-tuning': benchResidualTuning, 'partners-tau': benchPartnersTau, 'mine-disk': benchMineDisk, 'labels-scale': benchLabelsScale };
// Run only when named: scientific measurements that train models for minutes (`npm run bench -- cond`,
// `science`, `science-1000`, `science-fresh`, `residual-tuning`, `partners-tau`), and open-1m, mine-disk, mining-scale (full-COCO size) and labels-scale, which take gigabytes or minutes.
const NAMED_ONLY = ['cond', 'variance', 'open-1m', 'science', 'science-1000', 'science-fresh', 'residual-tuning', 'partners-tau', 'mine-disk', 'mining-scale', 'labels-scale'];
const results: Record<string, object> = {};
for (const [name, fn] of Object.entries(all)) {
  if (only.length ? !only.includes(name) : NAMED_ONLY.includes(name)) continue;
  console.error(`bench ${name}…`);
  const t0 = performance.now();
  results[name] = await fn();
  console.error(`bench ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const out = join(packageRoot(), 'bench-results');
mkdirSync(out, { recursive: true });
const record = { at: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, results };
writeFileSync(join(out, only.length ? `latest-${only.join('-')}.json` : 'latest.json'), JSON.stringify(record, null, 2));
console.log(JSON.stringify(record, null, 2));
