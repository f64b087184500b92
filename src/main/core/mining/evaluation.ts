// Evaluating a space of an open Project (`mlens eval`, the metrics panel): R@K,
// R-Precision, mAP@R (and the query counts) of a space in both directions, with the same keys as
// `mlens metrics` (metrics/score_file_metrics.ts), against
//   annotated  the dataset's one-to-one pairs;
//   verified   annotated ∪ positives.jsonl ∪ imported ∪ reviewed 1–2 (1 only with strict), invalid
//              items dropped (review/verified_positives.ts);
//   truth      the dataset's truth.jsonl (complete truth; the sample ships it);
//   FILE       annotated ∪ the pairs of an ECCV Caption JSON, CxC CSV or positives.jsonl file
//              (review/import_positives.ts), as ECCV and CxC metrics include the originals.
// Galleries: every image and caption, or one split (`split`); positives outside the evaluated
// items are dropped and counted (SCIENCE 1.7.3). Splits follow the one split policy that training
// follows (datasets/split_policy.ts): on a dataset without a train split, test/val/train are the
// derived 80/10/10 roles by image (seed EVAL_SPLIT_SEED, the built-in encoder's), the default is the
// derived test split, and every result says so; a dataset with a train split uses its own labels.
// metricsTable() is the metrics panel's side-by-side table over spaces and positive sets, with
// the Kendall τ between the spaces' orders under R@1 and under mAP@R.
import type { Dataset } from '../datasets/dataset.js';
import { evaluateSpace, type SpaceOptions, type SpaceResult } from '../metrics/space_eval.js';
import { evaluateSpaceParallel } from '../metrics/space_parallel.js';
import { evaluateStreamed } from '../metrics/stream_eval.js';
import { SubsetRows } from '../io/row_sample.js';
import type { ScoreFileMetrics } from '../metrics/score_file_metrics.js';
import type { MetricsResult } from '../metrics/evaluate.js';
import type { TieMode } from '../metrics/ranks.js';
import { importPositivesFile } from '../review/import_positives.js';
import { annotatedPositives, verifiedPositives } from '../review/verified_positives.js';
import type { ReviewStore } from '../review/review_store.js';
import { annotatedOf, projectVerified } from './project.js';
import type { SpaceInfo } from '../../../shared/views/spaces.js';

/** What evaluation reads from an open project (core/project's Project is one). */
export interface EvalProject {
  readonly ds: Dataset;
  readonly reviews: ReviewStore;
  space(id?: string | null): MiningSpaceInput;
  listSpaces(): SpaceInfo[];
}
import type { MiningSpaceInput } from './space_engine.js';
import { ROLE_TEST, ROLE_TRAIN, ROLE_VAL, roleCounts, splitPolicy, type SplitPolicy } from '../datasets/split_policy.js';
import { verifiedCounts } from '../labels/verified_labels.js';
import type { VerifiedCounts } from '../../../shared/views/metrics.js';

export type PositivesChoice = 'annotated' | 'verified' | 'truth' | (string & {});

export interface EvalCommandArgs {
  space: string;
  /** Default 'annotated'. Anything else is a file path. */
  positives?: PositivesChoice;
  /** Verified: only ECCV answer 1 counts. */
  strict?: boolean;
  ks?: number[];
  ties?: TieMode;
  /**
   * Evaluate inside one split: 'all' for every item; default the test split when there is one. On a
   * dataset without a train split, test/val/train are the split policy's derived roles by image.
   */
  split?: string;
}

export interface EvalCommandOutput {
  /** The evaluated space, with its human name. */
  space?: { id: string; name: string };
  /** The split the galleries were drawn from ('all': every item). */
  split: string;
  /** The split in words, saying when it is derived: "test (derived 80/10/10 by image, seed 0: 20 images; …)". */
  splitDescription: string;
  /** The split policy's derived split (the dataset has no train split), not the dataset's own labels. */
  splitDerived: boolean;
  i2t: ScoreFileMetrics;
  t2i: ScoreFileMetrics;
  /** With --positives verified: the pairs each kind of label added or removed (label model). */
  verified?: VerifiedCounts;
}

/**
 * The seed of the split policy that evaluation follows: the built-in encoder's (datasets/split_policy.ts,
 * encoders/baseline), which is also every head's default.
 */
