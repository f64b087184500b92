// Mining an open Project (`mlens mine`, mining.run): candidates from one or more spaces, the review
// units, and both written to the project store (replacing the previous run; decisions stay). With
// the dataset's truth, precision and recall of the candidates, taken in queue order (decreasing p),
// against the true unannotated pairs at review budgets of 100, 1,000, 10,000 pairs.
// Three steps: `mineInput` gathers plain arrays from the project (main thread), `mineCompute` is
// the pure compute (a worker thread or this one), `saveMine` writes the run through the project's
// one store connection.
import { availableParallelism } from 'node:os';
import type { ProgressFn } from '../jobs/job.js';
import { throwIfAborted } from '../jobs/job.js';
import { mineCandidates, rankCandidates, type CandidateTable, type MiningOptions, type KnnReport } from './candidates.js';
import { DEFAULT_CHECK_PAIRS } from './checks.js';
import { buildReviewUnits, fusedTextSimilarity, type ReviewUnit, type UnitOptions } from './clusters.js';
import { pairTraining, readLabels } from '../labels/label_model.js';
import { refreshAfterReviews } from './classifier.js';
import { annotatedOf, knownPairs, splitGroups } from './project.js';
import { captionTextIds, sameTextCheck, sameTextMask, type SameTextCheck } from './same_text.js';
import { captionWordIds } from '../datasets/caption_words.js';
import type { MiningSpaceInput } from './space_engine.js';
import { cacheRows, fusedTextSimilarityRows } from './disk_space.js';
import type { KnnOptions } from '../compute/knn_blocked.js';
import { workerKnnRunner } from './knn_worker.js';
import type { Dataset } from '../datasets/dataset.js';
import type { ProjectStore } from '../store/project_store.js';
import type { ReviewStore } from '../review/review_store.js';
import { TruthPairs, type PairMembership } from './truth_pairs.js';
import { streamBlocks } from '../compute/stream_rows.js';
import { captionPartners, captionPartnersRows, partnerGallerySize, PartnersTooLargeError, type PartnerRows } from '../metrics/effective_partners.js';
import { captionCoverage } from '../datasets/caption_coverage.js';
import { spearman } from '../compute/stats.js';
import { mulberry32 } from '../../../shared/random.js';

/** What mining reads from an open project (core/project's Project is one). */
export interface MiningProject {
  readonly ds: Dataset;
  readonly store: ProjectStore;
  readonly reviews: ReviewStore;
  resolveSpaces(ids: readonly string[], opts?: { onDisk?: boolean }): MiningSpaceInput[];
}

export const BUDGETS = [100, 1000, 10000] as const;

export interface MineCommandArgs {
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
  /**
   * Read the captions' words into the prior (default false: measured on the tuning seed, it did not
   * raise the precision; docs/science.md): the share of a caption's content words on the image's
   * annotated captions (candidates.ts). Used only where at least half of the images have two or
   * more captions (an annotated pair is judged on its image's other captions).
   */
  words?: boolean;
  /**
   * Weigh the PU prior by each caption's multiplicity: a caption's chance of being annotated with a
   * valid image is taken as 1/m̂, m̂ its effective partners in the mined spaces, instead of one
   * chance for every valid pair (prior.ts). Measured on seed 0 (docs/science.md): it lifts the
   * ranking before any review where captions range from very generic to very specific (the digits
   * world at every size), and lowers it in the sample worlds at 1,000 images, where m̂ ranks the
   * captions' multiplicity poorly. 'auto' (the default) weighs it only where two independent
   * estimates of how generic each caption is agree: m̂ from the space and the captions' coverage by
   * the other captions' words (datasets/caption_coverage.ts), Spearman ≥ MULTIPLICITY_AGREEMENT.
   */
  multiplicityPrior?: boolean | 'auto';
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
  /**
   * The prior before any review: 'pu-multiplicity' (positive–unlabelled, each caption's chance of
   * annotation 1/m̂ from its effective partners), 'pu' (one chance for every valid pair), 'platt'.
   */
  prior: 'pu-multiplicity' | 'pu' | 'platt';
  /** Whether the prior was weighed by caption multiplicity, and why ('auto': the agreement check). */
  multiplicity: MultiplicityDecision;
  clusters: number;
  /** Candidate pairs drawn at random as calibration checks (in units of kind 'check'). */
  checkPairs: number;
  runId: number;
  spaces: string[];
  /** Cosine-distance threshold the blocks used (null for cards). */
  theta: number | null;
  seconds: number;
  /** With truth: per budget ("100", "1000", "10000"). */
  precisionRecall?: Record<string, BudgetFigure>;
  /** With truth and same-text candidates: the same budgets with them left out (what a reviewer judges once they are accepted). */
  precisionRecallNeedingReview?: Record<string, BudgetFigure>;
  /** With truth: the true unannotated pairs mining could propose, |truth \ (annotated ∪ known positives)|
   * within the mined groups (each split on its own when mining by split); the recall denominator. */
  trueUnannotated?: number;
  /** With truth and mining by split: true unannotated pairs whose image and caption lie in different splits (never proposed). */
  trueUnannotatedCrossSplit?: number;
  /** Reviews already in the store, and whether the classifier was refit on them. */
  reviews: { labelled: number; refit: boolean };
  /** Whether the prior read the captions' words, and why (not). */
  words: { used: boolean; reason: string };
  /** How each space's neighbours were found; approximate (IVF) searches carry their sampled top-50 recall. */
  knn: KnnReport[];
  /** Candidates that read exactly like a caption annotated on their image, and where p̂ before any review ranks them (same_text.ts). */
  sameText: SameTextCheck;
}

