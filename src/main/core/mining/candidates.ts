// The candidate pool and its pair features (SCIENCE 4.2 steps 2–4).
//
// Pairs are mined inside groups (splits: a caption's gallery is its own split, as in ECCV
// Caption and the sample's truth). Per group and space: top-k lists in both directions
// (compute/knn_blocked.ts), then
//   pool      C = ∪_e {(i,t): r^e_{t→i} ≤ kT or r^e_{i→t} ≤ kI} \ (annotated ∪ known positives)
//   agreement #spaces with the pair in their top-k, in either direction
//   rrf       Σ_e Σ_dir 1/(60 + r), ranks from lists of depth `rankDepth` (deeper ranks add 0)
//   zMean     mean_e z^e (scores.ts)
//   margin    mean_e S^e_it − S^e_{a(t),t}  (≥ 0: the candidate outranks t's annotated image)
//   lev       #spaces where S_it ≥ S_{a(t),t} or S_it ≥ max_{t'∈A(i)} S_{it'} (the pair changes R@1)
//   tauImg    mean_e cos(u_i, u_{a(t)}); tauTxt: mean_e max_{t'∈A(i)} cos(v_t, v_{t'})
//   words     share of the caption's content words (datasets/caption_words.ts: lower-cased, minus
//             function words and filler) that occur on the image's annotated captions (an annotated
//             pair: on its image's other captions); with the captions' words only
//   prior     P(valid) before any review: a positive–unlabelled model (default) or the mean of
//             calibrated Platt views; prior.ts says how and why
import type { StoredCandidates } from '../review/review_store.js';
import type { CrossModalKnn, KnnOptions } from '../compute/knn_blocked.js';
import { fitPlatt, type Platt } from './logistic.js';
import { priorOf, puPrior, type PuPrior } from './prior.js';
import type { MiningSpaceInput } from './space_engine.js';
import { PAIR_BATCH, prefetchAnnotated, prefetchPool, type DiskSpace } from './disk_space.js';
import { groupKnn, type KnnRunner, type StreamedReport } from './group_knn.js';
import { mulberry32 } from '../../../shared/random.js';

export interface MiningItems {
  nImages: number;
  nCaptions: number;
  /** Caption → its annotated image. */
  annotated: Int32Array;
  /** Group (split) per image and per caption; pairs are only mined inside a group. Absent: one group. */
  imageGroup?: Int32Array | null;
  captionGroup?: Int32Array | null;
  /** Pairs already known to be valid besides the annotated ones (key caption·nImages + image): left out of the pool. */
  known?: Set<number> | null;
  /**
   * Per caption, its content words without filler (datasets/caption_words.ts captionWordIds):
   * the PU prior then also reads the pair's word agreement. Absent: the space's features only.
   */
  captionWords?: { offsets: Int32Array; ids: Int32Array } | null;
}

export { runLimited, type KnnRunner } from './group_knn.js';

export interface MiningOptions {
  /** Images per caption in the pool, per space (default 5). */
  kT?: number;
  /** Captions per image in the pool, per space (default 10). */
  kI?: number;
  /** Depth of the rank lists behind RRF (default 30; at least max(kT, kI)). */
  rankDepth?: number;
  /** The RRF constant (default 60). */
  rrfK?: number;
  /** Annotated and random pairs per space for Platt scaling (default 5000 each). */
  plattSamples?: number;
  /** Only pairs of this group get lev > 0 (e.g. the test split when the goal is evaluation). */
  levGroup?: number | null;
  seed?: number;
  knn?: Pick<KnnOptions, 'method' | 'exactLimit' | 'ivf'>;
  blockRows?: number;
  /**
   * Runs one space's kNN elsewhere (a worker thread: knn_worker.ts); default in this thread, one
   * space after the other. Results are identical either way.
   */
  knnRunner?: KnnRunner;
  /** 'pu' (default): positive–unlabelled prior; 'platt': mean of the Platt views. */
  prior?: 'pu' | 'platt';
  /**
   * Per caption (global index), an estimate of how many images it fits (effective partners): the
   * PU prior then takes a caption's chance of being annotated with a valid image as 1/m̂ instead
   * of one constant (prior.ts puPrior). Null: the constant.
   */
  captionMultiplicity?: ArrayLike<number> | null;
  /** Spaces whose kNN run at once with a knnRunner (default: all). */
  parallel?: number;
  signal?: AbortSignal;
  onProgress?: (phase: string, done: number, total: number) => void;
}

