// metrics.*: the metrics table over spaces and positive sets, the multiplicity panel and the
// InfoNCE / BCE push of one pair in the active space.
import type { MetricsTableView, MultiplicityView, PairPushView } from '../../../shared/views/metrics.js';
import type { MetricsService } from '../../../shared/api.js';
import { defaultEvalSplit, describeEvalSplit, evalSplits, isDerivedSplit, metricsTableAsync } from '../mining/evaluation.js';
import { projectVerified } from '../mining/project.js';
import { projectMultiplicity, projectPairPush } from '../mining/panels.js';
import { verifiedCounts } from '../labels/verified_labels.js';
import type { ServiceSession } from './context.js';

export class MetricsServiceImpl implements MetricsService {
  constructor(private readonly s: ServiceSession) {}

  async table(req: { spaceIds?: string[]; ties?: 'expected' | 'stable' | 'optimistic' | 'pessimistic'; strict?: boolean; split?: string }): Promise<MetricsTableView> {
    const p = this.s.project();
    // Like `mlens eval`: the held-out test split unless another is asked for (on a dataset without a
    // train split, the split policy's derived one); the view names it and says when it is derived.
    const splits = evalSplits(p.ds);
    const split = req.split ?? defaultEvalSplit(p.ds);
    if (!splits.some((x) => x.name === split)) throw new Error(`${p.ds.name} has no split "${split}" to evaluate (it has: ${splits.map((x) => x.name).join(', ')})`);
    // The folder's embeddings on disk (over the memory budget) are evaluated by `mlens eval`, block by block.
    const onDisk = (id: string): boolean => id === 'dataset' && !p.ds.embeddings && !!p.ds.streamed;
    const ids = req.spaceIds ?? p.listSpaces().map((sp) => sp.id).filter((id) => !onDisk(id));
    if (!ids.length && p.ds.streamed) throw new Error(`${p.ds.name}'s embeddings are on disk (over the memory budget): this table needs them in memory; \`mlens eval ${p.ds.root} --space dataset\` reads them block by block, or raise the budget (MLENS_MEMORY_MB)`);
    if (!ids.length) throw new Error(`${p.ds.name} has no space to evaluate: it needs embeddings`);
    // Large spaces run on worker threads.
    const table = await metricsTableAsync(p.ds, p.reviews, ids.map((id) => p.space(id)), { ties: req.ties, strict: req.strict, split });
    const droppedOutside = Object.fromEntries(table.rows.map((r) => [r.positives, r.droppedOutside]));
    return { rows: table.rows.map(({ space, positives, i2t, t2i }) => ({ space, positives, i2t, t2i })), rankCorrelation: table.rankCorrelation, split, splitDescription: describeEvalSplit(p.ds, split), splitDerived: isDerivedSplit(p.ds, split), splits, droppedOutside, verified: verifiedCounts(projectVerified(p.ds, p.reviews, { strict: req.strict }).counts) };
  }

  async multiplicity(): Promise<MultiplicityView> {
    const p = this.s.project();
    const m = projectMultiplicity(p.ds, p.reviews);
    return {
      imagesPerCaption: m.imagesPerCaption,
      captionsPerImage: m.captionsPerImage,
      perSpace: m.perSpace,
      byAgreement: m.byAgreement,
      captureRecapture: m.captureRecapture.map((c) => ({ spaceIds: c.spaceIds, estimate: c.estimate, remainingExtrapolated: c.remainingExtrapolated, queries: c.queries, trueTotal: c.trueTotal, bias: c.bias })),
    };
  }

  async pairPush(req: { image: number; caption: number; temperature?: number; batchSize?: number }): Promise<PairPushView> {
    const p = this.s.project();
    const { ds } = p;
    if (req.image >= ds.images.length || req.caption >= ds.captions.length) throw new Error(`no pair (image ${req.image}, caption ${req.caption}) in ${ds.name}`);
    const r = projectPairPush(ds, p.reviews, p.space(), req.image, req.caption, { temperature: req.temperature, batchSize: req.batchSize });
    return {
      image: r.image,
      caption: r.caption,
      cos: r.cos,
      temperature: r.temperature,
      batchSize: r.batchSize,
      validFrom: r.validFrom,
      infoNce: {
        expectedForce: r.infoNce.expectedForce,
        conditionalForce: r.infoNce.conditionalForce,
        pushShareRow: r.infoNce.pushShareRow,
        pushShareCol: r.infoNce.pushShareCol,
        gradientErrorRow: r.infoNce.gradientErrorRow,
        gradientErrorCol: r.infoNce.gradientErrorCol,
        coBatchProbability: r.infoNce.coBatchProbability,
      },
      bce: { csd: r.bce.csd, logit: r.bce.logit, push: r.bce.push, ppPush: r.bce.ppPush },
    };
  }
}