/** Precision and recall of the candidates in `order` against the true pairs (keys c·nImages + i). */
export function precisionRecallAtBudgets(t: Pick<CandidateTable, 'image' | 'caption' | 'n'>, order: ArrayLike<number>, truePairs: PairMembership, nImages: number, budgets: readonly number[] = BUDGETS): Record<string, BudgetFigure> {
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
export function trueUnannotatedPairs(truth: readonly ArrayLike<number>[], annotated: ArrayLike<number>, nImages: number, known?: Set<number>): TruthPairs {
  return new TruthPairs(truth, nImages, { annotated, exclude: known });
}

/**
 * 'auto' weighs the prior by caption multiplicity where the captions' coverage by the other
 * captions' words and their effective partners in the space rank the captions alike (Spearman of
 * log(1 + coverage) with log m̂) at least this much. Chosen on seed 0 (docs/science.md): every
 * sample world, at 200 and 1,000 images, 0.05–0.23, where the option lowered the first candidates
 * at 1,000 images; the digits world 0.66–0.74 at 200, 1,000 and 5,000 images, where it lifted
 * them. The threshold sits in that gap.
 */
export const MULTIPLICITY_AGREEMENT = 0.45;
/** Captions (a seeded sample) the check ranks; m̂ over every caption is computed only when it passes. */
export const MULTIPLICITY_CHECK_CAPTIONS = 2000;

export interface MultiplicityDecision {
  mode: 'auto' | 'on' | 'off';
  /** Whether p̂ before any review was weighed by each caption's multiplicity. */
  applied: boolean;
  /** 'auto': Spearman of log(1 + caption coverage) with log m̂ over `captions` captions (null: not measured). */
  agreement: number | null;
  threshold: number;
  captions: number;
  reason: string;
}

/** What the compute step needs: plain data and typed arrays (a worker's payload), no path. */
export interface MineInput {
  nImages: number;
  nCaptions: number;
  annotated: Int32Array;
  groups: { names: string[]; imageGroup: Int32Array; captionGroup: Int32Array } | null;
  /** Pairs already known valid (keys caption·nImages + image). */
  known: Float64Array;
  /** Pairs with a flag or review label: they join no unit. */
  reviewed: Float64Array;
  truth: Int32Array[] | null;
  spaces: MiningSpaceInput[];
  levGroup: number | null;
  /** The captions' content words (null: not used; `words` says why). */
  captionWords: { offsets: Int32Array; ids: Int32Array } | null;
  words: { used: boolean; reason: string };
  /** Per caption, the images of its split that the other captions' words cover ('auto' only). */
  captionCoverage: Int32Array | null;
  /** Per caption, an id of its text (same_text.ts captionTextIds): same-text candidates join no unit. */
  captionTextId: Int32Array;
  options: Omit<MineCommandArgs, 'spaces' | 'onProgress' | 'signal'>;
}

/** Whether mining reads the captions' words: asked for, and at least half of the images have two or more captions. */
export function miningWords(captionImage: ArrayLike<number>, nImages: number, asked: boolean): { used: boolean; reason: string } {
  if (!asked) return { used: false, reason: 'not asked for (--words)' };
  const per = new Int32Array(nImages);
  for (let c = 0; c < captionImage.length; c++) per[captionImage[c]]++;
  let two = 0;
  for (let i = 0; i < nImages; i++) if (per[i] >= 2) two++;
  const share = nImages ? two / nImages : 0;
  return share >= 0.5
    ? { used: true, reason: `${(100 * share).toFixed(0)} % of the images have two or more captions` }
    : { used: false, reason: `only ${(100 * share).toFixed(0)} % of the images have two or more captions (needs half): an annotated pair has no other caption to judge its words on` };
}

export interface MineComputed {
  table: CandidateTable;
  units: ReviewUnit[];
  theta: number | null;
  mode: NonNullable<UnitOptions['mode']>;
  figures?: Record<string, BudgetFigure>;
  /** The same budgets in p̂'s order with the same-text candidates left out (null without any). */
  figuresNeedingReview?: Record<string, BudgetFigure>;
  trueCount?: number;
  crossSplit: number;
  multiplicity: MultiplicityDecision;
  /** Per candidate, 1 where its caption's text is annotated on its image (same_text.ts). */
  sameText: Uint8Array;
}

/** The compute step's input, read from the open project (spaces through its cache). */
export function mineInput(project: MiningProject, args: MineCommandArgs): MineInput {
  const { ds, reviews } = project;
  const { spaces: ids, onProgress: _p, signal: _s, ...options } = args;
  const spaces = project.resolveSpaces(ids, { onDisk: true });
  const groups = args.bySplit === false ? null : splitGroups(ds);
  const levGroup = args.levSplit != null && groups ? groups.names.indexOf(args.levSplit) : null;
  if (args.levSplit != null && (!groups || levGroup! < 0)) throw new Error(`--lev-split ${args.levSplit}: the dataset has no such split (${groups?.names.join(', ') ?? 'no splits'})`);
  const n = ds.images.length;
  const annotated = annotatedOf(ds);
  const words = miningWords(annotated, n, args.words === true);
  return {
    nImages: n,
    nCaptions: ds.captions.length,
    annotated,
    groups,
    known: Float64Array.from(knownPairs(ds, reviews)),
    reviewed: Float64Array.from(pairTraining(readLabels(reviews.db, { kinds: ['flag', 'review'] }), n).keys()),
    truth: ds.truth,
    spaces,
    levGroup,
    captionWords: words.used ? captionWordIds(ds.captions.map((c) => c.text), annotated, n) : null,
    words,
    captionCoverage: multiplicityMode(args.multiplicityPrior) === 'auto' ? captionCoverage(ds.captions.map((c) => c.text), annotated, groups?.imageGroup ?? new Int32Array(n), n).count : null,
    captionTextId: captionTextIds(ds.captions.map((c) => c.text)),
    options,
  };
}

/** The fused caption similarity of the blocks; with a space on disk, built row by row in a bounded cache. */
function textSimilarity(spaces: MiningSpaceInput[]): (a: number, b: number) => number {
  const disk = spaces.find((s) => s.onDisk)?.onDisk;
  if (!disk) return fusedTextSimilarity(spaces);
  const width = spaces.reduce((w, s) => w + s.dims, 0);
  const rows = spaces.map((s) => ({ dims: s.dims, textRow: s.onDisk ? (c: number) => s.onDisk!.text.read(c, 1) : (c: number) => s.text.subarray(c * s.dims, (c + 1) * s.dims) }));
  return fusedTextSimilarityRows(rows, cacheRows(disk.budgetBytes, width));
}

/**
 * Per caption, its effective partners (how many images it is about equally close to; metrics/
 * effective_partners.ts), the geometric mean over the mined spaces, as the PU prior's multiplicity
 * estimate (an item without a direction counts 1). Null when every space is too large even for a
 * sampled gallery.
 */
export function captionMultiplicity(spaces: MiningSpaceInput[], nImages: number, nCaptions: number, signal?: AbortSignal, only?: Int32Array): Float32Array | null {
  let sum: Float64Array | null = null;
  let used = 0;
  const count = only ? only.length : nCaptions;
  for (const s of spaces) {
    let gallery: number;
    try {
      gallery = partnerGallerySize(nImages + nCaptions, s.dims);
    } catch (e) {
      if (e instanceof PartnersTooLargeError) continue;
      throw e;
    }
    // Spaces on disk are read block by block; the figures equal the in-memory ones.
    const blockRows = s.onDisk ? streamBlocks(count, Math.min(gallery, nImages), s.dims, s.onDisk.budgetBytes).queryRows : 0;
    const { text } = s.onDisk
      ? captionPartnersRows(only ? pickRows(s.onDisk.text, only) : s.onDisk.text, s.onDisk.image, s.dims, { maxGallery: gallery, signal, blockRows })
      : captionPartners(only ? { dims: s.dims, image: s.image, text: gatherRows(s.text, s.dims, only) } : s, { maxGallery: gallery, signal });
    sum ??= new Float64Array(count);
    for (let c = 0; c < count; c++) sum[c] += Math.log(Math.max(1, Number.isFinite(text[c]) ? text[c] : 1));
    used++;
  }
  return sum ? Float32Array.from(sum, (v) => Math.exp(v / used)) : null;
}

function gatherRows(m: Float32Array, dims: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((r, k) => out.set(m.subarray(r * dims, (r + 1) * dims), k * dims));
  return out;
}

/** The rows `only` of a matrix on disk, read one by one (the check's sample). */
function pickRows(m: PartnerRows, only: Int32Array): PartnerRows {
  return {
    rows: only.length,
    read(start, count) {
      const first = m.read(only[start], 1);
      const dims = first.length;
      const out = new Float32Array(count * dims);
      out.set(first, 0);
      for (let k = 1; k < count; k++) out.set(m.read(only[start + k], 1), k * dims);
      return out;
    },
  };
}

export function multiplicityMode(v: MineCommandArgs['multiplicityPrior']): MultiplicityDecision['mode'] {
  return v === true ? 'on' : v === false ? 'off' : 'auto';
}

/**
 * Whether to weigh the prior by caption multiplicity, and m̂ when it is. 'auto' ranks a seeded
 * sample of at most MULTIPLICITY_CHECK_CAPTIONS captions by their coverage and by m̂; m̂ over every
 * caption follows only when they agree (Spearman ≥ MULTIPLICITY_AGREEMENT).
 */
export function decideMultiplicity(input: Pick<MineInput, 'spaces' | 'nImages' | 'nCaptions' | 'captionCoverage' | 'options'>, signal?: AbortSignal): { decision: MultiplicityDecision; multiplicity: Float32Array | null } {
  const mode = multiplicityMode(input.options.multiplicityPrior);
  const { spaces, nImages, nCaptions } = input;
  const base = { mode, agreement: null, threshold: MULTIPLICITY_AGREEMENT, captions: 0 };
  if (mode === 'off') return { decision: { ...base, applied: false, reason: 'turned off' }, multiplicity: null };
  if (mode === 'on') {
    const m = captionMultiplicity(spaces, nImages, nCaptions, signal);
    return { decision: { ...base, applied: !!m, reason: m ? 'asked for' : 'asked for, but every space is too large for effective partners' }, multiplicity: m };
  }
  const cov = input.captionCoverage;
  if (!cov || nCaptions < 3) return { decision: { ...base, applied: false, reason: 'no caption texts to check m̂ against' }, multiplicity: null };
  const all = nCaptions <= MULTIPLICITY_CHECK_CAPTIONS;
  const sample = all ? null : sampleRows(nCaptions, MULTIPLICITY_CHECK_CAPTIONS, (input.options.seed ?? 1) * 7 + 3);
  const m = captionMultiplicity(spaces, nImages, nCaptions, signal, sample ?? undefined);
  if (!m) return { decision: { ...base, applied: false, reason: 'every space is too large for effective partners' }, multiplicity: null };
  const rows = sample ?? Int32Array.from({ length: nCaptions }, (_, c) => c);
  const agreement = spearman(Float64Array.from(rows, (c) => Math.log1p(cov[c])), Float64Array.from(m, (x) => Math.log(Math.max(x, 1e-12))));
  const pct = (x: number) => x.toFixed(2);
  if (!(Number.isFinite(agreement) && agreement >= MULTIPLICITY_AGREEMENT)) {
    return { decision: { ...base, agreement: Number.isFinite(agreement) ? agreement : null, captions: rows.length, applied: false, reason: `caption coverage (by the other captions' text) and effective partners (in the space) disagree on which captions are generic (Spearman ${Number.isFinite(agreement) ? pct(agreement) : 'undefined'} < ${MULTIPLICITY_AGREEMENT})` }, multiplicity: null };
  }
  const full = all ? m : captionMultiplicity(spaces, nImages, nCaptions, signal);
  return { decision: { ...base, agreement, captions: rows.length, applied: !!full, reason: `caption coverage (by the other captions' text) and effective partners (in the space) agree on which captions are generic (Spearman ${pct(agreement)} ≥ ${MULTIPLICITY_AGREEMENT})` }, multiplicity: full };
}

/** `k` distinct indices of [0, n), ascending, from a seed. */
function sampleRows(n: number, k: number, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.subarray(0, k).sort();
}

/** Candidates, review units and (with truth) the budget figures: no store, no dataset. */
export async function mineCompute(input: MineInput, hooks: { onProgress?: ProgressFn; signal?: AbortSignal } = {}): Promise<MineComputed> {
  const { nImages: n, annotated, groups, spaces, options: args } = input;
  const progress = hooks.onProgress;
  const known = new Set(input.known);
  const weigh = multiplicityMode(args.multiplicityPrior) !== 'off';
  if (weigh) progress?.({ phase: 'partners', done: 0, total: 1 });
  const { decision, multiplicity } = decideMultiplicity(input, hooks.signal);
  if (weigh) progress?.({ phase: 'partners', done: 1, total: 1 });
  const opts: MiningOptions = {
    captionMultiplicity: multiplicity,
    kT: args.kT,
    kI: args.kI,
    knn: args.knn,
    seed: args.seed,
    levGroup: input.levGroup,
    signal: hooks.signal,
    onProgress: (phase, done, total) => progress?.({ phase, done, total }),
  };
  const runner = args.threads === 1 || spaces.filter((s) => !s.onDisk).length < 2 ? null : workerKnnRunner();
  opts.knnRunner = runner ?? undefined;
  opts.parallel = Math.max(1, args.threads ?? Math.min(spaces.length, availableParallelism()));
  const table = await mineCandidates({ nImages: n, nCaptions: input.nCaptions, annotated, imageGroup: groups?.imageGroup, captionGroup: groups?.captionGroup, known, captionWords: input.captionWords }, spaces, opts);
  throwIfAborted(hooks.signal, 'mining');

  // Pairs already decided join no unit (they stay candidates: the classifier learns from them),
  // and same-text pairs join none of the queue's: valid by the annotation, they need no reviewer
  // (the Review tab accepts them in one batch). They can still be drawn as calibration checks,
  // which sample every unreviewed candidate.
  progress?.({ phase: 'clusters', done: 0, total: 1 });
  const index = new Map<number, number>();
  for (let k = 0; k < table.n; k++) index.set(table.caption[k] * n + table.image[k], k);
  const sameText = sameTextMask(table, input.captionTextId, annotated);
  const reviewed = new Uint8Array(table.n);
  for (const key of input.reviewed) {
    const k = index.get(key);
    if (k !== undefined) reviewed[k] = 1;
  }
  const mode = args.units?.mode ?? 'blocks';
  const { units, theta } = buildReviewUnits(table, annotated, { seed: args.seed ?? 1, ...args.units, mode, reviewed, unqueued: sameText, sim: mode === 'blocks' ? textSimilarity(spaces) : undefined });
  progress?.({ phase: 'clusters', done: 1, total: 1 });
  throwIfAborted(hooks.signal, 'mining');

  const out: MineComputed = { table, units, theta, mode, crossSplit: 0, multiplicity: decision, sameText };
  if (input.truth) Object.assign(out, truthFigures(input, input.truth, table, sameText));
  return out;
}

/**
 * Precision and recall of the candidates against the truth, at each budget in decreasing p. The app
 * computes them on its own thread after the worker returns, so the truth (one Int32 per valid
 * pair: 1.9 GB in a 20,000-image digits world) is never copied into the worker.
 */
export function truthFigures(
  input: Pick<MineInput, 'nImages' | 'annotated' | 'groups' | 'known'>,
  truth: readonly ArrayLike<number>[],
  table: CandidateTable,
  sameText?: Uint8Array,
): Pick<MineComputed, 'figures' | 'figuresNeedingReview' | 'trueCount' | 'crossSplit'> {
  // Recall counts only what mining could propose: with splits, pairs inside one split.
  const minable = new TruthPairs(truth, input.nImages, { annotated: input.annotated, exclude: new Set(input.known), groups: input.groups ?? undefined });
  const order = rankCandidates(table, 'p');
  const out: Pick<MineComputed, 'figures' | 'figuresNeedingReview' | 'trueCount' | 'crossSplit'> = { figures: precisionRecallAtBudgets(table, order, minable, input.nImages), trueCount: minable.size, crossSplit: minable.crossGroup };
  // The same order without the same-text pairs: what is left for a reviewer once they are accepted.
  if (sameText && sameText.some((x) => x === 1)) {
    const rest = Int32Array.from(order).filter((k) => !sameText[k]);
    out.figuresNeedingReview = precisionRecallAtBudgets({ image: table.image, caption: table.caption, n: rest.length }, rest, minable, input.nImages);
  }
  return out;
}

/** Writes a computed run to the project's store and refits the classifier on earlier reviews. */
export function saveMine(project: MiningProject, input: MineInput, m: MineComputed, t0: number): MineCommandOutput {
  const { reviews } = project;
  const { table, units, theta, mode } = m;
  const args = input.options;
  const sameText = sameTextCheck(table, m.sameText);
  const groups = input.groups;
  const runId = reviews.saveMiningRun(
    {
      spaces: table.spaces,
      params: { kT: args.kT ?? 5, kI: args.kI ?? 10, bySplit: groups != null, splits: groups?.names ?? null, levSplit: args.levSplit ?? null, mode, theta, knn: args.knn ?? {}, seed: args.seed ?? 1, checkPairs: args.units?.checkPairs ?? DEFAULT_CHECK_PAIRS, words: input.words.used, multiplicity: m.multiplicity, sameText },
      platt: { ...table.platt, pu: table.pu ? { c: table.pu.c, positives: table.pu.positives, unlabelled: table.pu.unlabelled, multiplicity: table.pu.multiplicity === true, model: table.pu.model } : null },
      seconds: (performance.now() - t0) / 1000,
    },
    table,
    units,
  );
  // With enough reviews from earlier runs, refit the classifier at once.
  const refresh = reviews.countDecisions().pairs > 0 ? refreshAfterReviews(reviews) : { labelled: 0, refit: false };
  const out: MineCommandOutput = {
    candidates: table.n,
    prior: table.pu?.multiplicity ? 'pu-multiplicity' : table.pu ? 'pu' : 'platt',
    multiplicity: m.multiplicity,
    clusters: units.length,
    checkPairs: units.reduce((s, u) => s + (u.kind === 'check' ? u.pairs.length : 0), 0),
    runId,
    spaces: table.spaces,
    theta,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
    reviews: { labelled: refresh.labelled, refit: refresh.refit },
    words: input.words,
    knn: table.knnReports,
    sameText,
  };
  if (m.figures) {
    out.precisionRecall = m.figures;
    if (m.figuresNeedingReview) out.precisionRecallNeedingReview = m.figuresNeedingReview;
    out.trueUnannotated = m.trueCount;
    if (groups) out.trueUnannotatedCrossSplit = m.crossSplit;
  }
  return out;
}

/**
 * Mines an open project. `compute` runs the compute step (default: on this thread; the app passes
 * mine_job.ts `mineInWorker`); reading the input and writing the run happen here, on the project.
 */
export async function mineProject(
  project: MiningProject,
  args: MineCommandArgs,
  compute: (input: MineInput, hooks: { onProgress?: ProgressFn; signal?: AbortSignal }) => Promise<MineComputed> = mineCompute,
): Promise<MineCommandOutput> {
  const t0 = performance.now();
  const progress = args.onProgress;
  progress?.({ phase: 'open', done: 0, total: 1 });
  throwIfAborted(args.signal, 'mining');
  const input = mineInput(project, args);
  // Rows on disk are read in this thread (a worker's payload carries arrays, not open files).
  const inThread = input.spaces.some((s) => s.onDisk) || compute === mineCompute;
  // A worker gets no truth (see truthFigures); its figures are added here, from copies of the
  // arrays that move to the worker.
  const forFigures = !inThread && input.truth ? { nImages: input.nImages, annotated: input.annotated.slice(), known: input.known.slice(), groups: input.groups ? { names: input.groups.names, imageGroup: input.groups.imageGroup.slice(), captionGroup: input.groups.captionGroup.slice() } : null } : null;
  const m = inThread ? await mineCompute(input, { onProgress: progress, signal: args.signal }) : await compute({ ...input, truth: null }, { onProgress: progress, signal: args.signal });
  throwIfAborted(args.signal, 'mining');
  if (forFigures && input.truth) Object.assign(m, truthFigures(forFigures, input.truth, m.table, m.sameText));
  progress?.({ phase: 'write', done: 0, total: 1 });
  const out = saveMine(project, input, m, t0);
  progress?.({ phase: 'write', done: 1, total: 1 });
  return out;
}