/**
 * Features of the pool, one entry per candidate pair (columnar): the columns the review store keeps
 * (StoredCandidates, documented there), plus what only a mining run has.
 */
export interface CandidateTable extends Omit<StoredCandidates, 'clusterId'> {
  /** n × E: τ_txt per space (NaN when i has no annotated caption). */
  tauTxtBySpace: Float32Array;
  /** The Platt views' calibrations, per space. */
  platt: { score: Platt[]; tauTxt: Platt[] };
  /** The PU prior's model (null when the Platt views were used). */
  pu: PuPrior | null;
  /** Per space and group: exact or IVF search, and the IVF's sampled top-50 recall against exact. */
  knnReports: KnnReport[];
  /** Per candidate, the share of the caption's content words on the image's annotated captions (null without the captions' words). */
  wordShare: Float32Array | null;
}

export interface KnnReport {
  space: string;
  group: number;
  method: 'exact' | 'ivf';
  recall?: CrossModalKnn['recall'];
  /** Set when the space's rows stayed on disk and were read by block (mining/group_knn.ts). */
  streamed?: StreamedReport;
}

export const DEFAULTS = { kT: 5, kI: 10, rankDepth: 30, rrfK: 60, plattSamples: 5000 } as const;
/** Cosine at or above which two captions are one text (identical strings share one embedding exactly; float rounding aside). */
export const SAME_TEXT_COS = 1 - 1e-6;

/** Items of each group, ascending. */
export function groupsOf(items: MiningItems): { images: Int32Array; captions: Int32Array; group: number }[] {
  const ig = items.imageGroup;
  const cg = items.captionGroup;
  if (!ig || !cg) {
    return [{ images: Int32Array.from({ length: items.nImages }, (_, i) => i), captions: Int32Array.from({ length: items.nCaptions }, (_, c) => c), group: 0 }];
  }
  const ids = [...new Set([...cg])].sort((a, b) => a - b);
  const out = [];
  for (const g of ids) {
    const images: number[] = [];
    for (let i = 0; i < items.nImages; i++) if (ig[i] === g) images.push(i);
    const captions: number[] = [];
    for (let c = 0; c < items.nCaptions; c++) if (cg[c] === g) captions.push(c);
    if (images.length && captions.length) out.push({ images: Int32Array.from(images), captions: Int32Array.from(captions), group: g });
  }
  return out;
}

class Growable {
  image: number[] = [];
  caption: number[] = [];
  sources: number[] = [];
  agreement: number[] = [];
  rrf: number[] = [];
  zMean: number[] = [];
  margin: number[] = [];
  lev: number[] = [];
  tauImg: number[] = [];
  tauTxt: number[] = [];
  scores: number[] = [];
  ranks: number[] = [];
  tauTxtBySpace: number[] = [];
  wordShare: number[] = [];
  /** PU features per candidate (puWidth each). */
  pu: number[] = [];
  /** PU features of annotated pairs inside the pool's region (labelled positives). */
  puPos: number[] = [];
  /** The (global) caption of each labelled row. */
  puPosCaption: number[] = [];
}

/**
 * Mines the candidate pool of `spaces` (each with all images and captions of `items`) and computes
 * the features and the prior of every candidate.
 */
