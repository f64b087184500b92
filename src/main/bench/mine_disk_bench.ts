// `npm run bench -- mine-disk` (only when named): `mlens mine` over a folder's embeddings in memory
// and again with a memory budget that keeps them on disk, in the same process: seconds each, their
// ratio, whether the runs are identical, and the rows the on-disk run held at once against the rows
// of the matrices. Size: MLENS_BENCH_MINE_DISK = IMAGESxCAPTIONSxDIMS (default 4000x20000x128), budget
// MLENS_BENCH_MINE_DISK_MB (default 2). Synthetic rows around 200 shared topics; no image files.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../core/io/npy.js';
import { mineCompute, mineInput } from '../core/mining/mine.js';
import { Project } from '../core/project/project.js';
import { mulberry32 } from '../../shared/random.js';

function folder(base: string, nI: number, nT: number, dims: number): string {
  const root = join(base, 'ds');
  mkdirSync(join(root, 'embeddings'), { recursive: true });
  const rnd = mulberry32(7);
  const topics = 200;
  const centres = Float32Array.from({ length: topics * dims }, () => rnd() * 2 - 1);
  const image = new Float32Array(nI * dims);
  const text = new Float32Array(nT * dims);
  for (let i = 0; i < nI; i++) for (let d = 0; d < dims; d++) image[i * dims + d] = centres[(i % topics) * dims + d] + (rnd() - 0.5);
  const lines: string[] = [];
  for (let c = 0; c < nT; c++) {
    const i = c % nI;
    for (let d = 0; d < dims; d++) text[c * dims + d] = centres[(i % topics) * dims + d] + (rnd() - 0.5) * 1.2;
    lines.push(JSON.stringify({ image: `images/${i}.png`, caption: `caption ${c}` }));
  }
  writeFileSync(join(root, 'captions.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(root, 'embeddings', 'image.npy'), encodeNpy(image, [nI, dims]));
  writeFileSync(join(root, 'embeddings', 'text.npy'), encodeNpy(text, [nT, dims]));
  return root;
}

export async function benchMineDisk(): Promise<object> {
  const [nI, nT, dims] = (process.env.MLENS_BENCH_MINE_DISK ?? '4000x20000x128').split('x').map(Number);
  const mb = Number(process.env.MLENS_BENCH_MINE_DISK_MB ?? 2);
  const base = mkdtempSync(join(tmpdir(), 'mlens-mine-disk-'));
  try {
    const root = folder(base, nI, nT, dims);
    const run = async (memoryMb?: number) => {
      const p = await Project.open(root, { dataDir: join(base, memoryMb ? 'data-disk' : 'data-mem'), memoryMb });
      try {
        const t0 = performance.now();
        const m = await mineCompute(mineInput(p, { spaces: ['dataset'], threads: 1 }));
        return { m, seconds: (performance.now() - t0) / 1000, onDisk: p.ds.embeddings == null };
      } finally {
        p.close();
      }
    };
    const mem = await run();
    const disk = await run(mb);
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, k: number) => Object.is(v, b[k]));
    const t = mem.m.table;
    const u = disk.m.table;
    const identical = same(t.image, u.image) && same(t.caption, u.caption) && same(t.scores, u.scores) && same(t.prior, u.prior) && same(t.tauTxt, u.tauTxt) && JSON.stringify(mem.m.units) === JSON.stringify(disk.m.units);
    const s = u.knnReports[0].streamed;
    return {
      images: nI,
      captions: nT,
      dims,
      budget_mb: mb,
      on_disk: disk.onDisk,
      candidates: t.n,
      units: mem.m.units.length,
      seconds_in_memory: Number(mem.seconds.toFixed(2)),
      seconds_on_disk: Number(disk.seconds.toFixed(2)),
      ratio: Number((disk.seconds / mem.seconds).toFixed(2)),
      identical,
      rows_total: nI + nT,
      knn_block_rows: s ? s.queryRows + s.galleryRows : null,
      cache_rows: s?.cacheRows ?? null,
      rows_held_pair_scores: s?.rowsHeld ?? null,
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
