// The map's layout on any float32/float16 n × d .npy matrix (`mlens project X.npy --out Y.npy`), written
// as a float32 n × 2 .npy, so the layout can be compared with other tools on the same input.
import { resolve } from 'node:path';
import { readNpy, writeNpy, NpyError } from '../io/npy.js';
import { runLayoutJob, DEFAULT_UMAP, type LayoutSummary } from './umap.js';
import type { ProgressFn } from '../jobs/job.js';

export interface ProjectNpyOptions {
  input: string;
  out: string;
  method: 'umap' | 'pca';
  nNeighbors?: number;
  seed?: number;
  onProgress?: ProgressFn;
}

export interface ProjectNpyResult extends LayoutSummary {
  input: string;
  out: string;
  points: number;
  dims: number;
  params: { nNeighbors: number; minDist: number; nEpochs: number; seed: number };
  peakRssMiB: number;
}

export async function runProjectNpy(o: ProjectNpyOptions): Promise<ProjectNpyResult> {
  const input = resolve(o.input);
  const out = resolve(o.out);
  if (input === out) throw new NpyError(input, '--out must name a different file than the input');
  const arr = readNpy(input);
  if (arr.shape.length !== 2) throw new NpyError(input, `expected a 2-D matrix (rows × dims), got shape (${arr.shape.join(', ')})`);
  const [n, dims] = arr.shape;
  if (n < 2 || dims < 1) throw new NpyError(input, `needs at least 2 rows and 1 column, got shape (${n}, ${dims})`);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) {
      if (!Number.isFinite(arr.data[i * dims + d])) throw new NpyError(input, `column ${d} is ${arr.data[i * dims + d]} (every value must be finite)`, i);
    }
  }
  const params = { ...DEFAULT_UMAP, nNeighbors: o.nNeighbors ?? DEFAULT_UMAP.nNeighbors, seed: o.seed ?? DEFAULT_UMAP.seed };
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  try {
    const { xy, summary } = await runLayoutJob(arr.data, dims, { ...params, method: o.method }, { onProgress: o.onProgress });
    writeNpy(out, xy, [n, 2]);
    return { input, out, points: n, dims, params, ...summary, peakRssMiB: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}
