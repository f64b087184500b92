// heads.*: training a head on a space of the open project (the new space becomes active), its
// soft stop, the saved heads, and the uncertainty views of probabilistic spaces.
import { residualVarianceLines } from '../heads/residual_report.js';
import type { HeadKind, HeadView, PairCsdView, PartnersView, TrainResultView, UncertaintyView, VarianceDiagnostics } from '../../../shared/views/heads.js';
import type { HeadsService } from '../../../shared/api.js';
import type { Project } from '../project/project.js';
import { trainProject } from '../heads/train_project.js';
import { extraPositives } from '../heads/multipos.js';
import { datasetVarianceDiagnostics } from '../heads/variance_diagnostics.js';
import { partnersReport, PartnersTooLargeError } from '../heads/partners_report.js';
import { PARTNER_TAU } from '../metrics/effective_partners.js';
import { pairCsd, uncertaintySummary, DEFAULT_A, DEFAULT_B } from '../heads/csd.js';
import { readLabels } from '../labels/label_model.js';
import type { ServiceSession } from './context.js';
import type { SpacesServiceImpl } from './spaces.js';

function matchParams(p: Project, spaceId: string): { a: number; b: number } {
  const head = p.heads.list().find((h) => h.spaces.some((sp) => sp.id === spaceId));
  return head?.match ?? { a: DEFAULT_A, b: DEFAULT_B };
}

const notesOf = ({ signals, filler }: { signals: string[]; filler: string | null }): string[] => (filler ? [...signals, filler] : signals);

export class HeadsServiceImpl implements HeadsService {
  constructor(
    private readonly s: ServiceSession,
    private readonly spaces: SpacesServiceImpl,
  ) {}

  async train(req: { jobId: string; head: HeadKind; spaceId?: string; condition?: string; epochs?: number; inclusion?: number }): Promise<TrainResultView> {
    const p = this.s.project();
    const parent = req.spaceId ?? p.activeSpaceId;
    if (!parent) throw new Error(`${p.ds.name} has no space to train on: it needs embeddings`);
    const r = await this.s.jobs.run(req.jobId, 'train', (signal, progress) =>
      trainProject(p, {
        space: parent,
        head: req.head,
        condition: req.condition,
        epochs: req.epochs,
        ...(req.inclusion ? { inclusion: req.inclusion } : {}),
        // A conditional head is shown against its unconditioned control (same split), as `mlens train` does.
        control: req.head === 'cond',
        signal,
        shouldStop: () => this.s.jobs.stopRequested(req.jobId),
        onProgress: (e) => progress(`train ${req.head}: ${e.phase}`, e.done, e.total),
        onEpoch: (e) =>
          this.s.emit({ type: 'train', jobId: req.jobId, epoch: e.epoch, epochs: e.epochs, loss: e.loss, valRPrecision: e.val.rPrecision, valMapAtR: e.val.mapAtR, best: e.best, seconds: e.seconds }),
      }),
    );
    const info = await this.spaces.adoptWritten(r.id);
    const pick = (e: { rPrecision: number; mapAtR: number } | null) => (e ? { rPrecision: e.rPrecision, mapAtR: e.mapAtR } : null);
    return {
      space: info,
      head: r.head,
      spearman: r.spearman ?? null,
      spearmanScope: r.spearmanScope ?? null,
      spearmanAll: r.spearmanAll ?? null,
      splitNote: r.splits.note,
      conditionCoverage: r.conditionCoverage ?? null,
      bestEpoch: r.metrics.bestEpoch,
      kept: r.metrics.kept,
      stopped: r.metrics.stopped,
      val: pick(r.metrics.val)!,
      test: pick(r.metrics.test),
      initial: pick(r.metrics.initial)!,
      last: pick(r.metrics.last)!,
      againstTruth: r.metrics.againstTruth,
      seconds: r.metrics.seconds,
      backend: r.metrics.backend,
      conditions: r.conditions ?? [],
      aspectComparison: r.aspectComparison ?? null,
      varianceNotes: r.residual ? notesOf(residualVarianceLines(r.residual)) : null,
    };
  }

