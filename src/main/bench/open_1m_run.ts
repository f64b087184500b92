// Child process of `open-1m` (its own process, so peak RSS is the open's alone): opens the folder
// with a memory budget and draws the first map, a PCA of the seeded sample the plan names.
// argv: DIR MEMORY_MB SEED. Prints one JSON line.
import { Project } from '../core/project/project.js';
import { gatherRows, sampleIndices, streamPlan } from '../core/io/row_sample.js';
import { pca2 } from '../core/projection/pca.js';

const [dir, mbText, seedText] = process.argv.slice(2);
const memoryMb = Number(mbText);
const seed = Number(seedText ?? 1);
const phases: Record<string, number> = {};
const t0 = performance.now();
const ms = (): number => Math.round(performance.now() - t0);
const ds = await Project.readDataset(dir, {
  memoryMb,
  onProgress: (p) => {
    phases[p.phase] ??= ms();
  },
});
const openMs = ms();
const st = ds.streamed;
let result: Record<string, unknown>;
if (st) {
  const plan = streamPlan(st.image.rows, st.text.rows, st.dims, st.budgetBytes, seed);
  const tRead = performance.now();
  const img = gatherRows(st.image, sampleIndices(st.image.rows, plan.map.images, seed));
  const txt = gatherRows(st.text, sampleIndices(st.text.rows, plan.map.captions, seed + 1));
  const rows = new Float32Array(img.length + txt.length);
  rows.set(img);
  rows.set(txt, img.length);
  const readMs = Math.round(performance.now() - tRead);
  const tPca = performance.now();
  const { xy, explained } = pca2(rows, st.dims, seed);
  const pcaMs = Math.round(performance.now() - tPca);
  const firstMapMs = ms();
  result = {
    streamed: true,
    embeddings_bytes_float32: st.bytes,
    budget_bytes: st.budgetBytes,
    map_sample: plan.map,
    map_points: xy.length / 2,
    pca_explained: explained.map((x) => +x.toFixed(4)),
    sample_read_ms: readMs,
    pca_ms: pcaMs,
    first_map_ms: firstMapMs,
    max_rows_read_at_once: Math.max(st.image.maxRowsRead, st.text.maxRowsRead),
  };
} else {
  result = { streamed: false, note: 'the embeddings fit the budget and were loaded in memory; no first map measured' };
}
const usage = process.resourceUsage();
console.log(
  JSON.stringify({
    images: ds.images.length,
    captions: ds.captions.length,
    missing_images: ds.images.reduce((n, i) => n + (i.missing ? 1 : 0), 0),
    problems: ds.problems.length,
    problem_lines: ds.problems.slice(0, 5).map((p) => `${p.severity}: ${p.file}: ${p.message}`),
    open_ms: openMs,
    phase_started_ms: phases,
    ...result,
    peak_rss_mb: Math.round(usage.maxRSS / 1024),
    heap_used_mb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  }),
);