export const EVAL_SPLIT_SEED = 0;

const DERIVED_ORDER = [
  ['test', ROLE_TEST],
  ['val', ROLE_VAL],
  ['train', ROLE_TRAIN],
] as const;

const evalPolicies = new WeakMap<object, SplitPolicy>();

/**
 * The split policy evaluation follows, computed once per dataset (an open dataset's images do not
 * change; a table, its default split, its description and its subset all read it).
 */
function evalPolicy(ds: Pick<Dataset, 'images'>): SplitPolicy {
  let p = evalPolicies.get(ds.images);
  if (!p) evalPolicies.set(ds.images, (p = splitPolicy(ds, EVAL_SPLIT_SEED)));
  return p;
}

/** The derived roles when the dataset has no train split (the split policy's 80/10/10 by image), else null. */
function derivedRoles(ds: Pick<Dataset, 'images'>): Int8Array | null {
  const p = evalPolicy(ds);
  return p.source === 'derived' ? p.roles : null;
}

/**
 * Evaluation defaults to the held-out test split; every result names it. On a dataset with a train
 * split that is its own test split (or every item when it has none); without a train split it is
 * the split policy's derived test images, the ones the built-in encoder and the heads held out; with
 * too few images to hold any out (the policy trains on everything) it is every item.
 */
export function defaultEvalSplit(ds: Dataset): string {
  const p = evalPolicy(ds);
  if (p.source === 'derived') return 'test';
  if (p.source === 'all') return 'all';
  return ds.captions.some((c) => c.split === 'test') && ds.images.some((im) => im.split === 'test') ? 'test' : 'all';
}

export interface EvalSplitInfo {
  name: string;
  images: number;
  captions: number;
  /** The split policy's derived split (the dataset has no train split), not the dataset's own labels. */
  derived?: boolean;
}

/**
 * The splits a table can be evaluated on (images and captions in each), held-out ones first, then
 * 'all'. Without a train split: the derived test, val and train splits by image.
 */
export function evalSplits(ds: Dataset): EvalSplitInfo[] {
  const all = { name: 'all', images: ds.images.length, captions: ds.captions.length };
  const roles = derivedRoles(ds);
  if (roles) {
    return [
      ...DERIVED_ORDER.map(([name, role]) => ({ name, images: roles.filter((r) => r === role).length, captions: ds.captions.filter((c) => roles[c.imageIndex] === role).length, derived: true })).filter((x) => x.images > 0 && x.captions > 0),
      all,
    ];
  }
  const count = new Map<string, { images: number; captions: number }>();
  for (const im of ds.images) if (im.split) count.set(im.split, { images: (count.get(im.split)?.images ?? 0) + 1, captions: count.get(im.split)?.captions ?? 0 });
  for (const c of ds.captions) if (c.split && count.has(c.split)) count.get(c.split)!.captions++;
  const order = ['test', 'val', 'dev', 'train'];
  const named = [...count.entries()].filter(([, n]) => n.images > 0 && n.captions > 0).sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  return [...named.map(([name, n]) => ({ name, ...n })), all];
}

/** Whether `split` is evaluated as the split policy's derived split (the dataset has no train split). */
export function isDerivedSplit(ds: Pick<Dataset, 'images'>, split: string): boolean {
  return split !== 'all' && DERIVED_ORDER.some(([name]) => name === split) && derivedRoles(ds) != null;
}

/**
 * The split in words, as every result names it: "test", "all items", or on a dataset without a
 * train split "test (derived 80/10/10 by image, seed 0: 20 images)".
 */
export function describeEvalSplit(ds: Dataset, split: string): string {
  const p = evalPolicy(ds);
  if (split === 'all') {
    if (p.source === 'derived') return `all items (the dataset has no train split; the built-in encoder trained on the ${roleCounts(p.roles).train} derived train images among them)`;
    if (p.source === 'all') return `all items (no train split and only ${ds.images.length} images: the built-in encoder trained on every item)`;
    return 'all items';
  }
  if (!isDerivedSplit(ds, split)) return split;
  return `${split} (derived 80/10/10 by image, seed ${EVAL_SPLIT_SEED}: ${splitSubset(ds, split).images.length} images; the dataset has no train split)`;
}

