// Training a head on a space of an open Project (`mlens train`, heads.train): trains, saves the
// head (with provenance) and the space(s) it produces, and returns the new space's record with the
// validation/test metrics and, where the dataset has truth and the space is probabilistic, the
// Spearman correlation of caption total variance with true multiplicity (key `spearman`).
import type { Dataset } from '../datasets/dataset.js';
import type { ProjectStore } from '../store/project_store.js';
import type { HeadStore } from './save.js';
import type { Space, SpaceRecord } from '../spaces/space.js';
import { spaceId, type SpaceStore } from '../spaces/space_store.js';
import { encodeSpace } from '../encoders/encode_job.js';
import { appVersion } from '../io/app_version.js';
import type { ProgressFn } from '../jobs/job.js';
import { conditionsFromKeywords, condSpec, keywordConditionPositives, sampleConditions, type ConditionSemantics, type KeywordRule } from './cond.js';
import { csrFromLists, csrUnion } from './csr.js';
import { totalVariance } from './csd.js';
import { annotatedPositives, buildTrainInput, ROLE_TEST, ROLE_VAL, type ConditionPositives } from './data.js';
import type { CondMode, LossKind } from './config.js';
import { readLabels, type PairLabel } from '../labels/label_model.js';
import { extraPositives, multiposSpec, type ExtraSource } from './multipos.js';
import { PCME_INCLUSION, pcmeSpec } from './pcme.js';
import type { HeadMeta } from './save.js';
import { spearman } from '../compute/stats.js';
import { datasetVarianceDiagnostics, type VarianceDiagnostics } from './variance_diagnostics.js';
import { runTrainJob, type TrainJobResult } from './train_job.js';
import { evaluateArrays, type EpochReport, type EvalScores, type HeadSpec } from './train.js';
import { DEFAULT_RESIDUAL, fitResidualVariance, type ResidualParams, type ResidualResult } from './residual.js';
import { packWeights } from './save.js';
import { splitPolicy, type SplitPolicy } from '../datasets/split_policy.js';
import { ASPECT_SOURCE_LABEL, aspectCoverage, LEXICON_RULES, type AspectSource } from './aspect_lexicon.js';
import { ASPECTS_FILE, readAspectsFile } from './aspects_file.js';
import { aspectComparison, type AspectComparison } from './cond_report.js';

export type HeadChoice = 'pcme' | 'cond' | 'multipos' | 'residual';
export const HEAD_CHOICES: readonly HeadChoice[] = ['pcme', 'cond', 'multipos', 'residual'];

export interface TrainCommandArgs {
  /** Parent space id, or 'dataset' for the folder's embeddings/*.npy. */
  space: string;
  head: HeadChoice;
  /** Conditional head: the condition whose space is returned (default the first). */
  condition?: string;
  epochs?: number;
  /** Multi-positive: where extra positives come from (default 'auto': flags ∪ positives.jsonl). */
  positives?: ExtraSource;
  /** Multi-positive: retrain this saved head (else a fresh head of `base`). */
  from?: string;
  base?: 'align' | 'pcme' | 'cond';
  loss?: LossKind;
  condMode?: CondMode;
  /** Conditional heads: also train the unconditioned control (mode 'none') on the same split. */
  control?: boolean;
  /** Sample datasets: how a caption is valid under a condition (default 'project' when scenes.jsonl exists). */
  semantics?: ConditionSemantics;
  /** Keyword rules for conditions on real data (default: aspects.jsonl when present, else LEXICON_RULES). */
  rules?: KeywordRule[];
  seed?: number;
  /**
   * PCME++ head: weight of ProLIP's inclusion loss, each image inside its annotated caption
   * (heads/inclusion.ts); 0 or absent = off. The variances carry it late in training, so the last
   * epoch's weights are kept (both best and last are reported).
   */
  inclusion?: number;
  /** Sharpness k of the inclusion loss (default HeadConfig's); tuning runs. */
  inclusionScale?: number;
  /** Which weights an inclusion run keeps (default 'last'); tuning runs. */
  inclusionKeep?: 'best' | 'last';
  /** Residual-variance head: other settings than DEFAULT_RESIDUAL (strengths, partners' weights, folds; tuning runs). */
  residual?: Partial<Omit<ResidualParams, 'seed'>>;
  batchSize?: number;
  /** Tensor backend for the run (default: the process's choice). */
  backend?: string;
  /** Train on this thread instead of a worker (tests; the worker needs the built bundle). */
  inProcess?: boolean;
  onProgress?: ProgressFn;
  onEpoch?: (r: EpochReport) => void;
  signal?: AbortSignal;
  shouldStop?: () => boolean;
}