export async function mineCandidates(items: MiningItems, spaces: MiningSpaceInput[], opts: MiningOptions = {}): Promise<CandidateTable> {
  if (!spaces.length) throw new RangeError('mining needs at least one space');
  if (spaces.length > 30) throw new RangeError('mining supports at most 30 spaces');
  const kT = opts.kT ?? DEFAULTS.kT;
  const kI = opts.kI ?? DEFAULTS.kI;
  const depth = Math.max(opts.rankDepth ?? DEFAULTS.rankDepth, kT, kI);
  const rrfK = opts.rrfK ?? DEFAULTS.rrfK;
  const nSamples = opts.plattSamples ?? DEFAULTS.plattSamples;
  const E = spaces.length;
  const random = mulberry32(opts.seed ?? 1);
  const { nImages, annotated } = items;
  for (const s of spaces) {
    if (s.onDisk ? s.onDisk.image.rows !== nImages || s.onDisk.text.rows !== items.nCaptions : s.image.length !== nImages * s.dims || s.text.length !== items.nCaptions * s.dims) {
      throw new RangeError(`space ${s.id}: ${s.image.length / s.dims} images × ${s.text.length / s.dims} captions, the dataset has ${nImages} × ${items.nCaptions}`);
    }
  }
  const groups = groupsOf(items);
  const work = groups.reduce((s, g) => s + g.images.length * g.captions.length, 0) * E;
  let done = 0;
  const progress = (phase: string, d: number): void => opts.onProgress?.(phase, Math.round(d), work);
  const out = new Growable();
  const plattPos: number[][] = spaces.map(() => []);
  const plattNeg: number[][] = spaces.map(() => []);
  const tauPos: number[][] = spaces.map(() => []);
  const tauNeg: number[][] = spaces.map(() => []);
  const totalCaptions = groups.reduce((s, g) => s + g.captions.length, 0);
  const knnReports: KnnReport[] = [];

  for (const grp of groups) {
    const nI = grp.images.length;
    const nT = grp.captions.length;
    const localImage = new Map<number, number>();
    grp.images.forEach((g, l) => localImage.set(g, l));
    // Annotated image (local, −1 when outside the group) per caption; annotated captions per image.
    const ann = new Int32Array(nT);
    const annCount = new Int32Array(nI + 1);
    for (let c = 0; c < nT; c++) {
      const li = localImage.get(annotated[grp.captions[c]]);
      ann[c] = li ?? -1;
      if (li != null) annCount[li + 1]++;
    }
    for (let i = 0; i < nI; i++) annCount[i + 1] += annCount[i];
    const annOf = new Int32Array(annCount[nI]);
    const fill = annCount.slice(0, nI);
    for (let c = 0; c < nT; c++) if (ann[c] >= 0) annOf[fill[ann[c]]++] = c;
    // Word agreement: per image, how many of its annotated captions hold each content word.
    const words = items.captionWords ?? null;
    const imageWords = words ? Array.from({ length: nI }, () => new Map<number, number>()) : null;
    if (words && imageWords) {
      for (let c = 0; c < nT; c++) {
        if (ann[c] < 0) continue;
        const m = imageWords[ann[c]];
        for (let j = words.offsets[grp.captions[c]]; j < words.offsets[grp.captions[c] + 1]; j++) m.set(words.ids[j], (m.get(words.ids[j]) ?? 0) + 1);
      }
    }
    /** Share of caption c's content words on image i's annotated captions (`own`: leaving c out); filler only: 1. */
    const wordShare = (i: number, c: number, own: boolean): number => {
      const a = words!.offsets[grp.captions[c]];
      const b = words!.offsets[grp.captions[c] + 1];
      if (b === a) return 1;
      const m = imageWords![i];
      let hit = 0;
      for (let j = a; j < b; j++) if ((m.get(words!.ids[j]) ?? 0) > (own ? 1 : 0)) hit++;
      return hit / (b - a);
    };

    const annScore: Float32Array[] = [];
    const annMax: Float32Array[] = [];
    const fractions = new Float64Array(E);
    const base = done;
    const { scored, streamed } = await groupKnn(spaces, {
      images: grp.images,
      captions: grp.captions,
      depth,
      knn: opts.knn,
      blockRows: opts.blockRows,
      knnRunner: opts.knnRunner,
      parallel: opts.parallel,
      signal: opts.signal,
      onProgress: (e, f) => {
        fractions[e] = f;
        progress('knn', base + fractions.reduce((a, b) => a + b, 0) * nI * nT);
      },
    });
    done += E * nI * nT;
    for (let e = 0; e < E; e++) knnReports.push({ space: spaces[e].id, group: grp.group, method: scored[e].knn.method, recall: scored[e].knn.recall, ...(streamed[e] ? { streamed: streamed[e]! } : {}) });
    for (let e = 0; e < E; e++) {
      const space = scored[e].space;
      const as = new Float32Array(nT).fill(NaN);
      const am = new Float32Array(nI).fill(-Infinity);
      for (let c = 0; c < nT; c++) {
        if (ann[c] < 0) continue;
        if (space.prefetch && c % PAIR_BATCH === 0) prefetchAnnotated(space, ann, c, Math.min(nT, c + PAIR_BATCH));
        as[c] = space.score(ann[c], c);
        if (as[c] > am[ann[c]]) am[ann[c]] = as[c];
      }
      annScore.push(as);
      annMax.push(am);
      // Platt samples, proportional to the group's share of captions.
      const want = Math.max(1, Math.round((nSamples * nT) / totalCaptions));
      const maxTau = (i: number, c: number): number => {
        let best = -Infinity;
        for (let j = annCount[i]; j < annCount[i + 1]; j++) if (annOf[j] !== c) best = Math.max(best, space.cosTexts(c, annOf[j]));
        return best;
      };
      for (let k = 0; k < want; k++) {
        const c = Math.floor(random() * nT);
        const i = Math.floor(random() * nI);
        if (ann[c] >= 0) {
          plattPos[e].push(as[c]);
          const t = maxTau(ann[c], c);
          if (t > -Infinity) tauPos[e].push(t);
        }
        plattNeg[e].push(space.score(i, c));
        if (i !== ann[c]) {
          const t = maxTau(i, c);
          if (t > -Infinity) tauNeg[e].push(t);
        }
      }
    }

    // The pool: keys c·nI + i (local).
    const pool = new Map<number, number>();
    const pi: number[] = [];
    const pc: number[] = [];
    const add = (i: number, c: number): void => {
      if (i < 0 || c < 0 || ann[c] === i) return;
      const key = c * nI + i;
      if (pool.has(key)) return;
      if (items.known?.has(grp.captions[c] * nImages + grp.images[i])) return;
      pool.set(key, pi.length);
      pi.push(i);
      pc.push(c);
    };
    for (const s of scored) {
      const { t2i, i2t } = s.knn;
      for (let c = 0; c < nT; c++) for (let j = 0; j < Math.min(kT, t2i.k); j++) add(t2i.indices[c * t2i.k + j], c);
      for (let i = 0; i < nI; i++) for (let j = 0; j < Math.min(kI, i2t.k); j++) add(i, i2t.indices[i * i2t.k + j]);
    }

    // Annotated pairs that fall in the pool's region (some space has them in its top-k): the
    // labelled positives of the PU prior, with the same features (τ_txt leaving the caption out).
    for (let c = 0; c < nT; c++) {
      const i = ann[c];
      if (i < 0) continue;
      const row: number[] = [];
      let agreement = 0;
      for (let e = 0; e < E; e++) {
        const s = scored[e];
        const score = annScore[e][c];
        const rt = s.rankT2I(c, i);
        const ri = s.rankI2T(i, c);
        if ((rt > 0 && rt <= kT) || (ri > 0 && ri <= kI)) agreement++;
        let best = -Infinity;
        for (let j = annCount[i]; j < annCount[i + 1]; j++) if (annOf[j] !== c) best = Math.max(best, s.space.cosTexts(c, annOf[j]));
        row.push(score, s.z(i, c, score), (rt > 0 ? 1 / (rrfK + rt) : 0) + (ri > 0 ? 1 / (rrfK + ri) : 0), best > -Infinity ? best : 0);
      }
      if (agreement === 0) continue;
      row.push(agreement / E);
      if (words) {
        // An image with no other caption says nothing about the words: not a labelled positive here.
        if (annCount[i + 1] - annCount[i] < 2) continue;
        const share = wordShare(i, c, true);
        row.push(share, share === 1 ? 1 : 0);
      }
      for (const v of row) out.puPos.push(v);
      out.puPosCaption.push(grp.captions[c]);
    }

    const levOk = opts.levGroup == null || opts.levGroup === grp.group;
    for (let k = 0; k < pi.length; k++) {
      const i = pi[k];
      const c = pc[k];
      if (k % PAIR_BATCH === 0) for (const s of scored) if (s.space.prefetch) prefetchPool(s.space, pi, pc, k, ann, annOf, annCount);
      let sources = 0;
      let agreement = 0;
      let rrf = 0;
      let z = 0;
      let margin = 0;
      let lev = 0;
      let tauImg = 0;
      let tauTxt = 0;
      for (let e = 0; e < E; e++) {
        const s = scored[e];
        const sp = s.space;
        const score = sp.score(i, c);
        const rt = s.rankT2I(c, i);
        const ri = s.rankI2T(i, c);
        if ((rt > 0 && rt <= kT) || (ri > 0 && ri <= kI)) {
          sources |= 1 << e;
          agreement++;
        }
        if (rt > 0) rrf += 1 / (rrfK + rt);
        if (ri > 0) rrf += 1 / (rrfK + ri);
        z += s.z(i, c, score);
        const as = annScore[e][c];
        if (ann[c] >= 0) {
          margin += score - as;
          tauImg += sp.cosImages(i, ann[c]);
        }
        if (levOk && ((ann[c] >= 0 && score >= as) || score >= annMax[e][i])) lev++;
        let best = -Infinity;
        // The PU prior's τ_txt leaves out an annotated caption that is this caption's own text (one
        // embedding: identical strings share it), as an annotated pair leaves itself out; so a pair
        // whose caption reads like one annotated on the image has that annotated pair's features.
        let bestOther = -Infinity;
        for (let j = annCount[i]; j < annCount[i + 1]; j++) {
          const v = sp.cosTexts(c, annOf[j]);
          if (v > best) best = v;
          if (v < SAME_TEXT_COS && v > bestOther) bestOther = v;
        }
        if (best > -Infinity) tauTxt += best;
        out.tauTxtBySpace.push(best > -Infinity ? best : NaN);
        out.scores.push(score);
        out.ranks.push(rt, ri);
        out.pu.push(score, s.z(i, c, score), (rt > 0 ? 1 / (rrfK + rt) : 0) + (ri > 0 ? 1 / (rrfK + ri) : 0), bestOther > -Infinity ? bestOther : 0);
      }
      out.pu.push(agreement / E);
      if (words) {
        const share = wordShare(i, c, false);
        out.pu.push(share, share === 1 ? 1 : 0);
        out.wordShare.push(share);
      }
      out.image.push(grp.images[i]);
      out.caption.push(grp.captions[c]);
      out.sources.push(sources);
      out.agreement.push(agreement);
      out.rrf.push(rrf);
      out.zMean.push(z / E);
      out.margin.push(margin / E);
      out.lev.push(lev);
      out.tauImg.push(tauImg / E);
      out.tauTxt.push(tauTxt / E);
    }
    progress('features', done);
    streamed.forEach((r, e) => r && (r.rowsHeld = (scored[e].space as DiskSpace).cache.maxRowsHeld));
  }

  const platt = { score: spaces.map((_, e) => fitPlatt(plattPos[e], plattNeg[e])), tauTxt: spaces.map((_, e) => fitPlatt(tauPos[e], tauNeg[e])) };
  const n = out.image.length;
  const scores = Float32Array.from(out.scores);
  const tauTxtBySpace = Float32Array.from(out.tauTxtBySpace);
  const prior = new Float32Array(n);
  let pu: PuPrior | null = null;
  const m = opts.captionMultiplicity ?? null;
  const multiplicity = m ? { pos: out.puPosCaption.map((c) => m[c]), unl: out.caption.map((c) => m[c]) } : null;
  if ((opts.prior ?? 'pu') === 'pu') pu = puPrior(out.puPos, out.pu, 4 * E + 1 + (items.captionWords ? 2 : 0), prior, multiplicity);
  if (!pu) for (let k = 0; k < n; k++) prior[k] = priorOf(platt, scores, tauTxtBySpace, k, E);
  return {
    spaces: spaces.map((s) => s.id),
    n,
    image: Int32Array.from(out.image),
    caption: Int32Array.from(out.caption),
    sources: Int32Array.from(out.sources),
    agreement: Uint8Array.from(out.agreement),
    rrf: Float32Array.from(out.rrf),
    zMean: Float32Array.from(out.zMean),
    margin: Float32Array.from(out.margin),
    lev: Uint8Array.from(out.lev),
    tauImg: Float32Array.from(out.tauImg),
    tauTxt: Float32Array.from(out.tauTxt),
    prior,
    p: Float32Array.from(prior),
    scores,
    ranks: Int32Array.from(out.ranks),
    tauTxtBySpace,
    knnReports,
    platt,
    pu,
    wordShare: items.captionWords ? Float32Array.from(out.wordShare) : null,
  };
}

/** Candidate indices by decreasing p (ties: higher RRF, then higher agreement, then index). */
export function rankCandidates<K extends 'p' | 'prior' | 'rrf' | 'zMean' = 'p'>(t: Pick<CandidateTable, 'n' | 'rrf' | 'agreement' | K>, by: K = 'p' as K): Int32Array {
  const key = t[by];
  const order = Int32Array.from({ length: t.n }, (_, k) => k);
  return order.sort((a, b) => key[b] - key[a] || t.rrf[b] - t.rrf[a] || t.agreement[b] - t.agreement[a] || a - b);
}

/** Pair key used throughout mining and review: caption·nImages + image. */
export function pairKey(nImages: number, image: number, caption: number): number {
  return caption * nImages + image;
}
