// Review units (SCIENCE 4.2 steps 5–6).
//
// Multiplicity blocks (default): captions are clustered on the fused text embedding (the E
// normalised embeddings concatenated and scaled by 1/√E, so its cosine is the mean of the spaces'
// cosines) by average linkage with a cosine-distance threshold θ (default: the 20th percentile of
// the distances between annotated co-captions of one image; SCIENCE starts at the 5th and says
// tune: on the sample the 20th finds 39 % more valid pairs per simulated hour, CONTEXT.md). Exact agglomerative clustering is
// O(n²) in captions, so it runs on a sparse graph: only captions that share an eligible candidate
// image can join (a block's grid needs shared images anyway), their distances are computed once,
// edges are taken in increasing distance, and two clusters merge when the mean distance over all
// their member pairs is ≤ θ and the block stays reviewable (≤ maxCaptions captions, ≤ maxImages
// candidate images). A block is C_k × I_k: its captions, the union of their eligible candidate
// images (p ≥ pMin), and their annotated images as reference. Pairs below pMin join no unit.
// A caption alone is a query card; one with more than maxImages candidates is split into cards.
//
// Queue: priority(B) = Y(B)/cost(B), Y = Σ p·(1 + λ·lev), cost = c₀ + c_I·|I_k| + c_T·|C_k|
// (|I_k| counts the reference images); 80 % of units are served by priority and every 5th by
// uncertainty Σ p(1−p) (which trains the classifier). Calibration checks (checks.ts: pairs drawn
// at random from every candidate) are served between them, half of the pairs until they run out.
import { createDotEngine, paddedRow } from '../compute/dot_engine.js';
import type { ServedBy, UnitKind } from '../review/review_store.js';
import { CHECK_SHARE, chunkChecks, drawChecks, type CheckOptions } from './checks.js';

export interface CostModel {
  /** Seconds per unit. */
  c0: number;
  /** Seconds per image shown. */
  cI: number;
  /** Seconds per caption shown. */
  cT: number;
}

export const DEFAULT_COSTS: CostModel = { c0: 5, cI: 1.5, cT: 3 };

export interface UnitOptions extends CheckOptions {
  mode?: 'blocks' | 'caption_cards' | 'image_cards';
  /** Pairs with p below this join no unit (default 0.05). */
  pMin?: number;
  /** Cosine-distance threshold; default from the annotated co-captions (see header). */
  theta?: number;
  /** Percentile of co-caption distances used for the default θ (default 20). */
  thetaPercentile?: number;
  maxCaptions?: number;
  maxImages?: number;
  /** Captions per image considered for linking (highest p first; default 16). */
  linkPerImage?: number;
  lambda?: number;
  costs?: CostModel;
  /** Share of the queue served by uncertainty (default 0.2). */
  uncertaintyShare?: number;
}

/** The candidate pairs units are built from. */
export interface UnitInput {
  n: number;
  image: ArrayLike<number>;
  caption: ArrayLike<number>;
  p: ArrayLike<number>;
  lev: ArrayLike<number>;
}

export interface ReviewUnit {
  kind: UnitKind;
  captions: number[];
  images: number[];
  referenceImages: number[];
  /** Candidate indices in the unit. */
  pairs: number[];
  expectedValid: number;
  uncertainty: number;
  priority: number;
  costSeconds: number;
  position: number;
  servedBy: ServedBy;
}

/** Cosine similarity of two captions' fused embeddings. */
export type TextSimilarity = (a: number, b: number) => number;

/**
 * Fused text cosine over several spaces' caption rows (the mean of per-space cosines): rows are
 * normalised per space, scaled by 1/√E and concatenated into one dot engine (SIMD), so one dot
 * product of the fused rows is the fused cosine.
 */
