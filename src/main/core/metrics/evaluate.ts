// Macro means over queries (SCIENCE 1.1) and evaluation of a full score matrix.
import { mapAtR } from './map_at_r.js';
import { pmrp } from './pmrp.js';
import { toPositiveLists, positivesOf, type PositiveLists, type PositivesLike } from './positives.js';
import { rPrecision } from './r_precision.js';
import { RankTally, type QueryRanking, type TieMode } from './ranks.js';
import { recallAtK } from './recall_at_k.js';

export const DEFAULT_KS: readonly number[] = [1, 5, 10];

export interface MetricsOptions {
  /** Cut-offs for R@K; default [1, 5, 10]. K > N is clamped to N. */
  ks?: readonly number[];
  /** How ties in the scores are ordered; default 'expected'. */
  ties?: TieMode;
  /** Plausible-match sets for PMRP (one threshold). */
  pm?: PositivesLike;
  /** Several plausible-match sets (e.g. ζ = 0, 1, 2): PMRP is the mean of their PMRPs. */
  pmSets?: readonly PositivesLike[];
  /** Cut the ranked list to the top pmK for PMRP; the denominator becomes min(R, pmK). */
  pmK?: number;
}

export interface MetricsResult {
  /** R@K hit rates keyed by the requested K ("1", "5", "10"). */
  recall_at: Record<string, number>;
  r_precision: number;
  map_at_r: number;
  /** null when no plausible-match set was given (or none of its queries has a plausible match). */
  pmrp: number | null;
  queries: {
    /** Queries with at least one positive: every mean is over these. */
    evaluated: number;
    /** Queries with no positive (none listed, or all dropped): left out of every metric. */
    skipped_empty: number;
    /** Per plausible-match set, queries with a non-empty set (PMRP averages over these). */
    pm_evaluated?: number[];
  };
  /** Entries of the main positive sets dropped before evaluation (plausible-match sets not counted). */
  dropped: { out_of_range: number; duplicates: number };
}

export function checkKs(ks: readonly number[]): void {
  if (ks.length === 0) throw new RangeError('ks: give at least one K');
  for (const k of ks) if (!Number.isInteger(k) || k < 1) throw new RangeError(`ks: ${k} is not a positive integer`);
}

export function checkPmK(pmK: number | undefined): void {
  if (pmK != null && (!Number.isInteger(pmK) || pmK < 1)) throw new RangeError(`pmK: ${pmK} is not a positive integer`);
}

/** Running macro means of one direction. */
export class MetricsAccumulator {
  private readonly recall: Float64Array;
  private rp = 0;
  private map = 0;
  private evaluated = 0;
  private skipped = 0;
  private readonly pmSum: Float64Array;
  private readonly pmCount: Float64Array;

  constructor(
    private readonly ks: readonly number[],
    private readonly ties: TieMode,
    nPmSets: number,
    private readonly pmK?: number,
  ) {
    checkKs(ks);
    checkPmK(pmK);
    this.recall = new Float64Array(ks.length);
    this.pmSum = new Float64Array(nPmSets);
    this.pmCount = new Float64Array(nPmSets);
  }

  /** One query's main positives; null for a query without positives. */
  add(q: QueryRanking | null): void {
    if (!q) {
      this.skipped++;
      return;
    }
    this.evaluated++;
    for (let i = 0; i < this.ks.length; i++) this.recall[i] += recallAtK(q, this.ks[i], this.ties);
    this.rp += rPrecision(q, this.ties);
    this.map += mapAtR(q, this.ties);
  }

  /** Floats per query in writeValues()/addValues(): one per K, then R-Precision and mAP@R. */
  get valueWidth(): number {
    return this.ks.length + 2;
  }

  /**
   * Writes one query's metric values at out[offset..] (what add(q) would sum), for merging
   * partial evaluations in query order with addValues(): the sums come out bit-identical.
   */
  writeValues(q: QueryRanking, out: Float64Array, offset: number): void {
    for (let i = 0; i < this.ks.length; i++) out[offset + i] = recallAtK(q, this.ks[i], this.ties);
    out[offset + this.ks.length] = rPrecision(q, this.ties);
    out[offset + this.ks.length + 1] = mapAtR(q, this.ties);
  }

