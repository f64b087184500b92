// One world of the science protocol (science_bench.ts): a generated dataset (the sample or the
// digits world), the built-in baseline encoder as a user runs it, then the claims measured through
// the same functions `mlens train`, `mlens mine` and `mlens eval` call. Every claim is caught on its
// own, so one failure is recorded as an error and the others still run.
import { captionTextIds, sameTextMask } from '../core/mining/same_text.js';
import { join } from 'node:path';
import { encodeSpace } from '../core/encoders/encode_job.js';
import { trainProject, type TrainCommandResult } from '../core/heads/train_project.js';
import { partnersReport } from '../core/heads/partners_report.js';
import { captionsPerImage } from '../core/heads/variance_diagnostics.js';
import { probeModality } from './partners_probe.js';
import { reliability } from '../core/mining/calibration.js';
import { fitClassifier, predictAll, refreshAfterReviews } from '../core/mining/classifier.js';
import { evaluateProject } from '../core/mining/evaluation.js';
import { mineProject } from '../core/mining/mine.js';
import { Project } from '../core/project/project.js';
import { projectDir } from '../core/store/project_store.js';
import { TruthPairs } from '../core/mining/truth_pairs.js';

/** Tuning runs only: MLENS_SCIENCE_PCME_INCLUSION (weight), _SCALE and _KEEP set the PCME++ head's inclusion loss (mlens train --inclusion). */
function pcmeOverride(): { inclusion?: number; inclusionScale?: number; inclusionKeep?: 'best' | 'last' } {
  const e = process.env;
  return {
    ...(e.MLENS_SCIENCE_PCME_INCLUSION ? { inclusion: Number(e.MLENS_SCIENCE_PCME_INCLUSION) } : {}),
    ...(e.MLENS_SCIENCE_PCME_INCLUSION_SCALE ? { inclusionScale: Number(e.MLENS_SCIENCE_PCME_INCLUSION_SCALE) } : {}),
    ...(e.MLENS_SCIENCE_PCME_INCLUSION_KEEP === 'best' ? { inclusionKeep: 'best' as const } : {}),
  };
}

/**
 * Tuning runs only: MLENS_SCIENCE_KT / MLENS_SCIENCE_KI set the mining pool (mlens mine --k-t / --k-i),
 * MLENS_SCIENCE_MINE_WORDS=1 reads the captions' words, MLENS_SCIENCE_MULTIPLICITY_PRIOR=1 always
 * weighs the PU prior by each caption's multiplicity (mlens mine --multiplicity-prior), =0 never
 * (--no-multiplicity-prior); unset, the default 'auto' check decides.
 */
function miningOverride(): { kT?: number; kI?: number; words?: boolean; multiplicityPrior?: boolean } {
  const n = (k: string) => (process.env[k] ? Number(process.env[k]) : undefined);
  return { kT: n('MLENS_SCIENCE_KT'), kI: n('MLENS_SCIENCE_KI'), ...(process.env.MLENS_SCIENCE_MINE_WORDS === '1' ? { words: true } : {}), ...(process.env.MLENS_SCIENCE_MULTIPLICITY_PRIOR === '1' ? { multiplicityPrior: true } : process.env.MLENS_SCIENCE_MULTIPLICITY_PRIOR === '0' ? { multiplicityPrior: false } : {}) };
}

export interface WorldSpec {
  /** Dataset folder (already generated). */
  dir: string;
  /** Where the project's data (spaces, reviews) goes. */
  dataDir: string;
  /** The space to measure: 'baseline' (trained encoder) or 'oracle' (the folder's own embeddings). */
  space: 'baseline' | 'oracle';
  /** The built-in encoder's spec when space is 'baseline' (default 'baseline'). */
  encoderSpec?: string;
  /** Review budget of the calibration claim. */
  reviews: number;
  /** Candidates whose precision is measured. */
  topK: number;
  log: (s: string) => void;
}

export type Claim = Record<string, unknown> & { error?: string };

