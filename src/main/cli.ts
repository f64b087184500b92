// `mlens <verb>`: the same services, headless. Every verb has --json; its keys are snake_case
// (cli/json_keys.ts, applied once in print()).
import { resolve, join } from 'node:path';
import { openDataset } from './core/datasets/open.js';
import { summarize } from './core/datasets/summary.js';
import type { ColumnMap } from './core/datasets/parquet_rows.js';
import { DatasetError } from './core/datasets/dataset.js';
import { generateSample } from './core/sample/generate.js';
import { openProjectStore } from './core/store/fallback_merge.js';
import { projectDir } from './core/store/project_store.js';
import { checkExportTarget } from './core/io/path_policy.js';
import { exportProjectLabels } from './core/labels/label_service.js';
import { snakeKeys } from './cli/json_keys.js';
import { listSpacesOf, spacesTable } from './cli/spaces_verb.js';
import { runMetricsCommand, parseKs } from './core/metrics/metrics_command.js';
import { defaultDataDir } from './core/app/data_dir.js';
import { appVersion } from './core/app/version.js';
import { parseArgs, opt, numOpt, UsageError, type ParsedArgs } from './cli/args.js';
import { progressBar } from './cli/progress.js';
import { runMineCommand } from './core/mining/mine_command.js';
import { runEvalCommand } from './core/mining/eval_command.js';
import { runEncodeCommand } from './core/encoders/encode_command.js';
import { backendReport } from './core/tensor/report.js';
import { runTrainCommand, formatTrainResult, HEAD_CHOICES, type HeadChoice } from './core/heads/train_command.js';

interface Verb {
  summary: string;
  usage: string;
  flags?: string[];
  run(a: ParsedArgs): Promise<unknown>;
}

const json = (a: ParsedArgs) => a.flags.has('json');
const print = (v: unknown) => process.stdout.write(`${JSON.stringify(snakeKeys(v), null, 2)}\n`);

function needDir(a: ParsedArgs): string {
  const dir = a.positional[0];
  if (!dir) throw new UsageError('a dataset folder is required');
  return resolve(dir);
}

function condModeOpt(v: string | undefined): 'film' | 'csn' | 'none' | undefined {
  if (v == null) return undefined;
  if (v !== 'film' && v !== 'csn' && v !== 'none') throw new UsageError('--cond must be film, csn (masks) or none');
  return v;
}

const COLUMN_KEYS = ['image', 'caption', 'split', 'image_embedding', 'text_embedding'] as const;

/** `image=COL,caption=COL,split=COL,image_embedding=COL,text_embedding=COL` → the column mapping for tables (Parquet, Arrow). */
function columnMap(v: string | undefined): ColumnMap | undefined {
  if (v == null) return undefined;
  const out: ColumnMap = {};
  for (const part of v.split(',')) {
    const [k, col] = part.split('=');
    const key = COLUMN_KEYS.find((x) => x === k);
    if (!key || !col) throw new UsageError(`--columns takes image=COL,caption=COL[,split=COL,image_embedding=COL,text_embedding=COL], got ${JSON.stringify(part)}`);
    out[key] = col;
  }
  return out;
}

