// `mlens mine DIR --spaces ID[,ID...] [--json]`: mine candidates from one or more spaces, build the
// review units, and write both to the project store (replacing the previous run; decisions stay).
// With the dataset's truth, report precision and recall of the candidates, taken in queue order
// (decreasing p), against the true unannotated pairs at review budgets of 100, 1,000, 10,000 pairs.
import { availableParallelism } from 'node:os';
import type { ProgressFn } from '../jobs/job.js';
import { throwIfAborted } from '../jobs/job.js';
import { mineCandidates, rankCandidates, type CandidateTable, type MiningOptions, type KnnReport } from './candidates.js';
import { buildReviewUnits, fusedTextSimilarity, type UnitOptions } from './clusters.js';
import { pairTraining, readLabels } from '../labels/label_model.js';
import { refreshAfterReviews } from './classifier.js';
import { annotatedOf, knownPairs, openProject, resolveSpaces, splitGroups } from './project.js';
import type { KnnOptions } from '../compute/knn_blocked.js';
import { workerKnnRunner } from './knn_worker.js';

export const BUDGETS = [100, 1000, 10000] as const;

export interface MineCommandArgs {
  /** The dataset folder. */
  dir: string;
  /** The app data folder (project stores of read-only datasets). */
  dataDir: string;
  /** Space ids (SpaceStore ids, or 'dataset' for the folder's own embeddings). */
  spaces: string[];
  kT?: number;
  kI?: number;
  /** Mine inside each split (default true when the dataset has splits). */
  bySplit?: boolean;
  /** Only pairs of this split get lev > 0 (e.g. 'test' when the goal is evaluation). */
  levSplit?: string;
  knn?: Pick<KnnOptions, 'method' | 'exactLimit' | 'ivf'>;
  units?: Omit<UnitOptions, 'costs'>;
  seed?: number;
  /**
   * Spaces scored at once in worker threads (default: min(spaces, CPU cores)); 1 runs everything in
   * the calling thread. Needs the built worker (out/main/workers/mine.js); without it, 1.
   */
  threads?: number;
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

export interface BudgetFigure {
  /** Share of the first `budget` candidates (queue order) that are true unannotated pairs. */
  precision: number;
  /** Share of the true unannotated pairs found among them. */
  recall: number;
  /** Candidates actually taken (the pool may be smaller than the budget). */
  taken: number;
}

export interface MineCommandOutput {
  candidates: number;
  clusters: number;
  runId: number;
  spaces: string[];
  /** Cosine-distance threshold the blocks used (null for cards). */
  theta: number | null;
  seconds: number;
  /** With truth: per budget ("100", "1000", "10000"). */
  precisionRecall?: Record<string, BudgetFigure>;
  /** With truth: the true unannotated pairs mining could propose, |truth \ (annotated ∪ known positives)|
   * within the mined groups (each split on its own when mining by split); the recall denominator. */
  trueUnannotated?: number;
  /** With truth and mining by split: true unannotated pairs whose image and caption lie in different splits (never proposed). */
  trueUnannotatedCrossSplit?: number;
  /** Reviews already in the store, and whether the classifier was refit on them. */
  reviews: { labelled: number; refit: boolean };
  /** How each space's neighbours were found; approximate (IVF) searches carry their sampled top-50 recall. */
  knn: KnnReport[];
}

/** Precision and recall of the candidates in `order` against the true pairs (keys c·nImages + i). */
export function precisionRecallAtBudgets(t: Pick<CandidateTable, 'image' | 'caption' | 'n'>, order: ArrayLike<number>, truePairs: Set<number>, nImages: number, budgets: readonly number[] = BUDGETS): Record<string, BudgetFigure> {
  const out: Record<string, BudgetFigure> = {};
  for (const b of budgets) {
    const taken = Math.min(b, t.n);
    let hits = 0;
    for (let r = 0; r < taken; r++) {
      const k = order[r];
      if (truePairs.has(t.caption[k] * nImages + t.image[k])) hits++;
    }
    out[String(b)] = { precision: taken ? hits / taken : 0, recall: truePairs.size ? hits / truePairs.size : 0, taken };
  }
  return out;
}

/** True unannotated pairs of a truth table (keys c·nImages + i), leaving out `known`. */
export function trueUnannotatedPairs(truth: readonly ArrayLike<number>[], annotated: ArrayLike<number>, nImages: number, known?: Set<number>): Set<number> {
  const out = new Set<number>();
  truth.forEach((imgs, c) => {
    for (let k = 0; k < imgs.length; k++) {
      const key = c * nImages + imgs[k];
      if (imgs[k] !== annotated[c] && !known?.has(key)) out.add(key);
    }
  });
  return out;
}

export async function runMineCommand(args: MineCommandArgs): Promise<MineCommandOutput> {
  const t0 = performance.now();
  const progress = args.onProgress;
  progress?.({ phase: 'open', done: 0, total: 1 });
  const project = await openProject(args.dir, args.dataDir);
  try {
    const { ds, reviews } = project;
    throwIfAborted(args.signal, 'mining');
    const spaces = resolveSpaces(ds, project.dir, args.spaces);
    const groups = args.bySplit === false ? null : splitGroups(ds);
    const annotated = annotatedOf(ds);
    const known = knownPairs(ds, reviews);
    const levGroup = args.levSplit != null && groups ? groups.names.indexOf(args.levSplit) : null;
    if (args.levSplit != null && (!groups || levGroup! < 0)) throw new Error(`--lev-split ${args.levSplit}: the dataset has no such split (${groups?.names.join(', ') ?? 'no splits'})`);
    const opts: MiningOptions = {
      kT: args.kT,
      kI: args.kI,
      knn: args.knn,
      seed: args.seed,
      levGroup,
      signal: args.signal,
      onProgress: (phase, done, total) => progress?.({ phase, done, total }),
    };
    const runner = args.threads === 1 || spaces.length < 2 ? null : workerKnnRunner();
    opts.knnRunner = runner ?? undefined;
    opts.parallel = Math.max(1, args.threads ?? Math.min(spaces.length, availableParallelism()));
    const table = await mineCandidates(
      { nImages: ds.images.length, nCaptions: ds.captions.length, annotated, imageGroup: groups?.imageGroup, captionGroup: groups?.captionGroup, known },
      spaces,
      opts,
    );
    throwIfAborted(args.signal, 'mining');

    // Pairs already decided join no unit (they stay candidates: the classifier learns from them).
    progress?.({ phase: 'clusters', done: 0, total: 1 });
    const index = new Map<number, number>();
    const n = ds.images.length;
    for (let k = 0; k < table.n; k++) index.set(table.caption[k] * n + table.image[k], k);
    const reviewed = new Uint8Array(table.n);
    for (const key of pairTraining(readLabels(reviews.db, { kinds: ['flag', 'review'] }), n).keys()) {
      const k = index.get(key);
      if (k !== undefined) reviewed[k] = 1;
    }
    const mode = args.units?.mode ?? 'blocks';
    const { units, theta } = buildReviewUnits(table, annotated, { ...args.units, mode, reviewed, sim: mode === 'blocks' ? fusedTextSimilarity(spaces) : undefined });
    progress?.({ phase: 'clusters', done: 1, total: 1 });
    throwIfAborted(args.signal, 'mining');

    let figures: Record<string, BudgetFigure> | undefined;
    let trueCount: number | undefined;
    let crossSplit = 0;
    if (ds.truth) {
      const truePairs = trueUnannotatedPairs(ds.truth, annotated, n, known);
      // Recall counts only what mining could propose: with splits, pairs inside one split.
      let minable = truePairs;
      if (groups) {
        minable = new Set();
        for (const key of truePairs) {
          const c = Math.floor(key / n);
          if (ds.captions[c].split === ds.images[key - c * n].split) minable.add(key);
          else crossSplit++;
        }
      }
      figures = precisionRecallAtBudgets(table, rankCandidates(table, 'p'), minable, n);
      trueCount = minable.size;
    }

    progress?.({ phase: 'write', done: 0, total: 1 });
    const seconds = (performance.now() - t0) / 1000;
    const runId = reviews.saveMiningRun(
      {
        spaces: table.spaces,
        params: { kT: args.kT ?? 5, kI: args.kI ?? 10, bySplit: groups != null, splits: groups?.names ?? null, levSplit: args.levSplit ?? null, mode, theta, knn: args.knn ?? {}, seed: args.seed ?? 1 },
        platt: { ...table.platt, pu: table.pu ? { c: table.pu.c, positives: table.pu.positives, unlabelled: table.pu.unlabelled, model: table.pu.model } : null },
        seconds,
      },
      table,
      units,
    );
    // With enough reviews from earlier runs, refit the classifier at once.
    const refresh = reviews.countDecisions().pairs > 0 ? refreshAfterReviews(reviews) : { labelled: 0, refit: false };
    progress?.({ phase: 'write', done: 1, total: 1 });
    const out: MineCommandOutput = {
      candidates: table.n,
      clusters: units.length,
      runId,
      spaces: table.spaces,
      theta,
      seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
      reviews: { labelled: refresh.labelled, refit: refresh.refit },
      knn: table.knnReports,
    };
    if (figures) {
      out.precisionRecall = figures;
      out.trueUnannotated = trueCount;
      if (groups) out.trueUnannotatedCrossSplit = crossSplit;
    }
    return out;
  } finally {
    project.close();
  }
}