  async stop(req: { jobId: string }): Promise<boolean> {
    return this.s.jobs.requestStop(req.jobId);
  }

  async list(): Promise<HeadView[]> {
    return this.s.project().heads.list().map((h) => ({
      id: h.id,
      name: h.name,
      kind: h.config.kind,
      parent: h.provenance.parent,
      createdAt: h.provenance.createdAt,
      positives: h.provenance.positives,
      extraPairs: h.provenance.extraPairs,
      val: { rPrecision: h.val.rPrecision, mapAtR: h.val.mapAtR },
      test: h.test ? { rPrecision: h.test.rPrecision, mapAtR: h.test.mapAtR } : null,
      kept: h.result.kept ?? 'best',
      curves: h.result.curves.map((c) => ({ epoch: c.epoch, loss: c.loss, rPrecision: c.val.rPrecision, mapAtR: c.val.mapAtR })),
      spaces: h.spaces,
    }));
  }

  async uncertainty(req: { spaceId?: string }): Promise<UncertaintyView | null> {
    const p = this.s.project();
    const id = req.spaceId ?? p.activeSpaceId;
    if (!id) return null;
    const sp = p.space(id);
    if (!sp.imageLogvar || !sp.textLogvar) return null;
    const arrays = { dims: sp.dims, image: sp.image, text: sp.text, imageLogvar: sp.imageLogvar, textLogvar: sp.textLogvar };
    const u = uncertaintySummary(arrays);
    let diagnostics: VarianceDiagnostics | null = null;
    try {
      // Known positives: the label model's valid pairs and positives.jsonl (what multi-positive training uses).
      const known = extraPositives(p.ds, 'auto', readLabels(p.store.db));
      const key = `${id}:${known.pairs}`;
      diagnostics = p.caches.diagnostics.get(key) ?? null;
      if (!diagnostics) {
        diagnostics = datasetVarianceDiagnostics(p.ds, arrays, known.csr);
        p.caches.diagnostics.set(key, diagnostics);
      }
    } catch (err) {
      // The histogram and lists do not depend on this; say why in the log and show them anyway.
      console.warn(`uncertainty diagnostics for space ${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return { spaceId: id, image: u.image, text: u.text, diagnostics };
  }

  async partners(req: { spaceId?: string }): Promise<PartnersView | null> {
    const p = this.s.project();
    const id = req.spaceId ?? p.activeSpaceId;
    if (!id) return null;
    const cached = p.caches.partners.get(id);
    if (cached) return cached;
    const sp = p.space(id);
    let view: PartnersView;
    try {
      const known = extraPositives(p.ds, 'auto', readLabels(p.store.db));
      const r = partnersReport(p.ds, sp, { known: known.csr });
      view = { spaceId: id, image: r.image, text: r.text, tau: r.tau, galleryImages: r.galleryImages, galleryCaptions: r.galleryCaptions, sampled: r.sampled, diagnostics: r.diagnostics, tooLarge: null };
    } catch (err) {
      if (!(err instanceof PartnersTooLargeError)) throw err;
      view = { spaceId: id, image: new Float32Array(0), text: new Float32Array(0), tau: PARTNER_TAU, galleryImages: 0, galleryCaptions: 0, sampled: false, diagnostics: null, tooLarge: err.message };
    }
    p.caches.partners.set(id, view);
    return view;
  }

  async pairCsd(req: { image: number; caption: number }): Promise<PairCsdView | null> {
    const p = this.s.project();
    const { ds } = p;
    const id = p.activeSpaceId;
    if (!id) return null;
    if (req.image >= ds.images.length || req.caption >= ds.captions.length) throw new Error(`no pair (image ${req.image}, caption ${req.caption}) in ${ds.name}`);
    const sp = p.space(id);
    if (!sp.imageLogvar || !sp.textLogvar) return null;
    const ab = matchParams(p, id);
    const r = pairCsd({ dims: sp.dims, image: sp.image, text: sp.text, imageLogvar: sp.imageLogvar, textLogvar: sp.textLogvar }, req.image, req.caption, ab);
    return { ...r, a: ab.a, b: ab.b };
  }
}