const verbs: Record<string, Verb> = {
  open: {
    summary: 'read a dataset folder and print its summary (counts, splits, problems)',
    usage: 'mlens open DIR [--columns image=COL,caption=COL[,split=COL,image_embedding=COL,text_embedding=COL]] [--strict] [--json]',
    flags: ['json', 'strict'],
    async run(a) {
      const bar = progressBar(!json(a) && !!process.stderr.isTTY);
      const ds = await openDataset(needDir(a), { onProgress: bar.update, columns: columnMap(opt(a, 'columns')), strict: a.flags.has('strict') });
      bar.done();
      const s = summarize(ds);
      if (json(a)) return print(s);
      console.log(`${s.name} (${s.format}) at ${s.root}`);
      console.log(`  images ${s.images}, captions ${s.captions}, annotated pairs ${s.annotatedPairs}, missing images ${s.missingImages}`);
      for (const [k, v] of Object.entries(s.splits)) console.log(`  split ${k}: ${v.images} images, ${v.captions} captions`);
      if (Object.keys(s.splits).length && s.withoutSplit.captions + s.withoutSplit.images) console.log(`  no split: ${s.withoutSplit.images} images, ${s.withoutSplit.captions} captions`);
      console.log(`  truth: ${s.hasTruth ? 'yes' : 'no'}; embeddings: ${s.embeddings ? `${s.embeddings.source} ${s.embeddings.dims}-d` : 'none'}`);
      if (s.problems.length) {
        console.log(`  ${s.problems.length} problem(s):`);
        for (const p of s.problems) console.log(`    ${p.severity}: ${p.file}${p.line != null ? `:${p.line}` : ''}: ${p.message}`);
      }
    },
  },
  sample: {
    summary: 'generate the synthetic sample dataset (rendered images, captions, exact truth)',
    usage: 'mlens sample [--out DIR] [--images N] [--preset A|B|C] [--seed S] [--noise F] [--json]',
    flags: ['json'],
    async run(a) {
      const preset = (opt(a, 'preset') ?? 'A').toUpperCase();
      if (!['A', 'B', 'C'].includes(preset)) throw new UsageError('--preset must be A, B or C');
      const images = numOpt(a, 'images', 100, 50_000) ?? 1000;
      const seed = numOpt(a, 'seed', 0, 2 ** 31) ?? 0;
      const out = resolve(opt(a, 'out') ?? join(defaultDataDir(), `sample-${images}-${preset}-seed${seed}`));
      const bar = progressBar(!!process.stderr.isTTY);
      const stats = await generateSample({
        out,
        images,
        preset: preset as 'A' | 'B' | 'C',
        seed,
        noise: numOpt(a, 'noise', 0, 1) ?? 0,
        size: (numOpt(a, 'size', 128, 224) as 128 | 224 | undefined) ?? 128,
        onProgress: bar.update,
      });
      bar.done();
      if (json(a)) return print({ out, ...stats });
      console.log(`sample written to ${out}`);
      console.log(JSON.stringify(stats, null, 2));
    },
  },
  export: {
    summary: "export the project's labels (flags, review decisions, imported positives) to a standalone SQLite file",
    usage: 'mlens export DIR --out FILE.sqlite [--force] [--json]   (--force replaces an existing FILE)',
    flags: ['json', 'force'],
    async run(a) {
      const dir = needDir(a);
      const out = opt(a, 'out');
      if (!out) throw new UsageError('--out FILE.sqlite is required');
      const ds = await openDataset(dir);
      const pdir = projectDir(ds.root, defaultDataDir());
      // Checked before the store is opened: a refused target never touches the project.
      const target = checkExportTarget(out, { datasetRoot: ds.root, projectDir: pdir, dataDir: defaultDataDir(), origin: 'cli', overwrite: a.flags.has('force') });
      const { store, notices } = openProjectStore(ds.root, defaultDataDir());
      for (const n of notices) if (!json(a)) console.error(`note: ${n.file}: ${n.message}`);
      try {
        const counts = exportProjectLabels(target, ds, store, { appVersion: appVersion(), space: ds.embeddings ? `${ds.embeddings.source} (${ds.embeddings.dims}-d)` : 'none' });
        if (json(a)) return print({ path: resolve(out), ...counts });
        console.log(`exported ${counts.labels} labels (${counts.flags} flags, ${counts.reviews} review decisions, ${counts.imports} imported positives; ${counts.images} images, ${counts.captions} captions) to ${resolve(out)}`);
      } finally {
        store.close();
      }
    },
  },
  spaces: {
    summary: 'list the spaces of a dataset: id, name, encoder, dims, kind and parent',
    usage: 'mlens spaces DIR [--json]',
    flags: ['json'],
    async run(a) {
      const r = await listSpacesOf(needDir(a), defaultDataDir());
      if (json(a)) return print(r);
      if (!r.spaces.length) return console.log(`${r.dataset} has no spaces yet: add embeddings/image.npy and text.npy, or run mlens encode ${r.dataset}`);
      for (const line of spacesTable(r.spaces)) console.log(line);
    },
  },
  metrics: {
    summary: 'R@K, R-Precision, mAP@R and PMRP of a score matrix against positives',
    usage: 'mlens metrics --scores SCORES.npy --positives POSITIVES.json [--ks 1,5,10] [--ties expected|stable|optimistic|pessimistic] [--pm PM.json ...] [--pm-k K] --json',
    flags: ['json'],
    async run(a) {
      const scores = opt(a, 'scores');
      const positives = opt(a, 'positives');
      if (!scores || !positives) throw new UsageError('--scores and --positives are required');
      const ties = opt(a, 'ties') ?? 'expected';
      if (!['expected', 'stable', 'optimistic', 'pessimistic'].includes(ties)) throw new UsageError('--ties must be expected, stable, optimistic or pessimistic');
      const r = await runMetricsCommand({
        scores,
        positives,
        ks: opt(a, 'ks') ? parseKs(opt(a, 'ks')!) : undefined,
        ties: ties as 'expected',
        pm: a.options.get('pm'),
        pmK: numOpt(a, 'pm-k', 1, 1e9),
      });
      print(r);
    },
  },
  encode: {
    summary: 'embed every image and caption into a space (cached; prints the space record with its id)',
    usage: 'mlens encode DIR --encoder baseline|clip:PATH|tfjs:PATH|npy:IMG,TXT|dataset [--json]',
    flags: ['json'],
    async run(a) {
      const dir = needDir(a);
      const encoder = opt(a, 'encoder') ?? 'baseline';
      const bar = progressBar(!!process.stderr.isTTY);
      const r = await runEncodeCommand({ dir, encoder, dataDir: defaultDataDir(), onProgress: bar.update, log: json(a) ? () => undefined : (l) => console.error(l) });
      bar.done();
      if (json(a)) return print(r);
      console.log(`space ${r.id}: ${r.name}, ${r.dims}-d, ${r.nImages} images × ${r.nCaptions} captions${r.cached ? ' (cached)' : ''}, backend ${r.run.backend}`);
      for (const p of r.problems.slice(0, 20)) console.log(`  ${p.severity}: ${p.file}${p.line != null ? `:${p.line}` : ''}: ${p.message}`);
      if (r.problems.length > 20) console.log(`  … and ${r.problems.length - 20} more problems`);
    },
  },
  train: {
    summary: 'train a head on a space (pcme: probabilistic, cond: conditional, multipos: with verified / flagged positives)',
    usage: 'mlens train DIR --space ID --head pcme|cond|multipos [--condition C] [--cond film|csn|none] [--no-control] [--epochs N] [--positives auto|flags|file|truth] [--json]',
    flags: ['json', 'no-control'],
    async run(a) {
      const dir = needDir(a);
      const head = opt(a, 'head') ?? 'pcme';
      if (!HEAD_CHOICES.includes(head as HeadChoice)) throw new UsageError(`--head must be one of ${HEAD_CHOICES.join(', ')}`);
      const positives = opt(a, 'positives');
      if (positives && !['auto', 'flags', 'file', 'truth'].includes(positives)) throw new UsageError('--positives must be auto, flags, file or truth');
      const bar = progressBar(!!process.stderr.isTTY);
      const r = await runTrainCommand({
        dir,
        dataDir: defaultDataDir(),
        space: opt(a, 'space') ?? 'dataset',
        head: head as HeadChoice,
        condition: opt(a, 'condition'),
        condMode: condModeOpt(opt(a, 'cond')),
        // `--head cond` also trains the unconditioned control on the same split and prints both.
        control: head === 'cond' && !a.flags.has('no-control'),
        epochs: numOpt(a, 'epochs', 1, 10_000),
        positives: positives as 'auto' | undefined,
        onProgress: bar.update,
      });
      bar.done();
      if (json(a)) return print(r);
      for (const line of formatTrainResult(r)) console.log(line);
    },
  },
  mine: {
    summary: 'propose likely false negatives from one or more spaces; write candidates and review units to the project',
    usage: 'mlens mine DIR --spaces ID[,ID...] [--k-t 5] [--k-i 10] [--json]',
    flags: ['json'],
    async run(a) {
      const dir = needDir(a);
      const spaces = (opt(a, 'spaces') ?? opt(a, 'space') ?? 'dataset').split(',').map((s) => s.trim()).filter(Boolean);
      const bar = progressBar(!!process.stderr.isTTY);
      const r = await runMineCommand({ dir, dataDir: defaultDataDir(), spaces, kT: numOpt(a, 'k-t', 1, 1000), kI: numOpt(a, 'k-i', 1, 1000), onProgress: bar.update });
      bar.done();
      const named = new Map((await listSpacesOf(dir, defaultDataDir())).spaces.map((s) => [s.id, s.name]));
      const spaceNames = r.spaces.map((id) => named.get(id) ?? id);
      if (json(a)) return print({ ...r, spaceNames });
      console.log(`${r.candidates} candidates in ${r.clusters} review units from ${r.spaces.map((id, e) => `${id} (${spaceNames[e]})`).join(', ')} (${r.seconds.toFixed(1)} s)`);
      if (r.precisionRecall) {
        console.log(`against the truth (${r.trueUnannotated} true unannotated pairs):`);
        for (const [b, f] of Object.entries(r.precisionRecall)) console.log(`  budget ${b.padStart(6)}: precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)}`);
      }
    },
  },
  eval: {
    summary: 'retrieval metrics of a space against annotated, verified, true or file positives',
    usage: 'mlens eval DIR --space ID [--positives annotated|verified|truth|FILE] [--ks 1,5,10] [--ties MODE] [--split test|val|train|all] [--json]',
    flags: ['json', 'strict'],
    async run(a) {
      const dir = needDir(a);
      const ties = opt(a, 'ties') ?? 'expected';
      if (!['expected', 'stable', 'optimistic', 'pessimistic'].includes(ties)) throw new UsageError('--ties must be expected, stable, optimistic or pessimistic');
      const r = await runEvalCommand({
        dir,
        dataDir: defaultDataDir(),
        space: opt(a, 'space') ?? 'dataset',
        positives: opt(a, 'positives') ?? 'annotated',
        strict: a.flags.has('strict'),
        ks: opt(a, 'ks') ? parseKs(opt(a, 'ks')!) : undefined,
        ties: ties as 'expected',
        split: opt(a, 'split'),
      });
      if (json(a)) return print(r);
      console.log(`split: ${r.split === 'all' ? 'all items' : r.split}`);
      for (const dirn of ['i2t', 't2i'] as const) {
        const m = r[dirn];
        console.log(`${dirn}: ${Object.entries(m.recall_at).map(([k, v]) => `R@${k} ${(v * 100).toFixed(1)}`).join('  ')}  R-P ${(m.r_precision * 100).toFixed(1)}  mAP@R ${(m.map_at_r * 100).toFixed(1)}  (${m.queries.evaluated} queries, ${m.queries.skipped_empty} without positives)`);
      }
    },
  },
  project: {
    summary: 'lay out a space as the app shows it (UMAP or PCA), or any .npy matrix into an n × 2 .npy',
    usage: 'mlens project DIR [--space ID] [--method umap|pca] [--neighbors K] [--seed S] [--recompute] [--json]\n       mlens project X.npy --out Y.npy [--method umap|pca] [--neighbors K] [--seed S] [--json]',
    flags: ['json', 'recompute'],
    async run(a) {
      const method = opt(a, 'method') ?? 'umap';
      if (method !== 'umap' && method !== 'pca') throw new UsageError('--method must be umap or pca');
      const nNeighbors = numOpt(a, 'neighbors', 2, 200);
      const seed = numOpt(a, 'seed', 0, 2 ** 31);
      const bar = progressBar(!json(a) && !!process.stderr.isTTY);
      const target = a.positional[0];
      if (target && target.toLowerCase().endsWith('.npy')) {
        const out = opt(a, 'out');
        if (!out) throw new UsageError('--out Y.npy is required when projecting a .npy matrix');
        const { runProjectNpy } = await import('./core/projection/project_command.js');
        const r = await runProjectNpy({ input: target, out, method, nNeighbors, seed, onProgress: bar.update });
        bar.done();
        if (json(a)) return print(r);
        const knn = r.knn ? `; kNN ${r.knn.method} ${r.knn.seconds.toFixed(1)} s${r.knn.recall ? `, recall@${r.knn.recall.k} ${r.knn.recall.recall.toFixed(3)} on ${r.knn.recall.sampled} rows` : ''}` : '';
        console.log(`${r.points} × ${r.dims} → ${r.out}: ${r.method} ${r.seconds.total.toFixed(2)} s (first view ${r.seconds.pca.toFixed(2)} s${knn}), peak RSS ${r.peakRssMiB} MiB`);
        return;
      }
      const { LensService } = await import('./core/app/lens_service.js');
      const service = new LensService({ dataDir: defaultDataDir(), mode: 'browser' });
      try {
        await service.openDataset({ path: needDir(a) });
        const space = opt(a, 'space');
        if (space) await service.setSpace({ spaceId: space });
        service.onEvent((e) => e.type === 'job' && e.state === 'running' && bar.update(e));
        let peak = process.memoryUsage().rss;
        const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
        const p = await service.getProjection({ jobId: 'cli-project', recompute: a.flags.has('recompute'), method, nNeighbors, seed });
        clearInterval(timer);
        bar.done();
        const r = { points: p.nImages + p.nCaptions, images: p.nImages, captions: p.nCaptions, method: p.method, seconds: +p.seconds.toFixed(2), cached: p.cached, params: p.params, knn: p.knn, peakRssMiB: Math.round(peak / 2 ** 20) };
        if (json(a)) return print(r);
        const knn = r.knn?.recall ? `, kNN ${r.knn.method} recall@${r.knn.recall.k} ${r.knn.recall.recall.toFixed(3)}` : r.knn ? `, kNN ${r.knn.method}` : '';
        console.log(`${r.points} points (${r.images} images + ${r.captions} captions): ${r.method.toUpperCase()} ${r.seconds} s${r.cached ? ' (cached)' : ''}${knn}, peak RSS ${r.peakRssMiB} MiB`);
      } finally {
        service.close();
      }
    },
  },
  'export-space': {
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
      const { openProject, resolveSpaces } = await import('./core/mining/project.js');
      const { exportSpace } = await import('./core/export/space_export.js');
      let xy: Float32Array | null = null;
      if (a.flags.has('projection')) {
        const { LensService } = await import('./core/app/lens_service.js');
        const service = new LensService({ dataDir: defaultDataDir(), mode: 'browser' });
        try {
          await service.openDataset({ path: dir });
          await service.setSpace({ spaceId: id });
          xy = (await service.getProjection({ jobId: 'cli-export-space' })).xy;
        } finally {
          service.close();
        }
      }
      const project = await openProject(dir, defaultDataDir());
      try {
        const [space] = resolveSpaces(project.ds, project.dir, [id]);
        const r = exportSpace(project.ds, space, resolve(out), { formats: format === 'both' ? ['npy', 'parquet'] : [format as 'npy'], xy });
        if (json(a)) return print({ out: r.out, files: r.files });
        console.log(`wrote ${r.files.length} files to ${r.out}: ${r.files.map((f) => f.slice(r.out.length + 1)).join(', ')}`);
      } finally {
        project.close();
      }
    },
  },
  serve: {
    summary: 'start browser mode: the app on http://127.0.0.1 with a one-time token',
    usage: 'mlens serve [--port P] [--dataset DIR] [--data-dir DIR] [--allow DIR]... (folders the browser may browse; default: home)',
    async run(a) {
      const { startBrowserServer } = await import('./server/browser_server.js');
      const server = await startBrowserServer({
        dataDir: opt(a, 'data-dir') ?? defaultDataDir(),
        port: numOpt(a, 'port', 0, 65535) ?? 0,
        dataset: opt(a, 'dataset'),
        allow: a.options.get('allow') ?? [],
        log: (l) => console.error(l),
      });
      console.log(`Multiplicity Lens (browser mode) is at ${server.url}`);
      await new Promise(() => undefined);
    },
  },
  doctor: {
    summary: 'print the environment: version, compute backend, data folder, native modules',
    usage: 'mlens doctor [--json]',
    flags: ['json'],
    async run(a) {
      let sqlite = 'ok';
      try {
        const { openSqlite } = await import('./core/store/sqlite.js');
        const db = openSqlite(':memory:');
        sqlite = `ok (SQLite ${(db.prepare('select sqlite_version() v').get() as { v: string }).v})`;
        db.close();
      } catch (e) {
        sqlite = `failed: ${(e as Error).message}`;
      }
      const b = await backendReport();
      const { electronNativeState } = await import('./core/app/electron_native_state.js');
      const { packageRoot } = await import('./core/jobs/worker_path.js');
      const electronSqlite = electronNativeState(packageRoot());
      const r = { version: appVersion(), node: process.version, platform: `${process.platform}-${process.arch}`, backend: b.backend, gpu: b.gpu, backendSkipped: b.skipped, backendFeatures: b.features ?? null, dataDir: defaultDataDir(), sqlite, electronSqlite };
      if (json(a)) return print(r);
      console.log(`version   ${r.version}\nnode      ${r.node} (${r.platform})\nbackend   ${r.backend}${r.gpu ? ` on ${r.gpu}` : ''}${b.features ? ` (simd ${b.features.simd}, threads ${b.features.threads})` : ''}`);
      for (const sk of b.skipped) console.log(`          skipped ${sk.name}: ${sk.reason}`);
      console.log(`data dir  ${r.dataDir}\nsqlite    ${r.sqlite}\nelectron sqlite  ${r.electronSqlite}`);
    },
  },
};

