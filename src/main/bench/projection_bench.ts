// `npm run bench -- projection`: the map's layout at scale on synthetic 40-cluster 512-d data,
// side by side in one run with umap-js's own pipeline and Embedding Atlas's wasm UMAP. Each
// contender runs in its own child process (bench/projection_run.ts) so peak RSS is its own; the
// ratios compare runs made back to back on the same (shared, 2-core) machine.
// MLENS_BENCH_PROJECTION_SIZES=20000,100000 (default) chooses the sizes; 'mlens' runs the epochs on
// two threads, 'mlens-1thread' on one (same run, for the ratio); umap-js runs only up to
// MLENS_BENCH_UMAPJS_MAX (default 20000) because at 100k it takes about 9 minutes (549 s, 8.4 GB measured once).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { packageRoot } from '../core/jobs/worker_path.js';

interface Run {
  contender: string;
  points: number;
  totalSeconds?: number;
  peakRssMiB?: number;
  trustworthiness?: { value: number };
  skipped?: string;
  error?: string;
  [key: string]: unknown;
}

function runChild(contender: string, n: number, dims: number): Promise<Run> {
  const script = join(packageRoot(), 'out', 'main', 'bench', 'projection_run.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=16384', script, contender, String(n), String(dims), '1'], {
      env: { ...process.env, MLENS_ATLAS_DIR: process.env.MLENS_ATLAS_DIR ?? '/work/atlas/node_modules' },
      timeout: 40 * 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Run);
      } catch {
        resolve({ contender, points: n, error: `exit ${code}${signal ? ` (${signal})` : ''}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      }
    });
  });
}

const ratio = (a?: number, b?: number) => (a && b ? +(a / b).toFixed(3) : null);

export async function benchProjection(): Promise<object> {
  const dims = 512;
  const sizes = (process.env.MLENS_BENCH_PROJECTION_SIZES ?? '20000,100000').split(',').map(Number);
  const umapJsMax = Number(process.env.MLENS_BENCH_UMAPJS_MAX ?? 20000);
  const mathPowMax = Number(process.env.MLENS_BENCH_MATHPOW_MAX ?? 20000);
  const together = process.env.MLENS_BENCH_PROJECTION_TOGETHER === '1';
  const out: Record<string, unknown> = { contendersStartedTogether: together, data: `synthetic 40 clusters, d = ${dims}, rows L2-normalised; 200 epochs, k = 15, minDist 0.1 for every contender`, loadAverageAtStart: loadavg().map((x) => +x.toFixed(1)) };
  for (const n of sizes) {
    const contenders = ['mlens', 'mlens-1thread', 'atlas', ...(n <= mathPowMax ? ['mlens-mathpow'] : []), ...(n <= umapJsMax ? ['umap-js'] : [])];
    const one = async (c: string) => {
      console.error(`  projection ${n}: ${c}…`);
      const r = await runChild(c, n, dims);
      console.error(`  projection ${n}: ${c}: ${r.error ?? r.skipped ?? `${r.totalSeconds} s, ${r.peakRssMiB} MiB, T ${r.trustworthiness?.value.toFixed(4)}`}`);
      return r;
    };
    const runs: Run[] = [];
    // MLENS_BENCH_PROJECTION_TOGETHER=1 starts the contenders at once (wall times then share the
    // cores; CPU seconds do not), else one after another.
    if (together) runs.push(...(await Promise.all(contenders.map(one))));
    else for (const c of contenders) runs.push(await one(c));
    if (n > umapJsMax) runs.push({ contender: 'umap-js', points: n, skipped: `not run above ${umapJsMax} points (about 549 s and 8.4 GB at 100k when measured once)` });
    const by = (c: string) => runs.find((r) => r.contender === c);
    const mine = by('mlens');
    const atlas = by('atlas');
    const trusts = ['atlas', 'umap-js'].map((c) => by(c)?.trustworthiness?.value).filter((v): v is number => typeof v === 'number');
    out[`points_${n}`] = {
      runs,
      timeRatioToAtlas: ratio(mine?.totalSeconds, atlas?.totalSeconds),
      cpuRatioToAtlas: ratio(mine?.cpuSeconds as number | undefined, atlas?.cpuSeconds as number | undefined),
      // Two threads against one, same run: wall time of the whole layout and of the epochs alone.
      timeRatioTwoThreadsToOne: ratio(mine?.totalSeconds, by('mlens-1thread')?.totalSeconds),
      epochsTimeRatioTwoThreadsToOne: ratio(mine?.epochsSeconds as number | undefined, by('mlens-1thread')?.epochsSeconds as number | undefined),
      cpuRatioTwoThreadsToOne: ratio(mine?.cpuSeconds as number | undefined, by('mlens-1thread')?.cpuSeconds as number | undefined),
      loadAverageAfter: loadavg().map((x) => +x.toFixed(1)),
      memoryRatioToAtlas: ratio(mine?.peakRssMiB, atlas?.peakRssMiB),
      timeRatioToUmapJs: ratio(mine?.totalSeconds, by('umap-js')?.totalSeconds),
      fastPowTimeRatio: ratio(mine?.totalSeconds, by('mlens-mathpow')?.totalSeconds),
      trustworthinessMinusBestOther: mine?.trustworthiness && trusts.length ? +(mine.trustworthiness.value - Math.max(...trusts)).toFixed(4) : null,
    };
  }
  out.loadAverageAtEnd = loadavg().map((x) => +x.toFixed(1));
  return out;
}