export function fusedTextSimilarity(spaces: readonly { dims: number; text: Float32Array }[]): TextSimilarity {
  if (!spaces.length) throw new RangeError('fusedTextSimilarity needs at least one space');
  const n = spaces[0].text.length / spaces[0].dims;
  const width = spaces.reduce((w, s) => w + s.dims, 0);
  const row = paddedRow(width);
  const engine = createDotEngine(n * row);
  const mem = engine.memory;
  const scale = 1 / Math.sqrt(spaces.length);
  for (let c = 0; c < n; c++) {
    let off = c * row;
    for (const { dims, text } of spaces) {
      let q = 0;
      for (let d = 0, o = c * dims; d < dims; d++) q += text[o + d] * text[o + d];
      const inv = q > 0 ? scale / Math.sqrt(q) : 0;
      for (let d = 0, o = c * dims; d < dims; d++) mem[off + d] = text[o + d] * inv;
      off += dims;
    }
  }
  return (a, b) => engine.dot(a * row, b * row, row);
}

/** The default θ: a percentile of fused cosine distances between annotated co-captions of one image. */
export function thetaFromCoCaptions(annotated: ArrayLike<number>, nImages: number, sim: TextSimilarity, percentile = 20, maxImages = 2000): number {
  const byImage: number[][] = Array.from({ length: nImages }, () => []);
  for (let c = 0; c < annotated.length; c++) if (annotated[c] >= 0 && annotated[c] < nImages) byImage[annotated[c]].push(c);
  const dists: number[] = [];
  const step = Math.max(1, Math.floor(nImages / maxImages));
  for (let i = 0; i < nImages; i += step) {
    const cs = byImage[i];
    for (let a = 0; a < cs.length; a++) for (let b = a + 1; b < cs.length; b++) dists.push(1 - sim(cs[a], cs[b]));
  }
  if (!dists.length) return 0.1;
  dists.sort((x, y) => x - y);
  return dists[Math.min(dists.length - 1, Math.floor((percentile / 100) * dists.length))];
}

function finishUnit(kind: UnitKind, captions: number[], pairs: number[], input: UnitInput, annotated: ArrayLike<number>, lambda: number, costs: CostModel): ReviewUnit {
  const images = [...new Set(pairs.map((k) => input.image[k]))];
  const refs = [...new Set(kind === 'image_card' || kind === 'check' ? [] : captions.map((c) => annotated[c]).filter((i) => i >= 0 && !images.includes(i)))];
  let y = 0;
  let u = 0;
  for (const k of pairs) {
    y += input.p[k] * (1 + lambda * input.lev[k]);
    u += input.p[k] * (1 - input.p[k]);
  }
  const nI = kind === 'image_card' ? 1 : images.length + refs.length;
  const cost = costs.c0 + costs.cI * nI + costs.cT * captions.length;
  return { kind, captions, images, referenceImages: refs, pairs, expectedValid: y, uncertainty: u, priority: y / cost, costSeconds: cost, position: -1, servedBy: 'priority' };
}

/**
 * Assigns queue positions: by priority, every 1/share-th place by uncertainty. Calibration checks
 * (kind 'check', pending ones first, in their draw order) are paced by pairs: before each ordinary
 * unit, checks are placed until they make `checkShare` of the pending pairs up to the end of that
 * unit, and any left over go to the end. A unit's pending pairs are `pairs.length` (rerankUnits passes only the
 * undecided ones).
 */
