// `npm run bench -- open-1m`: a 1,000,000-caption clip-retrieval + img2dataset folder (open_1m_gen.ts)
// generated under the temp folder, opened with a 1 GiB memory budget in a child process
// (open_1m_run.ts), then deleted. Reports time to open, time to first map (open → PCA coordinates
// of the seeded map sample) and the child's peak RSS, with the machine's load while it ran.
// MLENS_BENCH_OPEN_ROWS (default 1,000,000) and MLENS_BENCH_OPEN_MEMORY_MB (default 1024) for
// small runs during development.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, getPriority, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../core/jobs/worker_path.js';
import { generateOpen1m } from './open_1m_gen.js';

const load = (): number[] => loadavg().map((x) => +x.toFixed(2));

export async function benchOpen1m(): Promise<object> {
  const rows = Number(process.env.MLENS_BENCH_OPEN_ROWS ?? 1_000_000);
  const memoryMb = Number(process.env.MLENS_BENCH_OPEN_MEMORY_MB ?? 1024);
  const base = mkdtempSync(join(tmpdir(), 'mlens-open-1m-'));
  const out = join(base, 'laion');
  const loadAtStart = load();
  try {
    const tGen = performance.now();
    const gen = await generateOpen1m(out, rows);
    const generateMs = Math.round(performance.now() - tGen);
    const loadBeforeOpen = load();
    const script = join(packageRoot(), 'out', 'main', 'bench', 'open_1m_run.js');
    const r = spawnSync(process.execPath, ['--max-old-space-size=8192', script, out, String(memoryMb), '1'], { encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 16 * 2 ** 20 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let run: object;
    try {
      run = JSON.parse(line) as object;
    } catch {
      run = { error: `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
    }
    return {
      data:
        `${rows.toLocaleString('en-US')} captions and images in ${gen.shards} shards of clip-retrieval output over img2dataset files: metadata_N.parquet, ` +
        `float16 img_emb/text_emb shards (${gen.dims}-d), a PNG per row (hard links to ${gen.distinctImages} rendered sample images; ${gen.distinctCaptions} distinct sample captions)`,
      rows,
      dims: gen.dims,
      memory_budget_mb: memoryMb,
      generated_bytes: gen.bytesWritten,
      generate_ms: generateMs,
      first_map: 'open → PCA coordinates of the seeded map sample (streamPlan: images and captions in proportion), the first drawable map',
      ...run,
      load: {
        cpus: cpus().length,
        total_memory_gb: +(totalmem() / 2 ** 30).toFixed(1),
        nice: getPriority(),
        load_average_at_start: loadAtStart,
        load_average_before_open: loadBeforeOpen,
        load_average_at_end: load(),
      },
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