export interface WorldResult {
  space: string;
  seconds: Record<string, number>;
  variance: Claim;
  /** The residual-variance head (`--head residual`) on the same space, diagnosed like PCME++. */
  residual: Claim;
  partners: Claim;
  cond: Claim;
  calibration: Claim;
  retrieval: Claim;
}

/** JSON-safe copy (NaN → null, typed arrays → arrays, functions dropped). */
function plain(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)));
}

async function claim(name: string, seconds: Record<string, number>, log: (s: string) => void, fn: () => Promise<Claim>): Promise<Claim> {
  const t0 = performance.now();
  try {
    return await fn();
  } catch (e) {
    log(`  ${name} failed: ${(e as Error).message}`);
    return { error: (e as Error).message };
  } finally {
    seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
  }
}

function withProject<T>(spec: WorldSpec, fn: (p: Project) => Promise<T>): Promise<T> {
  return Project.open(spec.dir, { dataDir: spec.dataDir }).then(async (p) => {
    try {
      return await fn(p);
    } finally {
      p.close();
    }
  });
}

/** Validation mAP@R before training, at the best epoch and at the last one. */
function curve(r: TrainCommandResult): Claim {
  const m = r.metrics;
  const ep = m.epochs;
  let best = ep[0];
  for (const e of ep) if (e.mapAtR > best.mapAtR) best = e;
  const { epochs: _epochs, ...rest } = m;
  return {
    val_map_at_r_initial: m.initial.mapAtR,
    val_map_at_r_best: best ? best.mapAtR : null,
    best_epoch: best ? best.epoch : null,
    val_map_at_r_last: ep.length ? ep[ep.length - 1].mapAtR : null,
    epochs: ep.length,
    metrics: plain(rest),
  };
}

