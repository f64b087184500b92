// `mlens project DIR` (the app's map of a space) or `mlens project X.npy --out Y.npy`.
import { layoutProject } from '../core/services/projection.js';
import { numOpt, opt, UsageError } from './args.js';
import { progressBar } from './progress.js';
import { json, needDir, print, withProject, type Verb } from './verb.js';

export const projectVerb: Verb = {
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
      const { runProjectNpy } = await import('../core/projection/npy_layout.js');
      const r = await runProjectNpy({ input: target, out, method, nNeighbors, seed, onProgress: bar.update });
      bar.done();
      if (json(a)) return print(r);
      const knn = r.knn ? `; kNN ${r.knn.method} ${r.knn.seconds.toFixed(1)} s${r.knn.recall ? `, recall@${r.knn.recall.k} ${r.knn.recall.recall.toFixed(3)} on ${r.knn.recall.sampled} rows` : ''}` : '';
      console.log(`${r.points} × ${r.dims} → ${r.out}: ${r.method} ${r.seconds.total.toFixed(2)} s (first view ${r.seconds.pca.toFixed(2)} s${knn}), peak RSS ${r.peakRssMiB} MiB`);
      return;
    }
    const r = await withProject(
      needDir(a),
      async (p) => {
        const space = opt(a, 'space');
        if (space) p.setActiveSpace(space);
        let peak = process.memoryUsage().rss;
        const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
        try {
          const pr = await layoutProject(p, { recompute: a.flags.has('recompute'), method, nNeighbors, seed }, { onProgress: (phase, done, total) => bar.update({ phase, done, total }) });
          return { points: pr.nImages + pr.nCaptions, images: pr.nImages, captions: pr.nCaptions, method: pr.method, seconds: +pr.seconds.toFixed(2), cached: pr.cached, params: pr.params, knn: pr.knn, peakRssMiB: Math.round(peak / 2 ** 20) };
        } finally {
          clearInterval(timer);
        }
      },
      { track: true, readTruth: false },
    );
    bar.done();
    if (json(a)) return print(r);
    const knn = r.knn?.recall ? `, kNN ${r.knn.method} recall@${r.knn.recall.k} ${r.knn.recall.recall.toFixed(3)}` : r.knn ? `, kNN ${r.knn.method}` : '';
    console.log(`${r.points} points (${r.images} images + ${r.captions} captions): ${r.method.toUpperCase()} ${r.seconds} s${r.cached ? ' (cached)' : ''}${knn}, peak RSS ${r.peakRssMiB} MiB`);
  },
};