function strip(r: MetricsResult): ScoreFileMetrics {
  return { recall_at: r.recall_at, r_precision: r.r_precision, map_at_r: r.map_at_r, pmrp: r.pmrp, queries: { evaluated: r.queries.evaluated, skipped_empty: r.queries.skipped_empty } };
}

/** The positive images per caption for a choice. */
export function positivesFor(ds: Dataset, reviews: ReviewStore | null, choice: PositivesChoice, strict = false): Int32Array[] {
  const annotated = annotatedOf(ds);
  if (choice === 'annotated') return annotatedPositives(annotated);
  if (choice === 'verified') {
    if (reviews) return projectVerified(ds, reviews, { strict }).t2i;
    return verifiedPositives({ nImages: ds.images.length, annotated, datasetPositives: ds.positives }, { strict }).t2i;
  }
  if (choice === 'truth') {
    if (!ds.truth) throw new Error(`${ds.root}: the dataset has no truth.jsonl, so --positives truth is not available`);
    return ds.truth;
  }
  const imported = importPositivesFile(choice, ds);
  return verifiedPositives({ nImages: ds.images.length, annotated, extra: imported.pairs.map(([image, caption, label]) => ({ source: choice, image, caption, label })) }, { strict, dropInvalid: false }).t2i;
}

export interface EvalSubset {
  images: Int32Array;
  captions: Int32Array;
}

/** The images and captions of one split; on a dataset without a train split test/val/train are the derived roles. */
export function splitSubset(ds: Dataset, split: string): EvalSubset {
  const roles = derivedRoles(ds);
  const role = DERIVED_ORDER.find(([name]) => name === split)?.[1];
  if (roles && role !== undefined) {
    const images = ds.images.flatMap((_, i) => (roles[i] === role ? [i] : []));
    const captions = ds.captions.flatMap((c, k) => (roles[c.imageIndex] === role ? [k] : []));
    if (!images.length || !captions.length) throw new Error(`the derived ${split} split (the dataset has no train split) has ${images.length} images and ${captions.length} captions`);
    return { images: Int32Array.from(images), captions: Int32Array.from(captions) };
  }
  const images = ds.images.flatMap((im, i) => (im.split === split ? [i] : []));
  const captions = ds.captions.flatMap((c, k) => (c.split === split ? [k] : []));
  if (!images.length || !captions.length) {
    const names = roles ? DERIVED_ORDER.map(([name]) => `${name} (derived)`) : [...new Set(ds.captions.map((c) => c.split).filter((s) => s != null))];
    throw new Error(`split "${split}" has ${images.length} images and ${captions.length} captions (splits: ${names.join(', ') || 'none'}, all)`);
  }
  return { images: Int32Array.from(images), captions: Int32Array.from(captions) };
}

interface PreparedEval {
  image: Float32Array;
  text: Float32Array;
  dims: number;
  positives: ArrayLike<number>[];
  opts: SpaceOptions;
  droppedOutside: number;
}

/** Below this many multiply-adds (about a second on one thread) worker start-up is not worth it. */
const PARALLEL_MIN_FMA = 1e10;

/** Evaluates a space (optionally on a subset) against per-caption positive images. */
export function evaluateMiningSpace(space: MiningSpaceInput, t2i: readonly ArrayLike<number>[], opts: { ks?: number[]; ties?: TieMode; subset?: EvalSubset } = {}): SpaceResult & { droppedOutside: number } {
  const p = prepareEval(space, t2i, opts);
  return { ...evaluateSpace(p.image, p.text, p.dims, p.positives, p.opts), droppedOutside: p.droppedOutside };
}

/** evaluateMiningSpace on worker threads for large spaces (same results, bit for bit). */
export async function evaluateMiningSpaceAsync(space: MiningSpaceInput, t2i: readonly ArrayLike<number>[], opts: { ks?: number[]; ties?: TieMode; subset?: EvalSubset; threads?: number } = {}): Promise<SpaceResult & { droppedOutside: number }> {
  const p = prepareEval(space, t2i, opts);
  const fma = (p.image.length / p.dims) * p.text.length;
  const threads = opts.threads ?? (fma < PARALLEL_MIN_FMA ? 1 : undefined);
  return { ...(await evaluateSpaceParallel(p.image, p.text, p.dims, p.positives, { ...p.opts, threads })), droppedOutside: p.droppedOutside };
}