export function orderQueue(units: ReviewUnit[], uncertaintyShare = 0.2, checkShare = CHECK_SHARE): ReviewUnit[] {
  const regular = units.map((_, k) => k).filter((k) => units[k].kind !== 'check');
  const pendingOf = (k: number): number => units[k].pairs.length;
  const checks = units
    .map((_, k) => k)
    .filter((k) => units[k].kind === 'check')
    .sort((a, b) => Number(pendingOf(a) === 0) - Number(pendingOf(b) === 0) || a - b);
  const byPriority = [...regular].sort((a, b) => units[b].priority - units[a].priority || a - b);
  const byUncertainty = [...regular].sort((a, b) => units[b].uncertainty - units[a].uncertainty || a - b);
  const every = uncertaintyShare > 0 ? Math.max(1, Math.round(1 / uncertaintyShare)) : 0;
  const share = Math.min(0.95, Math.max(0, checkShare));
  const used = new Uint8Array(units.length);
  let ip = 0;
  let iu = 0;
  let ic = 0;
  let regularPairs = 0;
  let checkPairs = 0;
  const out: ReviewUnit[] = [];
  const place = (k: number, servedBy: ReviewUnit['servedBy']): void => {
    units[k].position = out.length;
    units[k].servedBy = servedBy;
    out.push(units[k]);
  };
  for (let r = 0; r < regular.length; r++) {
    const useU = every > 0 && (r + 1) % every === 0;
    let k: number;
    if (useU) {
      while (used[byUncertainty[iu]]) iu++;
      k = byUncertainty[iu];
    } else {
      while (used[byPriority[ip]]) ip++;
      k = byPriority[ip];
    }
    used[k] = 1;
    // Checks first, until they keep pace with the ordinary pairs up to the end of this unit: a large
    // unit must not push the checks past the reviews that are made before the next refit.
    regularPairs += pendingOf(k);
    while (ic < checks.length && pendingOf(checks[ic]) > 0 && checkPairs < (regularPairs * share) / (1 - share)) {
      checkPairs += pendingOf(checks[ic]);
      place(checks[ic++], 'check');
    }
    place(k, useU ? 'uncertainty' : 'priority');
  }
  while (ic < checks.length) place(checks[ic++], 'check');
  return out;
}

/**
 * Builds and orders the review units. `annotated` maps caption → annotated image; `reviewed` marks
 * candidates already decided (they join no unit); `unqueued` marks candidates that join no unit
 * of the queue but may be drawn as calibration checks (same-text pairs: the checks must speak for
 * every unreviewed candidate); `sim` is needed for blocks.
 */
