// projection.*: the map of the active space (UMAP or PCA, cached on disk by ProjectionStore) and
// its uncertainty glyphs. `layoutProject` is the same layout for the CLI, without a session.
import type { Projection } from '../../../shared/api.js';
import type { GlyphsView } from '../../../shared/views/heads.js';
import type { ProjectionService } from '../../../shared/api.js';
import { sharesParentMeans } from '../../../shared/mining_spaces.js';
import type { Project } from '../project/project.js';
import { runLayoutJob, DEFAULT_UMAP, type UmapParams } from '../projection/umap.js';
import { computeGlyphs } from '../glyphs/glyphs.js';
import { gatherRows, sampleIndices, streamPlan, type SampleNote } from '../io/row_sample.js';
import type { ServiceSession } from './context.js';

export interface ProjectionRequest {
  recompute?: boolean;
  method?: 'umap' | 'pca';
  nNeighbors?: number;
  seed?: number;
}

export interface LayoutHooks {
  signal?: AbortSignal;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** The map so far, every few epochs; `step` is 'pca' (the first view) or 'epoch k/N'. */
  onSnapshot?: (xy: Float32Array, last: { phase: string; done: number; total: number }, step: string) => void;
}

/**
 * The seeded sample a map of the folder's own embeddings draws when they stay on disk (over the memory
 * budget): the one the dataset summary announces (io/row_sample.ts streamPlan; images with the
 * plan's seed, captions with seed + 1). Null when the active space is in memory.
 */
function diskSample(p: Project): { note: SampleNote; images: Int32Array; captions: Int32Array } | null {
  const st = p.ds.streamed;
  if (p.activeSpaceId !== 'dataset' || p.ds.embeddings || !st) return null;
  const m = streamPlan(st.image.rows, st.text.rows, st.dims, st.budgetBytes).map;
  return { note: { rows: m.rows, of: m.of, seed: m.seed, reason: m.reason }, images: sampleIndices(st.image.rows, m.images, m.seed), captions: sampleIndices(st.text.rows, m.captions, m.seed + 1) };
}

/**
 * The space whose layout the active space shares: a residual-variance head keeps its parent's means
 * (L2-normalised; the same rows when the parent's are), so its map is the parent's and is not laid
 * out again; the variances only change the glyphs. Any other space is laid out from its own rows.
 */
export function layoutSpaceOf(p: Pick<Project, 'spaces'>, id: string): string {
  const seen = new Set<string>();
  let cur = id;
  while (!seen.has(cur) && p.spaces.has(cur)) {
    seen.add(cur);
    const r = p.spaces.record(cur);
    if (!sharesParentMeans(r) || !p.spaces.has(r.parent)) break;
    const parent = p.spaces.record(r.parent);
    if (!parent.normalized || parent.dims !== r.dims || parent.nImages !== r.nImages || parent.nCaptions !== r.nCaptions) break;
    cur = parent.id;
  }
  return cur;
}

/** Where a projection comes from: the cache file, or a layout to run (with its cache key). */
function plan(p: Project, req: ProjectionRequest): { key: string; method: 'umap' | 'pca'; params: UmapParams; cached: Projection | null } {
  const { ds } = p;
  if (!p.activeSpaceId) throw new Error(`${ds.name} has no embeddings: add embeddings/image.npy and embeddings/text.npy (rows in item order) to the folder to see the map`);
  const method = req.method ?? 'umap';
  const params: UmapParams = { ...DEFAULT_UMAP, nNeighbors: req.nNeighbors ?? DEFAULT_UMAP.nNeighbors, seed: req.seed ?? DEFAULT_UMAP.seed };
  const sample = diskSample(p)?.note;
  // A sampled map is its own cache entry: another budget draws another sample.
  const spaceKey = sample ? `${p.activeSpaceId}@sample${sample.rows}s${sample.seed}` : layoutSpaceOf(p, p.activeSpaceId);
  const key = p.projections.key({ datasetHash: ds.hash, spaceId: spaceKey, params, method });
  const nI = ds.images.length;
  const nC = ds.captions.length;
  const hit = req.recompute ? null : p.projections.read(key, nI + nC);
  const cached = hit ? { xy: hit.xy, nImages: nI, nCaptions: nC, method, params, seconds: hit.meta.seconds, cached: true, knn: hit.meta.knn, ...(sample ? { sample } : {}) } : null;
  return { key, method, params, cached };
}

/** The rows to lay out: every item of an in-memory space, or the sample of one on disk (with where each goes). */
function layoutRows(p: Project): { joint: Float32Array; dims: number; points: Int32Array | null; sample: SampleNote | null } {
  const nI = p.ds.images.length;
  const s = diskSample(p);
  if (s) {
    const st = p.ds.streamed!;
    const img = gatherRows(st.image, s.images);
    const txt = gatherRows(st.text, s.captions);
    const joint = new Float32Array(img.length + txt.length);
    joint.set(img, 0);
    joint.set(txt, img.length);
    const points = new Int32Array(s.images.length + s.captions.length);
    points.set(s.images, 0);
    s.captions.forEach((c, k) => (points[s.images.length + k] = nI + c));
    return { joint, dims: st.dims, points, sample: s.note };
  }
  const emb = p.space();
  const joint = new Float32Array((nI + p.ds.captions.length) * emb.dims);
  joint.set(emb.image, 0);
  joint.set(emb.text, nI * emb.dims);
  return { joint, dims: emb.dims, points: null, sample: null };
}