export interface TrainCommandMetrics {
  val: EvalScores;
  test: EvalScores | null;
  /** Validation scores of the untrained head (the frozen features' starting point). */
  initial: EvalScores;
  /** Validation scores of the last epoch trained (`val` is those of the weights kept). */
  last: EvalScores;
  bestEpoch: number;
  kept: 'best' | 'last';
  stopped: 'epochs' | 'early' | 'user';
  epochs: Array<{ epoch: number; loss: number; rPrecision: number; mapAtR: number; seconds: number }>;
  seconds: number;
  backend: string;
  /** Whether the scores are against the complete truth (truth.jsonl) or the annotated/extra positives. */
  againstTruth: boolean;
}

export type TrainCommandResult = SpaceRecord & {
  head: string;
  /** Spearman(caption Σσ², true multiplicity) over held-out captions (validation + test images), else all. */
  spearman?: number;
  spearmanScope?: 'held-out' | 'all';
  spearmanCaptions?: number;
  /** The same over every caption, and per split. */
  spearmanAll?: number;
  spearmanBySplit?: Record<string, number>;
  /** Probabilistic heads: what caption and image Σσ² follow (multiplicity, nearest partner, known positives). */
  varianceDiagnostics?: VarianceDiagnostics;
  metrics: TrainCommandMetrics;
  /** Conditional heads: every condition's space. */
  conditions?: Array<{ condition: string; id: string }>;
  extraPositives?: { source: ExtraSource; pairs: number };
  /** Conditional heads with `control`: the same head without the condition, trained on the same split. */
  control?: { mode: 'none'; val: EvalScores; test: EvalScores | null };
  /** Conditional heads: per aspect and direction, cond vs control under the restricted gallery (the rule is named). */
  aspectComparison?: AspectComparison;
  /** Conditional heads on data without the sample's aspects: the share of captions each aspect tags. */
  conditionCoverage?: ConditionCoverage;
  /** Where the train/val/test roles came from (datasets/split_policy.ts), and what to tell the user. */
  splits: { source: SplitPolicy['source']; note: string | null };
  /** Residual-variance head: the train pairs of its fits and their mean cross-fitted squared residual per direction. */
  residual?: { pairs: number; trainImages: number; meanResidual: { caption: number; image: number }; partners: ResidualResult['partners']; coverage: ResidualResult['coverage'] };
};

export interface ConditionCoverage {
  /** Where the aspects came from, as ASPECT_SOURCE_LABEL names it: the sample's own aspects, aspects.jsonl, the aspect lexicon or keyword rules. */
  source: string;
  share: Record<string, number>;
  /** Low-coverage aspects and skipped aspects.jsonl lines, as sentences. */
  warnings: string[];
}

export const DATASET_SPACE = 'dataset';

/**
 * The parent space: a stored space by id, or 'dataset' for the folder's embeddings/*.npy (made or
 * found through the encoders' 'dataset' encoder, so its id is the one `mlens encode --encoder
 * dataset` prints).
 */