export function buildReviewUnits(
  input: UnitInput,
  annotated: ArrayLike<number>,
  opts: UnitOptions & { sim?: TextSimilarity; reviewed?: ArrayLike<number>; unqueued?: ArrayLike<number> } = {},
): { units: ReviewUnit[]; theta: number | null } {
  const mode = opts.mode ?? 'blocks';
  const pMin = opts.pMin ?? 0.05;
  const maxCaptions = opts.maxCaptions ?? 8;
  const maxImages = opts.maxImages ?? 12;
  const lambda = opts.lambda ?? 1;
  const costs = opts.costs ?? DEFAULT_COSTS;
  // Calibration checks are drawn first, from every candidate; their pairs join no other unit.
  const checks = chunkChecks(drawChecks(input.n, opts.reviewed, opts), opts.checkUnitPairs);
  const inCheck = new Uint8Array(input.n);
  for (const c of checks) for (const k of c) inCheck[k] = 1;
  const eligible: number[] = [];
  for (let k = 0; k < input.n; k++) if (input.p[k] >= pMin && !inCheck[k] && !(opts.reviewed && opts.reviewed[k]) && !(opts.unqueued && opts.unqueued[k])) eligible.push(k);
  const byP = (a: number, b: number): number => input.p[b] - input.p[a] || a - b;
  const units: ReviewUnit[] = checks.map((ks) => finishUnit('check', [...new Set(ks.map((k) => input.caption[k]))], ks, input, annotated, lambda, costs));

  const chunked = (kind: UnitKind, key: (k: number) => number, cap: number, captionsOf: (ks: number[], owner: number) => number[]): void => {
    const groups = new Map<number, number[]>();
    for (const k of eligible) {
      const g = key(k);
      let list = groups.get(g);
      if (!list) groups.set(g, (list = []));
      list.push(k);
    }
    for (const [owner, ks] of groups) {
      ks.sort(byP);
      for (let s = 0; s < ks.length; s += cap) {
        const part = ks.slice(s, s + cap);
        units.push(finishUnit(kind, captionsOf(part, owner), part, input, annotated, lambda, costs));
      }
    }
  };

  if (mode === 'image_cards') {
    chunked('image_card', (k) => input.image[k], maxCaptions, (ks) => ks.map((k) => input.caption[k]));
    return { units: orderQueue(units, opts.uncertaintyShare, opts.checkShare), theta: null };
  }
  if (mode === 'caption_cards' || !opts.sim) {
    chunked('caption_card', (k) => input.caption[k], maxImages, (_, c) => [c]);
    return { units: orderQueue(units, opts.uncertaintyShare, opts.checkShare), theta: null };
  }

  const sim = opts.sim;
  let nImages = 0;
  for (let c = 0; c < annotated.length; c++) nImages = Math.max(nImages, annotated[c] + 1);
  for (const k of eligible) nImages = Math.max(nImages, input.image[k] + 1);
  let nCaptions = annotated.length;
  for (const k of eligible) nCaptions = Math.max(nCaptions, input.caption[k] + 1);
  const theta = opts.theta ?? thetaFromCoCaptions(annotated, nImages, sim, opts.thetaPercentile ?? 20);
  // Eligible candidates per caption; captions per image (the linking graph).
  const pairsOf = new Map<number, number[]>();
  const byImage = new Map<number, number[]>();
  for (const k of eligible) {
    const c = input.caption[k];
    let l = pairsOf.get(c);
    if (!l) pairsOf.set(c, (l = []));
    l.push(k);
    let m = byImage.get(input.image[k]);
    if (!m) byImage.set(input.image[k], (m = []));
    m.push(k);
  }
  const dist = new Map<number, number>();
  const distance = (a: number, b: number): number => {
    const key = a < b ? a * nCaptions + b : b * nCaptions + a;
    let d = dist.get(key);
    if (d === undefined) {
      d = 1 - sim(a, b);
      dist.set(key, d);
    }
    return d;
  };
  const perImage = opts.linkPerImage ?? 16;
  const edges: { a: number; b: number; d: number }[] = [];
  const seen = new Set<number>();
  for (const ks of byImage.values()) {
    ks.sort(byP);
    const caps = [...new Set(ks.map((k) => input.caption[k]))].slice(0, perImage);
    for (let x = 0; x < caps.length; x++) {
      for (let y = x + 1; y < caps.length; y++) {
        const a = Math.min(caps[x], caps[y]);
        const b = Math.max(caps[x], caps[y]);
        const key = a * nCaptions + b;
        if (seen.has(key)) continue;
        seen.add(key);
        const d = distance(a, b);
        if (d <= theta) edges.push({ a, b, d });
      }
    }
  }
  edges.sort((x, y) => x.d - y.d || x.a - y.a || x.b - y.b);
  // Clusters: members and their candidate images.
  const parent = new Map<number, number>();
  const members = new Map<number, number[]>();
  const imagesOf = new Map<number, Set<number>>();
  for (const [c, ks] of pairsOf) {
    parent.set(c, c);
    members.set(c, [c]);
    imagesOf.set(c, new Set(ks.map((k) => input.image[k])));
  }
  const find = (c: number): number => {
    let r = c;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(c, r);
    return r;
  };
  for (const { a, b } of edges) {
    const A = find(a);
    const B = find(b);
    if (A === B) continue;
    const ma = members.get(A)!;
    const mb = members.get(B)!;
    if (ma.length + mb.length > maxCaptions) continue;
    const ia = imagesOf.get(A)!;
    const ib = imagesOf.get(B)!;
    let union = ia.size;
    for (const i of ib) if (!ia.has(i)) union++;
    if (union > maxImages) continue;
    let sum = 0;
    for (const x of ma) for (const y of mb) sum += distance(x, y);
    if (sum / (ma.length * mb.length) > theta) continue;
    const [big, small] = ma.length >= mb.length ? [A, B] : [B, A];
    parent.set(small, big);
    members.set(big, [...members.get(big)!, ...members.get(small)!]);
    for (const i of imagesOf.get(small)!) imagesOf.get(big)!.add(i);
    members.delete(small);
    imagesOf.delete(small);
  }
  for (const [root, caps] of members) {
    if (find(root) !== root) continue;
    caps.sort((x, y) => x - y);
    const pairs = caps.flatMap((c) => pairsOf.get(c)!).sort(byP);
    if (caps.length === 1 && pairs.length > maxImages) {
      for (let s = 0; s < pairs.length; s += maxImages) units.push(finishUnit('caption_card', caps, pairs.slice(s, s + maxImages), input, annotated, lambda, costs));
    } else units.push(finishUnit(caps.length > 1 ? 'block' : 'caption_card', caps, pairs, input, annotated, lambda, costs));
  }
  return { units: orderQueue(units, opts.uncertaintyShare, opts.checkShare), theta };
}