export async function runWorld(spec: WorldSpec): Promise<WorldResult> {
  const { log } = spec;
  const seconds: Record<string, number> = {};
  const ds = await Project.readDataset(spec.dir);
  let spaceId = 'dataset';
  if (spec.space === 'baseline') {
    const t0 = performance.now();
    const enc = await encodeSpace({ dataset: ds, encoderSpec: spec.encoderSpec ?? 'baseline', projectDir: projectDir(ds.root, spec.dataDir), inProcess: true });
    spaceId = enc.record.id;
    seconds.encode = Math.round((performance.now() - t0) / 100) / 10;
  }
  log(`  space ${spaceId}`);

  let pcmeSpace: string | null = null;
  // a. PCME++ as `mlens train --head pcme` trains it (defaults), its variance diagnostics.
  const variance = await claim('variance', seconds, log, async () => {
    const r = await withProject(spec, (p) => trainProject(p, { space: spaceId, head: 'pcme', inProcess: true, ...pcmeOverride() }));
    pcmeSpace = r.id;
    return { spearman: r.spearman ?? null, spearman_scope: r.spearmanScope ?? null, spearman_captions: r.spearmanCaptions ?? null, diagnostics: plain(r.varianceDiagnostics ?? null), ...curve(r) };
  });

  // a1. The residual-variance head (`mlens train --head residual`, closed form) on the same space.
  const residual = await claim('residual', seconds, log, async () => {
    const r = await withProject(spec, (p) => trainProject(p, { space: spaceId, head: 'residual', inProcess: true }));
    return { spearman: r.spearman ?? null, spearman_scope: r.spearmanScope ?? null, diagnostics: plain(r.varianceDiagnostics ?? null), val_map_at_r: r.metrics.val.mapAtR, val_map_at_r_parent: r.metrics.initial.mapAtR, pairs: r.residual?.pairs ?? null, coverage: plain(r.residual?.coverage ?? null) };
  });

  // a2. Effective partners on the same space (no head): ranked against multiplicity like Σσ².
  const partners = await claim('partners', seconds, log, async () =>
    withProject(spec, async (p) => {
      const sp = p.space(spaceId);
      const e = partnersReport(p.ds, sp);
      const median = (x: Float32Array): number => {
        const v = Array.from(x).filter(Number.isFinite).sort((a, b) => a - b);
        return v.length ? v[Math.floor(v.length / 2)] : NaN;
      };
      // Can a head learn it from an item's own embedding? (partners_probe.ts)
      const truth = ds.truth ?? [];
      const perImage = captionsPerImage(truth, ds.images.length);
      const imageRole = ds.images.map((im) => im.split ?? null);
      const probe = ds.truth
        ? {
            captions: probeModality(sp.text, sp.dims, e.text, truth.map((t) => t.length), ds.captions.map((c) => imageRole[c.imageIndex] ?? null)),
            images: probeModality(sp.image, sp.dims, e.image, perImage, imageRole),
          }
        : null;
      return { tau: e.tau, caption_partners_median: median(e.text), image_partners_median: median(e.image), diagnostics: plain(e.diagnostics) as Claim, probe: plain(probe) };
    }),
  );

  // b. The conditional head with its unconditioned control on the same split (`mlens train --head cond`).
  const cond = await claim('cond', seconds, log, async () => {
    const r = await withProject(spec, (p) => trainProject(p, { space: spaceId, head: 'cond', control: true, inProcess: true }));
    return {
      cond: { val: plain(r.metrics.val), test: plain(r.metrics.test) },
      control: plain(r.control ?? null),
      conditions: (r.conditions ?? []).map((c) => c.condition),
      coverage: plain(r.conditionCoverage ?? null),
      ...curve(r),
    };
  });

  // c. Mining, `reviews` simulated reviews in queue order (its calibration checks included) with the
  // truth as the reviewer, then calibration of p̂ on the unreviewed candidates (as
  // test/unit/mining_calibration.test.ts).
  const calibration = await claim('calibration', seconds, log, async () => {
    const mine = await withProject(spec, (p) => mineProject(p, { spaces: process.env.MLENS_SCIENCE_MINE_ON === 'pcme' && pcmeSpace ? [pcmeSpace] : [spaceId], threads: 1, ...miningOverride() }));
    return withProject(spec, async (p) => {
      const { reviews } = p;
      const nI = ds.images.length;
      const truth = new TruthPairs(ds.truth!, nI);
      let reviewed = 0;
      let checked = 0;
      while (reviewed < spec.reviews) {
        const u = reviews.nextCluster();
        if (!u) break;
        const pairs = reviews.candidates({ clusterId: u.id, unreviewedOnly: true }).slice(0, spec.reviews - reviewed);
        if (!pairs.length) break;
        reviews.record(pairs.map((c) => ({ image: c.image, caption: c.caption, label: truth.has(c.caption * nI + c.image) ? (1 as const) : (4 as const), reviewer: 'truth', seconds: 2, clusterId: u.id })));
        reviewed += pairs.length;
        if (u.kind === 'check') checked += pairs.length;
        if (reviewed % 50 < pairs.length) refreshAfterReviews(reviews);
      }
      const refresh = refreshAfterReviews(reviews);
      const rest = reviews.candidates({ unreviewedOnly: true, limit: 1_000_000 });
      const held = reliability(rest.map((c) => c.p), rest.map((c) => (truth.has(c.caption * nI + c.image) ? 1 : 0)));
      const top = rest.slice(0, spec.topK);
      // How many valid pairs the unreviewed candidates hold: on small galleries (preset B has two
      // captions per image) fewer than top-k exist, which caps the top-k precision below 1.
      const validLeft = rest.filter((c) => truth.has(c.caption * nI + c.image)).length;
      // Same-text candidates (valid by the annotation: the Review tab accepts them in one batch)
      // left out: the top k of what a reviewer would still judge, in p̂'s order.
      const same = sameTextMask(
        { n: rest.length, image: rest.map((c) => c.image), caption: rest.map((c) => c.caption) },
        captionTextIds(ds.captions.map((c) => c.text)),
        ds.captions.map((c) => c.imageIndex),
      );
      const topOther = rest.filter((_, r) => !same[r]).slice(0, spec.topK);
      // What p̂'s features can give at best: the same classifier fitted on the truth of every
      // candidate (not 200 reviews), its top k of the same unreviewed candidates. When p̂ is close
      // to it, more reviews cannot lift the precision; only a better space or new features can.
      const cands = reviews.candidateColumns();
      const label = new Int8Array(cands.n);
      for (let k = 0; k < cands.n; k++) label[k] = truth.has(cands.caption[k] * nI + cands.image[k]) ? 1 : 0;
      const full = fitClassifier(cands, cands.spaces.length, label, 2);
      let featureBound: number | null = null;
      if (full && top.length) {
        const pFull = predictAll(cands, cands.spaces.length, full.model);
        const unreviewed = new Set(rest.map((c) => c.caption * nI + c.image));
        const rows: number[] = [];
        for (let k = 0; k < cands.n; k++) if (unreviewed.has(cands.caption[k] * nI + cands.image[k])) rows.push(k);
        rows.sort((a, b) => pFull[b] - pFull[a] || a - b);
        const best = rows.slice(0, spec.topK);
        featureBound = best.filter((k) => label[k] === 1).length / best.length;
      }
      return {
        true_unannotated: mine.trueUnannotated ?? null,
        words_used: mine.words.used,
        multiplicity: plain(mine.multiplicity),
        valid_unreviewed_candidates: validLeft,
        precision_ceiling_top_k: top.length ? Math.min(validLeft, top.length) / top.length : null,
        precision_top_k_features_fitted_on_truth: featureBound,
        candidates: mine.candidates,
        reviewed,
        check_pairs_drawn: mine.checkPairs,
        checks_reviewed: checked,
        unreviewed: rest.length,
        ece_unreviewed_vs_truth: held.ece,
        ece_cv_reviews: refresh.calibration?.ece ?? null,
        ece_cv_reviews_raw: refresh.calibration?.eceRaw ?? null,
        calibrated: refresh.calibration?.calibrated ?? null,
        coverage_of_unreviewed: refresh.calibration?.coverage ?? null,
        ece_population_weighted: refresh.calibration?.ecePopulation ?? null,
        ece_cv_checks: refresh.calibration?.eceChecks ?? null,
        top_k: top.length,
        precision_top_k: top.length ? top.filter((c) => truth.has(c.caption * nI + c.image)).length / top.length : null,
        precision_recall_before_review: plain(mine.precisionRecall ?? null),
        same_text_unreviewed: same.reduce((a, x) => a + x, 0),
        precision_top_k_without_same_text: topOther.length ? topOther.filter((c) => truth.has(c.caption * nI + c.image)).length / topOther.length : null,
        // Its ceiling: valid pairs among the other unreviewed candidates ÷ k (at most 1).
        precision_ceiling_top_k_without_same_text: topOther.length ? Math.min(rest.filter((c, r) => !same[r] && truth.has(c.caption * nI + c.image)).length, topOther.length) / topOther.length : null,
        precision_recall_before_review_without_same_text: plain(mine.precisionRecallNeedingReview ?? null),
      };
    });
  });

  // d. Retrieval of the space on the test split (`mlens eval` defaults) against the truth and the annotation.
  const retrieval = await claim('retrieval', seconds, log, async () => {
    const out: Claim = {};
    for (const positives of ['truth', 'annotated'] as const) {
      const r = await withProject(spec, (p) => evaluateProject(p, { space: spaceId, positives }));
      out.split = r.split;
      for (const dir of ['t2i', 'i2t'] as const) {
        const m = r[dir];
        out[`${dir}_${positives}`] = { map_at_r: m.map_at_r, r_precision: m.r_precision, r1: m.recall_at['1'] ?? null, recall_at: plain(m.recall_at), queries: m.queries.evaluated };
      }
    }
    return out;
  });
  return { space: spaceId, seconds, variance, residual, partners, cond, calibration, retrieval };
}

/** Folder names of one world's data. */
export const worldDirs = (root: string, name: string) => ({ dir: join(root, name, 'data'), dataDir: join(root, name, 'project') });