export async function resolveSpace(store: SpaceStore, ds: Dataset, id: string, projectDirectory: string): Promise<Space> {
  let key = id;
  if (id === DATASET_SPACE && !store.has(id)) {
    if (!ds.embeddings) throw new Error(`${ds.root} has no embeddings/image.npy and text.npy: encode a space first (mlens encode) and pass its id`);
    const r = await encodeSpace({ dataset: ds, encoderSpec: 'dataset', projectDir: projectDirectory, inProcess: true });
    key = r.record.id;
  }
  if (!store.has(key)) {
    const known = store.list().map((s) => s.id);
    throw new Error(`no space with id ${id} (spaces: ${[...known, ...(ds.embeddings ? [DATASET_SPACE] : [])].join(', ') || 'none'})`);
  }
  const s = store.load(key);
  if (s.record.nImages !== ds.images.length || s.record.nCaptions !== ds.captions.length) {
    throw new Error(`space ${key} has ${s.record.nImages} images and ${s.record.nCaptions} captions; the dataset has ${ds.images.length} and ${ds.captions.length}`);
  }
  return s;
}

/** Conditions: the sample's own aspects; else the dataset's aspects.jsonl; else the keyword lexicon. */
async function conditionsFor(
  ds: Dataset,
  args: TrainCommandArgs,
  extra: ReturnType<typeof extraPositives> | null,
): Promise<{ conditions: ConditionPositives; coverage: ConditionCoverage | null }> {
  const sample = sampleConditions(ds, { semantics: args.semantics });
  if (sample) return { conditions: sample, coverage: sampleCoverage(ds, sample) };
  const base = ds.truth ? csrFromLists(ds.truth, ds.captions.length) : annotatedPositives(ds);
  const file = args.rules ? null : await readAspectsFile(ds);
  const all = file ? file.conditions : conditionsFromKeywords(args.rules ?? LEXICON_RULES, ds.captions);
  const kind: AspectSource = file ? 'aspects.jsonl' : args.rules ? 'rules' : 'lexicon';
  const source = ASPECT_SOURCE_LABEL[kind];
  // An aspect that tags no caption has no positives to train or judge: it is left out (and said so),
  // so that it is neither trained nor the condition the result opens on.
  const keep = all.names.map((_, k) => k).filter((k) => all.counts[k] > 0);
  if (!keep.length) throw new Error(`${source} tags no caption with any aspect${file ? '' : `; supply ${ASPECTS_FILE} (caption → aspect → value) for this vocabulary`}`);
  const kc = { names: keep.map((k) => all.names[k]), tags: keep.map((k) => all.tags[k]), counts: keep.map((k) => all.counts[k]) };
  const cov = aspectCoverage(all.names, all.counts, ds.captions.length, kind);
  const left = all.names.filter((_, k) => all.counts[k] === 0);
  const problems = (file?.problems ?? []).slice(0, 20).map((p) => `${ASPECTS_FILE}:${p.line}: ${p.message}; line skipped`);
  const conditions = keywordConditionPositives(kc, extra ? csrUnion(base, extra.csr) : base);
  conditions.source = file ? 'aspects.jsonl' : 'keywords';
  return { conditions, coverage: { source, share: cov.share, warnings: [...problems, ...cov.warnings, ...leftOutWarning(left)] } };
}

function leftOutWarning(left: readonly string[]): string[] {
  return left.length ? [`left out, no caption tagged: ${left.join(', ')} (no condition space is trained for ${left.length === 1 ? 'it' : 'them'})`] : [];
}

/**
 * Coverage of the sample's own aspects: the share of captions whose atoms speak of each aspect, the
 * low-coverage warning, and the aspects left out (no caption, or no positive under the semantics).
 */
function sampleCoverage(ds: Dataset, sample: ConditionPositives): ConditionCoverage | null {
  if (!sample.tagged) return null;
  const { aspects, counts } = sample.tagged;
  const cov = aspectCoverage(aspects, counts, ds.captions.length, 'sample');
  const left = aspects.filter((a) => !sample.names.includes(a));
  return { source: ASPECT_SOURCE_LABEL.sample, share: cov.share, warnings: [...cov.warnings, ...leftOutWarning(left)] };
}