/**
 * Recomputes priorities of stored units from new probabilities and reviews (pairs already decided
 * no longer count), and re-orders the queue.
 */
export function rerankUnits(
  units: readonly { id: number; kind: UnitKind; captions: number[]; images: number[]; referenceImages: number[] }[],
  pairsOfUnit: Map<number, number[]>,
  input: UnitInput,
  reviewed: ArrayLike<number>,
  opts: Pick<UnitOptions, 'lambda' | 'costs' | 'uncertaintyShare' | 'checkShare'> = {},
): { id: number; position: number; servedBy: ServedBy; priority: number; expectedValid: number; uncertainty: number; costSeconds: number }[] {
  const lambda = opts.lambda ?? 1;
  const costs = opts.costs ?? DEFAULT_COSTS;
  const scored = units.map((u) => {
    let y = 0;
    let q = 0;
    const pending: number[] = [];
    for (const k of pairsOfUnit.get(u.id) ?? []) {
      if (reviewed[k]) continue;
      pending.push(k);
      y += input.p[k] * (1 + lambda * input.lev[k]);
      q += input.p[k] * (1 - input.p[k]);
    }
    const nI = u.kind === 'image_card' ? 1 : u.images.length + u.referenceImages.length;
    const cost = costs.c0 + costs.cI * nI + costs.cT * u.captions.length;
    return { kind: u.kind, captions: u.captions, images: u.images, referenceImages: u.referenceImages, pairs: pending, expectedValid: y, uncertainty: q, priority: y / cost, costSeconds: cost, position: -1, servedBy: 'priority' as ServedBy, id: u.id };
  });
  orderQueue(scored as ReviewUnit[], opts.uncertaintyShare, opts.checkShare);
  return scored.map((s) => ({ id: s.id, position: s.position, servedBy: s.servedBy, priority: s.priority, expectedValid: s.expectedValid, uncertainty: s.uncertainty, costSeconds: s.costSeconds }));
}

/**
 * Calibrates the cost model from logged review times: per unit, the seconds spent in total against
 * its numbers of images and captions (least squares, non-negative, at least 10 units; else the
 * defaults).
 */
export function calibrateCosts(samples: readonly { images: number; captions: number; seconds: number }[]): CostModel {
  if (samples.length < 10) return DEFAULT_COSTS;
  // Normal equations for [1, images, captions].
  const A = new Float64Array(9);
  const b = new Float64Array(3);
  for (const s of samples) {
    const x = [1, s.images, s.captions];
    for (let r = 0; r < 3; r++) {
      b[r] += x[r] * s.seconds;
      for (let c = 0; c < 3; c++) A[r * 3 + c] += x[r] * x[c];
    }
  }
  const det = (m: Float64Array): number => m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  const D = det(A);
  if (Math.abs(D) < 1e-9) return DEFAULT_COSTS;
  const sol = [0, 1, 2].map((col) => {
    const M = Float64Array.from(A);
    for (let r = 0; r < 3; r++) M[r * 3 + col] = b[r];
    return det(M) / D;
  });
  return { c0: Math.max(0, sol[0]), cI: Math.max(0, sol[1]), cT: Math.max(0, sol[2]) };
}

/** A short label for a unit on the map: its shortest caption, cut to `max` characters, and how many more. */
export function unitLabel(captionTexts: readonly string[], max = 48): string {
  if (!captionTexts.length) return '';
  const shortest = [...captionTexts].sort((a, b) => a.length - b.length || a.localeCompare(b))[0].trim();
  const cut = shortest.length > max ? `${shortest.slice(0, max - 1).trimEnd()}…` : shortest;
  return captionTexts.length > 1 ? `${cut} (+${captionTexts.length - 1})` : cut;
}
