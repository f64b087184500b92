// mining.*: mining the open project (the compute step in a worker thread, its payload read from the
// Project), and the active-learning classifier's calibration.
import type { CalibrationView, MineSummary } from '../../../shared/views/review.js';
import type { MiningService } from '../../../shared/api.js';
import { defaultMiningSpaceIds } from '../../../shared/mining_spaces.js';
import { mineProject } from '../mining/mine.js';
import { mineInWorker } from '../mining/mine_job.js';
import { CALIBRATION_MAX_ECE, CALIBRATION_MIN_CHECKS, CALIBRATION_MIN_COVERAGE, CALIBRATION_MIN_REVIEWS, type CalibrationReport } from '../mining/calibration.js';
import type { ServiceSession } from './context.js';

export class MiningServiceImpl implements MiningService {
  constructor(private readonly s: ServiceSession) {}

  async run(req: { jobId: string; spaceIds?: string[]; multiplicityPrior?: boolean | 'auto' }): Promise<MineSummary> {
    const p = this.s.project();
    // The oracle (built from the truth) is mined only when asked for, or when it is the only space.
    // The folder's embeddings over the memory budget are listed like any space and mined from disk.
    const spaces = req.spaceIds ?? defaultMiningSpaceIds(p.listSpaces());
    if (!spaces.length) throw new Error(`${p.ds.name} has no space to mine: it needs embeddings`);
    // The run is written to this project's store even when another dataset is opened meanwhile.
    const release = p.hold();
    let summary: MineSummary;
    try {
      const r = await this.s.jobs.run(req.jobId, 'mining', (signal, progress) =>
        mineProject(p, { spaces, multiplicityPrior: req.multiplicityPrior ?? 'auto', signal, onProgress: (e) => progress(`mining: ${e.phase}`, e.done, e.total) }, mineInWorker),
      );
      summary = { candidates: r.candidates, clusters: r.clusters, spaces: r.spaces, seconds: r.seconds, precisionRecall: r.precisionRecall, precisionRecallNeedingReview: r.precisionRecallNeedingReview, trueUnannotated: r.trueUnannotated, trueUnannotatedCrossSplit: r.trueUnannotatedCrossSplit, prior: r.prior, multiplicity: r.multiplicity, sameText: r.sameText };
      p.store.setMeta('last_mining', JSON.stringify(summary));
    } finally {
      release();
    }
    this.s.emit({ type: 'mining', summary });
    return summary;
  }

  async calibration(): Promise<CalibrationView | null> {
    const c = (this.s.project().reviews.latestRun()?.classifier as { calibration?: CalibrationReport } | null)?.calibration;
    if (!c) return null;
    return { reviewed: c.reviewed, ece: c.ece, eceRaw: c.eceRaw, bins: c.bins, calibrated: c.calibrated, reason: c.reason, minReviews: CALIBRATION_MIN_REVIEWS, maxEce: CALIBRATION_MAX_ECE, coverage: c.coverage ?? null, ecePopulation: c.ecePopulation ?? null, checks: c.checks ?? 0, eceChecks: c.eceChecks ?? null, minChecks: CALIBRATION_MIN_CHECKS, minCoverage: CALIBRATION_MIN_COVERAGE };
  }
}
