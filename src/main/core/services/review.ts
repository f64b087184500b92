// review.*: the review queue of the latest mining run, one unit with its candidates, recording
// decisions (the classifier refits off the request path) and undo.
import type { ClusterSummary, ReviewDecisionInput, ReviewUnitView, SameTextAcceptView, SelectionUnitResult } from '../../../shared/views/review.js';
import type { FlagLabel } from '../../../shared/flags.js';
import type { MapSelectionRequest, ReviewService } from '../../../shared/api.js';
import type { Project } from '../project/project.js';
import type { ClusterRow } from '../review/review_store.js';
import { readLabels } from '../labels/label_model.js';
import { refreshAfterReviews } from '../mining/classifier.js';
import { unitLabel, DEFAULT_COSTS } from '../mining/clusters.js';
import { SELECTION_UNIT_CAPTIONS, SELECTION_UNIT_IMAGES, lastSentUnitAt, planSelectionUnit, saveSelectionUnit, undoSelectionUnit } from '../review/selection_unit.js';
import { emitFlags, emitReviews, type ServiceSession } from './context.js';
import { acceptSameText, SAME_TEXT_SOURCE } from '../mining/same_text.js';
import { resolveSelection } from './map_selection.js';

const SELECTION_LIMIT = `${SELECTION_UNIT_CAPTIONS} captions × ${SELECTION_UNIT_IMAGES} images`;

function clusterSummary(p: Project, c: ClusterRow): ClusterSummary {
  const reviews = p.reviews;
  const cands = reviews.candidates({ clusterId: c.id });
  const reviewed = cands.filter((k) => reviews.decisionFor(k.image, k.caption)).length;
  return {
    id: c.id,
    kind: c.kind,
    position: c.position,
    servedBy: c.servedBy,
    priority: c.priority,
    expectedValid: c.expectedValid,
    costSeconds: c.costSeconds,
    captions: c.captions,
    images: c.images,
    referenceImages: c.referenceImages,
    pairs: c.pairs,
    label: unitLabel(c.captions.map((i) => p.ds.captions[i]?.text ?? '')),
    reviewed,
    source: c.runId === 0 ? 'selection' : 'mining',
  };
}

/**
 * How long the refit after a decision waits for the next one. The refit (the classifier on every
 * candidate, then the queue's order) takes seconds on a large project (about 3 s at 649,872 candidates,
 * 20,000 digits images) and holds the main process: a reviewer keying decisions in a row gets one
 * refit after the last, and the next unit is served before it. The `refit` event says when it ran.
 */
export const REFIT_DELAY_MS = 400;