function summary(r: TrainJobResult, againstTruth: boolean): TrainCommandMetrics {
  return {
    val: r.val,
    test: r.test,
    initial: r.result.initial,
    last: r.result.last,
    bestEpoch: r.result.bestEpoch,
    kept: r.result.kept,
    stopped: r.result.stopped,
    epochs: r.result.curves.map((e) => ({ epoch: e.epoch, loss: e.loss, rPrecision: e.val.rPrecision, mapAtR: e.val.mapAtR, seconds: e.seconds })),
    seconds: r.result.seconds,
    backend: r.backend,
    againstTruth,
  };
}

export interface VarianceMultiplicity {
  /** Over every caption. */
  all: number;
  /** Per split of the caption's image. */
  bySplit: Record<string, number>;
  /** Over the captions of held-out images (validation and test roles), or null when there are none. */
  heldOut: number | null;
  heldOutCaptions: number;
}

/**
 * Spearman of caption Σσ² with |truth| over all captions, per split, and over held-out captions
 * (`roles`: image roles of the training input; captions of ROLE_VAL / ROLE_TEST images).
 */
export function varianceMultiplicity(ds: Pick<Dataset, 'truth' | 'captions' | 'images'>, textLogvar: Float32Array, dims: number, roles?: ArrayLike<number>): VarianceMultiplicity | null {
  if (!ds.truth) return null;
  const T = totalVariance(textLogvar, ds.captions.length, dims);
  const m = ds.truth.map((t) => t.length);
  const bySplit: Record<string, number> = {};
  const groups = new Map<string, number[]>();
  const held: number[] = [];
  ds.captions.forEach((c, j) => {
    const s = ds.images[c.imageIndex]?.split ?? c.split ?? 'none';
    if (!groups.has(s)) groups.set(s, []);
    groups.get(s)!.push(j);
    const role = roles?.[c.imageIndex];
    if (role === ROLE_VAL || role === ROLE_TEST) held.push(j);
  });
  for (const [s, idx] of groups) if (idx.length > 2) bySplit[s] = spearman(idx.map((j) => T[j]), idx.map((j) => m[j]));
  const heldOut = held.length > 2 ? spearman(held.map((j) => T[j]), held.map((j) => m[j])) : null;
  return { all: spearman(T, m), bySplit, heldOut, heldOutCaptions: held.length };
}

/** What training reads from an open project (core/project's Project is one). */
export interface TrainProject {
  readonly ds: Dataset;
  readonly dir: string;
  readonly spaces: SpaceStore;
  readonly heads: HeadStore;
  readonly store: ProjectStore;
}