  /** add() from values written by writeValues(); null for a query without positives. */
  addValues(values: Float64Array | null, offset = 0): void {
    if (!values) {
      this.skipped++;
      return;
    }
    this.evaluated++;
    for (let i = 0; i < this.ks.length; i++) this.recall[i] += values[offset + i];
    this.rp += values[offset + this.ks.length];
    this.map += values[offset + this.ks.length + 1];
  }

  /** One query's PMRP for set `set`, as addPm() would compute it. */
  pmValue(q: QueryRanking): number {
    return pmrp(q, this.ties, this.pmK);
  }

  /** addPm() from a value of pmValue(); null when the query has no plausible match in the set. */
  addPmValue(set: number, value: number | null): void {
    if (value === null) return;
    this.pmCount[set]++;
    this.pmSum[set] += value;
  }

  /** One query's plausible matches from set `set`; null when the query has none in that set. */
  addPm(set: number, q: QueryRanking | null): void {
    if (!q) return;
    this.pmCount[set]++;
    this.pmSum[set] += pmrp(q, this.ties, this.pmK);
  }

  result(dropped: { out_of_range: number; duplicates: number }): MetricsResult {
    const n = this.evaluated;
    const recall_at: Record<string, number> = {};
    for (let i = 0; i < this.ks.length; i++) recall_at[String(this.ks[i])] = n ? this.recall[i] / n : NaN;
    let pm: number | null = null;
    const sets = this.pmSum.length;
    if (sets > 0) {
      let sum = 0;
      let used = 0;
      for (let s = 0; s < sets; s++) {
        if (this.pmCount[s] > 0) {
          sum += this.pmSum[s] / this.pmCount[s];
          used++;
        }
      }
      pm = used ? sum / used : null;
    }
    const queries: MetricsResult['queries'] = { evaluated: n, skipped_empty: this.skipped };
    if (sets > 0) queries.pm_evaluated = Array.from(this.pmCount);
    return {
      recall_at,
      r_precision: n ? this.rp / n : NaN,
      map_at_r: n ? this.map / n : NaN,
      pmrp: pm,
      queries,
      dropped,
    };
  }
}

export function pmSetsOf(opts: { pm?: PositivesLike; pmSets?: readonly PositivesLike[] }): PositivesLike[] {
  return [...(opts.pm ? [opts.pm] : []), ...(opts.pmSets ?? [])];
}

function rankRow(scores: Float32Array, q: number, nGallery: number, positives: Int32Array): QueryRanking | null {
  if (positives.length === 0) return null;
  const start = q * nGallery;
  const tally = new RankTally(positives, (j) => {
    const s = scores[start + positives[j]];
    if (Number.isNaN(s)) throw new RangeError(`scores row ${q} contains NaN`);
    return s;
  });
  tally.scan(scores, start, 1, nGallery, 0);
  if (tally.nan > 0) throw new RangeError(`scores row ${q} contains NaN`);
  return tally.finish(nGallery);
}

/**
 * R@K, R-Precision, mAP@R (and PMRP) of a row-major nQueries × nGallery score matrix (larger =
 * more similar), macro-averaged over queries that have positives.
 */
export function evaluateScores(
  scores: Float32Array,
  nQueries: number,
  nGallery: number,
  positives: PositivesLike,
  opts: MetricsOptions = {},
): MetricsResult {
  if (!Number.isInteger(nQueries) || !Number.isInteger(nGallery) || nQueries < 0 || nGallery < 1) {
    throw new RangeError(`bad shape ${nQueries} × ${nGallery}`);
  }
  if (scores.length !== nQueries * nGallery) {
    throw new RangeError(`scores hold ${scores.length} values, expected ${nQueries} × ${nGallery}`);
  }
  const lists = toPositiveLists(positives, nQueries, nGallery);
  const pmLists: PositiveLists[] = pmSetsOf(opts).map((pm) => toPositiveLists(pm, nQueries, nGallery));
  const acc = new MetricsAccumulator(opts.ks ?? DEFAULT_KS, opts.ties ?? 'expected', pmLists.length, opts.pmK);
  for (let q = 0; q < nQueries; q++) {
    acc.add(rankRow(scores, q, nGallery, positivesOf(lists, q)));
    for (let s = 0; s < pmLists.length; s++) acc.addPm(s, rankRow(scores, q, nGallery, positivesOf(pmLists[s], q)));
  }
  return acc.result({ out_of_range: lists.outOfRange, duplicates: lists.duplicates });
}