/** Sampled coordinates placed at their items; the items outside the sample have none (NaN, not drawn). */
function expand(xy: Float32Array, points: Int32Array | null, n: number): Float32Array {
  if (!points) return xy;
  const out = new Float32Array(2 * n).fill(NaN);
  points.forEach((pt, k) => {
    out[2 * pt] = xy[2 * k];
    out[2 * pt + 1] = xy[2 * k + 1];
  });
  return out;
}

async function layout(p: Project, key: string, method: 'umap' | 'pca', params: UmapParams, hooks: LayoutHooks): Promise<Projection> {
  const { ds } = p;
  const nI = ds.images.length;
  const nC = ds.captions.length;
  const t0 = performance.now();
  const rows = layoutRows(p);
  let last = { phase: 'UMAP: starting', done: 0, total: 1 };
  const { xy: laid, summary } = await runLayoutJob(rows.joint, rows.dims, { ...params, method }, {
    onProgress: (e) => hooks.onProgress?.((last = { phase: `UMAP: ${e.phase}`, done: e.done, total: e.total }).phase, e.done, e.total),
    onSnapshot: (partial, step) => hooks.onSnapshot?.(expand(partial, rows.points, nI + nC), last, step),
    signal: hooks.signal,
  });
  const xy = expand(laid, rows.points, nI + nC);
  const seconds = (performance.now() - t0) / 1000;
  const knn = summary.knn ? { method: summary.knn.method, seconds: summary.knn.seconds, recall: summary.knn.recall } : undefined;
  p.projections.write(key, xy, { seconds, params, method, knn, datasetHash: ds.hash, space: p.activeSpaceLabel(), at: new Date().toISOString() });
  return { xy, nImages: nI, nCaptions: nC, method: summary.method, params, seconds, cached: false, knn, ...(rows.sample ? { sample: rows.sample } : {}) };
}

/** The active space's default map if it is cached (never lays one out), else null. */
export function cachedMapXy(p: Project): Float32Array | null {
  if (!p.activeSpaceId) return null;
  return plan(p, {}).cached?.xy ?? null;
}

/** The active space's map of an open project: from the cache, or laid out and cached. */
export async function layoutProject(p: Project, req: ProjectionRequest, hooks: LayoutHooks = {}): Promise<Projection> {
  const pl = plan(p, req);
  return pl.cached ?? layout(p, pl.key, pl.method, pl.params, hooks);
}

export class ProjectionServiceImpl implements ProjectionService {
  constructor(private readonly s: ServiceSession) {}

  async get(req: { jobId: string } & ProjectionRequest): Promise<Projection> {
    const p = this.s.project();
    const pl = plan(p, req);
    if (pl.cached) return pl.cached;
    const inFlight = p.caches.projectionInFlight;
    if (inFlight?.key === pl.key && !req.recompute) return inFlight.promise;
    const promise = this.s.jobs.run(req.jobId, 'projection', (signal, progress) =>
      layout(p, pl.key, pl.method, pl.params, {
        signal,
        onProgress: progress,
        // The map so far rides on the job's progress events (typed arrays travel as binary).
        onSnapshot: (xy, last, step) => this.s.emit({ type: 'job', jobId: req.jobId, kind: 'projection', state: 'running', ...last, message: step, xy }),
      }),
    );
    p.caches.projectionInFlight = { key: pl.key, promise };
    promise.catch(() => undefined).finally(() => {
      if (p.caches.projectionInFlight?.promise === promise) p.caches.projectionInFlight = null;
    });
    return promise;
  }

  async glyphs(req: { jobId: string }): Promise<GlyphsView | null> {
    const p = this.s.project();
    const id = p.activeSpaceId;
    if (!id || diskSample(p)) return null; // embeddings on disk carry no variances
    const sp = p.space(id);
    if (!sp.imageLogvar || !sp.textLogvar) return null;
    const proj = await this.get({ jobId: req.jobId });
    const key = `${id}:${proj.xy.length}:${proj.xy[0]}:${proj.xy[1]}`;
    const hit = p.caches.glyphs.get(key);
    if (hit) return hit;
    const n = proj.nImages + proj.nCaptions;
    const d = sp.dims;
    const means = new Float32Array(n * d);
    means.set(sp.image, 0);
    means.set(sp.text, proj.nImages * d);
    const logvar = new Float32Array(n * d);
    logvar.set(sp.imageLogvar, 0);
    logvar.set(sp.textLogvar, proj.nImages * d);
    const t0 = performance.now();
    const g = computeGlyphs(means, logvar, d, proj.xy, { method: 'local' });
    const view: GlyphsView = { spaceId: id, radius: g.radius, ellipse: g.ellipse, ellipseShown: g.ellipseShown, r2: g.r2, trace: g.trace, seconds: (performance.now() - t0) / 1000 };
    p.caches.glyphs.set(key, view);
    return view;
  }
}