function prepareEval(space: MiningSpaceInput, t2i: readonly ArrayLike<number>[], opts: { ks?: number[]; ties?: TieMode; subset?: EvalSubset }): PreparedEval {
  const { dims } = space;
  let image = space.image;
  let text = space.text;
  let imageLogVar = space.imageLogvar ?? undefined;
  let textLogVar = space.textLogvar ?? undefined;
  let positives: ArrayLike<number>[] = t2i as ArrayLike<number>[];
  let droppedOutside = 0;
  const sub = opts.subset;
  if (sub) {
    const rows = (src: Float32Array, idx: Int32Array, width: number): Float32Array => {
      const out = new Float32Array(idx.length * width);
      idx.forEach((g, l) => out.set(src.subarray(g * width, (g + 1) * width), l * width));
      return out;
    };
    const lvWidth = (lv: Float32Array | undefined, n: number): number => (lv && lv.length === n ? 1 : dims);
    const nI = image.length / dims;
    const nT = text.length / dims;
    if (imageLogVar) imageLogVar = rows(imageLogVar, sub.images, lvWidth(imageLogVar, nI));
    if (textLogVar) textLogVar = rows(textLogVar, sub.captions, lvWidth(textLogVar, nT));
    image = rows(image, sub.images, dims);
    text = rows(text, sub.captions, dims);
    const local = new Map<number, number>();
    sub.images.forEach((g, l) => local.set(g, l));
    positives = Array.from(sub.captions, (c) => {
      const out: number[] = [];
      const list = t2i[c] ?? [];
      for (let k = 0; k < list.length; k++) {
        const l = local.get(list[k]);
        if (l === undefined) droppedOutside++;
        else out.push(l);
      }
      return out;
    });
  }
  const similarity = space.similarity ?? (imageLogVar && textLogVar ? 'csd' : 'cosine');
  return { image, text, dims, positives, opts: { ks: opts.ks, ties: opts.ties, similarity, imageLogVar, textLogVar }, droppedOutside };
}

export async function evaluateProject(project: EvalProject, args: EvalCommandArgs): Promise<EvalCommandOutput> {
  const { ds } = project;
  const verified = args.positives === 'verified' ? projectVerified(ds, project.reviews, { strict: args.strict }) : null;
  const t2i = verified ? verified.t2i : positivesFor(ds, project.reviews, args.positives ?? 'annotated', args.strict);
  const split = args.split ?? defaultEvalSplit(ds);
  const named = { split, splitDescription: describeEvalSplit(ds, split), splitDerived: isDerivedSplit(ds, split) };
  const st = ds.streamed;
  if (st && !ds.embeddings && args.space === 'dataset') {
    // The folder's embeddings are over the memory budget: read by block (equal to the in-memory result).
    const sub = split !== 'all' ? splitSubset(ds, split) : undefined;
    const image = sub ? new SubsetRows(st.image, sub.images) : st.image;
    const text = sub ? new SubsetRows(st.text, sub.captions) : st.text;
    const local = sub ? new Map(Array.from(sub.images, (g, l) => [g, l] as const)) : null;
    const positives = sub ? Array.from(sub.captions, (c) => Array.from(t2i[c] ?? [], (g) => local!.get(g) ?? -1).filter((l) => l >= 0)) : t2i;
    const r = evaluateStreamed(image, text, positives, { ks: args.ks, ties: args.ties, budgetBytes: st.budgetBytes });
    return { space: { id: 'dataset', name: `${st.source} (on disk, read by block)` }, ...named, i2t: strip(r.i2t), t2i: strip(r.t2i), ...(verified ? { verified: verifiedCounts(verified.counts) } : {}) };
  }
  const space = project.space(args.space);
  const r = await evaluateMiningSpaceAsync(space, t2i, { ks: args.ks, ties: args.ties, subset: split !== 'all' ? splitSubset(ds, split) : undefined });
  const name = project.listSpaces().find((s) => s.id === space.id)?.name ?? space.id;
  return { space: { id: space.id, name }, ...named, i2t: strip(r.i2t), t2i: strip(r.t2i), ...(verified ? { verified: verifiedCounts(verified.counts) } : {}) };
}