export class ReviewServiceImpl implements ReviewService {
  private refitTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly s: ServiceSession) {}

  /** Refits the active-learning classifier and re-ranks the queue off the request path, once decisions pause. */
  private scheduleRefit(p: Project): void {
    if (this.refitTimer) clearTimeout(this.refitTimer);
    this.refitTimer = setTimeout(() => {
      this.refitTimer = null;
      try {
        if (this.s.currentProject() !== p || p.isClosed || !p.reviews.latestRun()) return;
        refreshAfterReviews(p.reviews);
        this.s.emit({ type: 'refit' });
      } catch {
        // the queue keeps its previous order
      }
    }, REFIT_DELAY_MS);
    this.refitTimer.unref?.();
  }

  async queue(req: { limit?: number; offset?: number; pendingOnly?: boolean }): Promise<ClusterSummary[]> {
    const p = this.s.project();
    return p.reviews.clusters({ limit: req.limit ?? 50, offset: req.offset ?? 0, pendingOnly: req.pendingOnly ?? false }).map((c) => clusterSummary(p, c));
  }

  async unit(req: { clusterId?: number }): Promise<ReviewUnitView | null> {
    const p = this.s.project();
    const { ds, reviews } = p;
    const c = req.clusterId != null ? reviews.cluster(req.clusterId) : reviews.nextCluster();
    if (!c) return null;
    const inTruth = (image: number, caption: number) => {
      const t = ds.truth?.[caption];
      return t ? Array.prototype.includes.call(t, image) : null;
    };
    const unitCands = reviews.candidates({ clusterId: c.id });
    // The latest flag on each of the unit's pairs (a store may hold hundreds of thousands of flags).
    const nI = ds.images.length;
    const flagOf = new Map<number, FlagLabel | null>(unitCands.map((k) => [k.caption * nI + k.image, null]));
    for (const l of readLabels(reviews.db, { kinds: ['flag'] })) {
      if (l.target !== 'pair') continue;
      const key = l.caption! * nI + l.image!;
      if (flagOf.has(key)) flagOf.set(key, l.flag as FlagLabel);
    }
    const candidates = unitCands.map((k) => ({
      image: k.image,
      caption: k.caption,
      p: k.p,
      agreement: k.agreement,
      decision: reviews.decisionFor(k.image, k.caption)?.label ?? null,
      truth: inTruth(k.image, k.caption) as boolean | null,
      flag: flagOf.get(k.caption * nI + k.image) ?? null,
    }));
    const pending = reviews.countPendingClusters();
    return { cluster: clusterSummary(p, c), candidates, pending };
  }

  async record(req: { decisions: ReviewDecisionInput[]; reviewer: string; seconds?: number; clusterId?: number }): Promise<{ recorded: number }> {
    const p = this.s.project();
    const { ds, reviews } = p;
    for (const d of req.decisions) {
      if (d.image >= ds.images.length) throw new Error(`no image with index ${d.image}`);
      if (d.caption >= ds.captions.length) throw new Error(`no caption with index ${d.caption}`);
    }
    const per = req.seconds != null ? req.seconds / req.decisions.length : null;
    const rec = reviews.record(req.decisions.map((d) => ({ ...d, reviewer: req.reviewer, seconds: per, clusterId: req.clusterId ?? null })));
    emitReviews(this.s);
    this.scheduleRefit(p);
    return { recorded: rec.length };
  }

  async sendSelection(req: MapSelectionRequest): Promise<SelectionUnitResult> {
    const p = this.s.project();
    const { ds, reviews } = p;
    const captionImage = Int32Array.from(ds.captions, (c) => c.imageIndex);
    const unit = planSelectionUnit(resolveSelection(p, req), captionImage);
    if (!unit.captions.length || !unit.images.length) {
      throw new Error(`a review unit needs captions and images: the selection holds ${unit.selectedImages} images and ${unit.selectedCaptions} captions`);
    }
    const cost = DEFAULT_COSTS.c0 + DEFAULT_COSTS.cI * (unit.images.length + unit.referenceImages.length) + DEFAULT_COSTS.cT * unit.captions.length;
    const saved = saveSelectionUnit(reviews, unit, cost);
    emitReviews(this.s);
    const size = `${unit.captions.length} captions × ${unit.images.length} images (${saved.pairs} pairs)`;
    const message = unit.capped
      ? `Sent ${size} to review as unit #${saved.id}; the selection held ${unit.selectedCaptions} captions and ${unit.selectedImages} images, more than a unit holds (${SELECTION_LIMIT}): captions with their annotated image selected were kept first`
      : `Sent ${size} to review as unit #${saved.id}, first in the Review queue`;
    return {
      clusterId: saved.id,
      captions: unit.captions.length,
      images: unit.images.length,
      pairs: saved.pairs,
      added: saved.added,
      selectedCaptions: unit.selectedCaptions,
      selectedImages: unit.selectedImages,
      capped: unit.capped,
      message,
    };
  }

  async acceptSameText(req: { who?: string }): Promise<SameTextAcceptView> {
    const p = this.s.project();
    const { ds, reviews, store } = p;
    if (!reviews.latestRun()) throw new Error('no mining run yet: mine candidates first (Review tab, Mine)');
    const r = acceptSameText(ds, store, reviews, req.who ?? null);
    if (r.accepted) {
      emitFlags(this.s);
      emitReviews(this.s);
      // The queue re-ranks without them (they are decided); the classifier ignores rule flags.
      this.scheduleRefit(p);
    }
    const left = [r.labelled ? `${r.labelled.toLocaleString('en')} already labelled` : '', r.twinRejected ? `${r.twinRejected.toLocaleString('en')} whose annotated twin is judged wrong (review those)` : ''].filter(Boolean);
    const message = r.accepted
      ? `Flagged ${r.accepted.toLocaleString('en')} same-text pairs as false negatives (valid by the annotation) in one batch; undo takes them back${left.length ? `. Left alone: ${left.join(', ')}` : ''}`
      : `No same-text pair to accept${left.length ? ` (${left.join(', ')})` : ''}`;
    return { ...r, message };
  }

  async undo(): Promise<boolean> {
    const p = this.s.project();
    const reviews = p.reviews;
    const unitAt = lastSentUnitAt(reviews);
    const batchAt = reviews.lastBatchAt();
    const ruleAt = p.store.lastBatchOfSourceAt(SAME_TEXT_SOURCE);
    // One step back: the newest of the last decision batch, the last unit sent from the map and the
    // last same-text acceptance.
    const newest = [unitAt, batchAt, ruleAt].reduce<string | null>((a, b) => (b != null && (a == null || b > a) ? b : a), null);
    let undone: boolean;
    if (newest == null) undone = false;
    else if (newest === ruleAt) {
      undone = p.store.undo();
      emitFlags(this.s);
    } else undone = newest === unitAt ? undoSelectionUnit(reviews) != null : reviews.undo().length > 0;
    emitReviews(this.s);
    return undone;
  }
}