/** Trains a head on `args.space` of the open project; the arrays come from the project, not a reopen. */
export async function trainProject(project: TrainProject, args: TrainCommandArgs): Promise<TrainCommandResult> {
  const started = new Date();
  if (!HEAD_CHOICES.includes(args.head)) throw new Error(`--head must be one of ${HEAD_CHOICES.join(', ')} (got ${String(args.head)})`);
  if (args.epochs != null && !(Number.isInteger(args.epochs) && args.epochs >= 1)) throw new Error(`--epochs must be a positive integer (got ${args.epochs})`);
  if (args.inclusion && args.head !== 'pcme') throw new Error('--inclusion applies to --head pcme only');
  const { ds, dir: pdir, spaces, heads } = project;
  const parent = await resolveSpace(spaces, ds, args.space, pdir);
  if (args.head === 'residual') return trainResidual(project, parent, args, started);
  const dims = parent.record.dims;
  const train = { ...(args.epochs ? { epochs: args.epochs } : {}), ...(args.seed != null ? { seed: args.seed } : {}), ...(args.batchSize ? { batchSize: args.batchSize } : {}) };

  let extra: ReturnType<typeof extraPositives> | null = null;
  let spec: HeadSpec;
  let initFrom: string | null = null;
  if (args.head === 'multipos') {
    let labels: PairLabel[] = [];
    const source = args.positives ?? 'auto';
    if (source === 'flags' || source === 'auto') {
      labels = readLabels(project.store.db);
    }
    extra = extraPositives(ds, source, labels);
    if (extra.pairs === 0) {
      throw new Error(`no extra positives from ${source}: flag pairs as false negatives in the app, add positives.jsonl, or use --positives truth on a dataset with truth.jsonl`);
    }
    let init;
    if (args.from) {
      const loaded = heads.meta(args.from);
      if (loaded.provenance.parent !== parent.record.id) throw new Error(`head ${args.from} was trained on space ${loaded.provenance.parent}, not ${parent.record.id}`);
      init = { config: loaded.config, weights: heads.weights(args.from) };
      initFrom = args.from;
    }
    spec = multiposSpec(dims, { base: args.base, loss: args.loss, init, train });
  } else if (args.head === 'cond') {
    spec = condSpec(dims, { mode: args.condMode, train });
  } else {
    const w = args.inclusion ?? 0;
    if (!(Number.isFinite(w) && w >= 0)) throw new Error(`--inclusion must be a non-negative number (got ${args.inclusion})`);
    spec = w > 0 ? pcmeSpec(dims, { config: { inclusionImage: w, inclusionScale: args.inclusionScale ?? PCME_INCLUSION.scale }, train: { ...train, keep: args.inclusionKeep ?? 'last' } }) : pcmeSpec(dims, { train });
  }
  const needsConditions = spec.head === 'cond';
  const conditionInfo = needsConditions ? await conditionsFor(ds, args, extra) : null;
  const conditions = conditionInfo?.conditions ?? null;
  if (conditions && args.condition && !conditions.names.includes(args.condition)) {
    throw new Error(`--condition ${args.condition} is not one of ${conditions.names.join(', ')}`);
  }
  const input = buildTrainInput(ds, { image: parent.image, text: parent.text, dims, extraPositives: extra?.csr ?? null, conditions, seed: args.seed ?? 0 });
  const againstTruth = input.evalIsTruth;
  // The worker takes the input's buffers (transferred), so keep what is needed afterwards: the
  // control's conditions too (the input shares the condition positives' arrays; once transferred
  // they are detached and a second transfer of them never reaches the worker).
  const imageRoles = Int8Array.from(input.imageRole);
  const controlConditions = conditions && args.control ? structuredClone(conditions) : null;

  const r = await runTrainJob(
    { input, spec, backend: args.backend },
    { onProgress: args.onProgress, onEpoch: args.onEpoch, signal: args.signal, shouldStop: args.shouldStop },
    { inProcess: args.inProcess },
  );

  const encoder = args.head === 'multipos' ? 'multipos' : args.head === 'pcme' ? 'pcme' : 'cond';
  const inclusionNote = args.head === 'pcme' && args.inclusion ? ` + inclusion ${args.inclusion}` : '';
  const trainParams = { ...spec.train } as HeadMeta['provenance']['train'];
  const meta = heads.save(
    {
      name: `${encoder}${inclusionNote}${conditions ? ` (${conditions.names.join(', ')})` : ''} on ${parent.record.name}`,
      config: r.config,
      provenance: {
        parent: parent.record.id,
        datasetHash: ds.hash,
        positives: spec.positives,
        extraSource: extra?.source ?? null,
        extraPairs: extra?.pairs ?? 0,
        initFrom,
        train: trainParams,
        appVersion: appVersion(),
        createdAt: started.toISOString(),
      },
      result: r.result,
      val: r.val,
      test: r.test,
      match: r.match,
      spaces: [],
    },
    r.weights,
  );

  const records: Array<{ condition: string | null; record: SpaceRecord }> = [];
  for (const img of r.images) {
    const enc = img.condition ? `${encoder}:${img.condition}` : encoder;
    const params = { head: meta.id, config: r.config, train: trainParams, positives: spec.positives, extra: extra ? { source: extra.source, pairs: extra.pairs } : null };
    const rec: SpaceRecord = {
      id: spaceId({ datasetHash: ds.hash, encoder: enc, weightsHash: meta.weightsHash, params, parent: parent.record.id, condition: img.condition }),
      name: `${img.condition ? `${img.condition} · ` : ''}${meta.name}`,
      encoder: enc,
      weightsHash: meta.weightsHash,
      dims: r.config.dims,
      nImages: ds.images.length,
      nCaptions: ds.captions.length,
      probabilistic: !!(img.logvar && r.text.logvar),
      normalized: true,
      parent: parent.record.id,
      condition: img.condition,
      run: {
        appVersion: appVersion(),
        datasetHash: ds.hash,
        encoder: enc,
        weightsHash: meta.weightsHash,
        params,
        seed: trainParams.seed ?? 0,
        backend: r.backend,
        startedAt: started.toISOString(),
        seconds: r.result.seconds,
      },
    };
    records.push({ condition: img.condition, record: spaces.save(rec, { image: img.mean, text: r.text.mean, imageLogvar: img.logvar, textLogvar: r.text.logvar }) });
  }
  meta.spaces = records.map((x) => ({ id: x.record.id, condition: x.condition }));
  heads.update(meta);

  const chosen = (args.condition ? records.find((x) => x.condition === args.condition) : records[0])!;
  const policy = splitPolicy(ds, args.seed ?? 0);
  const out: TrainCommandResult = { ...chosen.record, head: meta.id, metrics: summary(r, againstTruth), splits: { source: policy.source, note: policy.note } };
  if (r.text.logvar) {
    const img = r.images[0];
    Object.assign(out, varianceReport(ds, { dims: r.config.dims, image: img?.mean ?? null, text: r.text.mean, imageLogvar: img?.logvar ?? null, textLogvar: r.text.logvar }, imageRoles, extra?.csr ?? extraPositives(ds, 'file', []).csr, args.seed ?? 0));
  }
  if (conditions && records.length > 1) out.conditions = records.map((x) => ({ condition: x.condition!, id: x.record.id }));
  if (extra) out.extraPositives = { source: extra.source, pairs: extra.pairs };
  if (conditionInfo?.coverage) out.conditionCoverage = conditionInfo.coverage;
  if (args.head === 'cond' && args.control && (args.condMode ?? 'film') !== 'none') {
    // The control sees the same features, positives, conditions and split roles; only γ ≡ 1, β ≡ 0.
    const controlInput = buildTrainInput(ds, { image: parent.image, text: parent.text, dims, extraPositives: null, conditions: controlConditions, seed: args.seed ?? 0 });
    const c = await runTrainJob(
      { input: controlInput, spec: condSpec(dims, { mode: 'none', train }), backend: args.backend },
      { onProgress: args.onProgress ? (p) => args.onProgress!({ ...p, phase: `control: ${p.phase}` }) : undefined, signal: args.signal },
      { inProcess: args.inProcess },
    );
    out.control = { mode: 'none', val: c.val, test: c.test };
  }
  if (args.head === 'cond') out.aspectComparison = aspectComparison({ val: r.val, test: r.test }, out.control ?? null) ?? undefined;
  return out;
}