/** Kendall τ-b between two score lists over the same items. */
export function kendallTau(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let concordant = 0;
  let discordant = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[i] - a[j]);
      const db = Math.sign(b[i] - b[j]);
      if (da === 0 && db === 0) continue;
      if (da === 0) tiesA++;
      else if (db === 0) tiesB++;
      else if (da === db) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesA) * (concordant + discordant + tiesB));
  return denom ? (concordant - discordant) / denom : NaN;
}

export interface MetricsTableRow {
  space: string;
  positives: string;
  i2t: ScoreFileMetrics;
  t2i: ScoreFileMetrics;
  /** Positives dropped because they lie outside the evaluated split. */
  droppedOutside: number;
}

export interface MetricsTable {
  rows: MetricsTableRow[];
  /** Per positive set: Kendall τ between the spaces' order under mean R@1 and under mean mAP@R (null with < 2 spaces). */
  rankCorrelation: Record<string, number | null>;
}

type MetricsTableOptions = { positives?: PositivesChoice[]; strict?: boolean; ks?: number[]; ties?: TieMode; split?: string };

/**
 * The metrics panel: every space against every positive set ('annotated', 'verified', and 'truth'
 * when the dataset has one). Recompute after reviews arrive.
 */
export function metricsTable(ds: Dataset, reviews: ReviewStore | null, spaces: readonly MiningSpaceInput[], opts: MetricsTableOptions = {}): MetricsTable {
  const { choices, evals } = metricsTableEvals(ds, reviews, spaces, opts);
  return tableOf(choices, evals.map((e) => ({ ...e, r: evaluateMiningSpace(e.space, e.t2i, e.opts) })), spaces.length);
}

/** metricsTable with large spaces evaluated on worker threads (evaluateMiningSpaceAsync); same table. */
export async function metricsTableAsync(ds: Dataset, reviews: ReviewStore | null, spaces: readonly MiningSpaceInput[], opts: MetricsTableOptions = {}): Promise<MetricsTable> {
  const { choices, evals } = metricsTableEvals(ds, reviews, spaces, opts);
  const done = [];
  for (const e of evals) done.push({ ...e, r: await evaluateMiningSpaceAsync(e.space, e.t2i, e.opts) });
  return tableOf(choices, done, spaces.length);
}

interface TableEval {
  choice: string;
  space: MiningSpaceInput;
  t2i: Int32Array[];
  opts: { ks: number[]; ties?: TieMode; subset?: EvalSubset };
}

function metricsTableEvals(ds: Dataset, reviews: ReviewStore | null, spaces: readonly MiningSpaceInput[], opts: MetricsTableOptions): { choices: string[]; evals: TableEval[] } {
  const choices = opts.positives ?? ['annotated', 'verified', ...(ds.truth ? ['truth'] : [])];
  const subset = opts.split && opts.split !== 'all' ? splitSubset(ds, opts.split) : undefined;
  const ks = opts.ks ? [...new Set([1, ...opts.ks])].sort((x, y) => x - y) : [1, 5, 10];
  const out: TableEval[] = [];
  for (const choice of choices) {
    const t2i = positivesFor(ds, reviews, choice, opts.strict);
    for (const space of spaces) out.push({ choice, space, t2i, opts: { ks, ties: opts.ties, subset } });
  }
  return { choices, evals: out };
}

function tableOf(choices: readonly string[], evals: (TableEval & { r: SpaceResult & { droppedOutside: number } })[], nSpaces: number): MetricsTable {
  const rows: MetricsTableRow[] = [];
  const rankCorrelation: Record<string, number | null> = {};
  const byChoice = new Map<string, { r1: number[]; map: number[] }>(choices.map((c) => [c, { r1: [], map: [] }]));
  for (const { choice, space, r } of evals) {
    rows.push({ space: space.id, positives: choice, i2t: strip(r.i2t), t2i: strip(r.t2i), droppedOutside: r.droppedOutside });
    const c = byChoice.get(choice)!;
    c.r1.push((r.i2t.recall_at['1'] + r.t2i.recall_at['1']) / 2);
    c.map.push((r.i2t.map_at_r + r.t2i.map_at_r) / 2);
  }
  for (const [choice, c] of byChoice) rankCorrelation[choice] = nSpaces >= 2 ? kendallTau(c.r1, c.map) : null;
  return { rows, rankCorrelation };
}