function help(): void {
  console.log(`mlens ${appVersion()}: Multiplicity Lens on the command line\n\nUsage: mlens <verb> [options]\n\nVerbs:`);
  for (const [name, v] of Object.entries(verbs)) console.log(`  ${name.padEnd(8)} ${v.summary}\n           ${v.usage}`);
  console.log('\nEvery verb takes --json for machine-readable output. `mlens <verb> --help` shows one verb.');
}

async function main(argv: string[]): Promise<number> {
  const [verbName, ...rest] = argv;
  if (!verbName || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    help();
    return 0;
  }
  if (verbName === '--version') {
    console.log(appVersion());
    return 0;
  }
  const verb = verbs[verbName];
  if (!verb) {
    console.error(`mlens: unknown verb ${JSON.stringify(verbName)}\n`);
    help();
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${verb.summary}\n\nUsage: ${verb.usage}`);
    return 0;
  }
  const a = parseArgs(rest, verb.flags ?? []);
  try {
    await verb.run(a);
    return 0;
  } catch (e) {
    const err = e as Error;
    const tag = e instanceof UsageError ? 'usage' : e instanceof DatasetError ? 'dataset error' : 'error';
    if (json(a)) process.stdout.write(`${JSON.stringify({ error: { name: err.name, message: err.message } })}\n`);
    console.error(`mlens ${verbName}: ${tag}: ${err.message}${e instanceof UsageError ? `\nUsage: ${verb.usage}` : ''}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