/** Σσ² against true multiplicity (held-out captions, every caption, per split) and what it follows. */
function varianceReport(
  ds: Dataset,
  e: { dims: number; image: Float32Array | null; text: Float32Array; imageLogvar: Float32Array | null; textLogvar: Float32Array },
  imageRoles: Int8Array,
  known: ReturnType<typeof extraPositives>['csr'],
  splitSeed: number,
): Partial<TrainCommandResult> {
  const out: Partial<TrainCommandResult> = {};
  const sp = varianceMultiplicity(ds, e.textLogvar, e.dims, imageRoles);
  if (sp) {
    // The model's claim is judged on captions it did not train on; every caption is reported too.
    out.spearman = sp.heldOut ?? sp.all;
    out.spearmanScope = sp.heldOut != null ? 'held-out' : 'all';
    out.spearmanCaptions = sp.heldOut != null ? sp.heldOutCaptions : ds.captions.length;
    out.spearmanAll = sp.all;
    out.spearmanBySplit = sp.bySplit;
  }
  if (e.image && e.imageLogvar) {
    out.varianceDiagnostics = datasetVarianceDiagnostics(ds, { dims: e.dims, image: e.image, text: e.text, imageLogvar: e.imageLogvar, textLogvar: e.textLogvar }, known, { splitSeed });
  }
  return out;
}

/**
 * `--head residual` (heads/residual.ts): closed form, no epochs. The space keeps the parent's means
 * (L2-normalised) and gets one log σ² per item (residual blended with effective partners).
 */
async function trainResidual(project: TrainProject, parent: Space, args: TrainCommandArgs, started: Date): Promise<TrainCommandResult> {
  const { ds, spaces } = project;
  const dims = parent.record.dims;
  const seed = args.seed ?? 0;
  args.onProgress?.({ phase: 'residual variance: fitting', done: 0, total: 1 });
  const input = buildTrainInput(ds, { image: parent.image, text: parent.text, dims, seed });
  const fit = fitResidualVariance({ nImages: input.nImages, nCaptions: input.nCaptions, dims, image: input.imageFeatures, text: input.textFeatures, captionImage: input.captionImage, imageRole: input.imageRole, captionTexts: ds.captions.map((c) => c.text) }, { ...args.residual, seed });
  const means = { image: input.imageFeatures, text: input.textFeatures, dims };
  // Stored like every probabilistic space: one log σ² per item and dimension (isotropic: repeated).
  const perDim = (lv: Float32Array): Float32Array => {
    const out = new Float32Array(lv.length * dims);
    for (let i = 0; i < lv.length; i++) out.fill(lv[i], i * dims, (i + 1) * dims);
    return out;
  };
  const withVar = { ...means, imageLogvar: perDim(fit.imageLogvar), textLogvar: perDim(fit.textLogvar) };
  const hasRole = (role: number) => input.imageRole.some((r) => r === role);
  const val = evaluateArrays(input, ROLE_VAL, withVar);
  const test = hasRole(ROLE_TEST) ? evaluateArrays(input, ROLE_TEST, withVar) : null;
  const initial = evaluateArrays(input, ROLE_VAL, means);
  const params = { head: 'residual', residual: { ...DEFAULT_RESIDUAL, ...args.residual, seed }, pairs: fit.pairs };
  const weightsHash = packWeights(fit.weights).hash;
  const rec: SpaceRecord = {
    id: spaceId({ datasetHash: ds.hash, encoder: 'residual', weightsHash, params, parent: parent.record.id, condition: null }),
    name: `residual variance on ${parent.record.name}`,
    encoder: 'residual',
    weightsHash,
    dims,
    nImages: ds.images.length,
    nCaptions: ds.captions.length,
    probabilistic: true,
    normalized: true,
    parent: parent.record.id,
    condition: null,
    run: { appVersion: appVersion(), datasetHash: ds.hash, encoder: 'residual', weightsHash, params, seed, backend: 'js', startedAt: started.toISOString(), seconds: fit.seconds },
  };
  const saved = spaces.save(rec, { image: input.imageFeatures, text: input.textFeatures, imageLogvar: withVar.imageLogvar, textLogvar: withVar.textLogvar });
  args.onProgress?.({ phase: 'residual variance: fitted', done: 1, total: 1 });
  const policy = splitPolicy(ds, seed);
  const metrics: TrainCommandMetrics = { val, test, initial, last: val, bestEpoch: 0, kept: 'last', stopped: 'epochs', epochs: [], seconds: fit.seconds, backend: 'js', againstTruth: input.evalIsTruth };
  const out: TrainCommandResult = { ...saved, head: 'residual', metrics, splits: { source: policy.source, note: policy.note }, residual: { pairs: fit.pairs, trainImages: fit.trainImages, meanResidual: fit.meanResidual, partners: fit.partners, coverage: fit.coverage } };
  return Object.assign(out, varianceReport(ds, { ...withVar }, input.imageRole, extraPositives(ds, 'file', []).csr, seed));
}
