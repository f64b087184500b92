// Capture–recapture estimate of the false negatives still unfound (SCIENCE 4.2 step 8).
//
// Two encoders' candidate sets are two "captures" of the valid unannotated pairs. On queries whose
// candidates are all reviewed, n₁ (n₂) confirmed pairs were proposed by encoder 1 (2), m by both;
// Chapman's estimator of the total is N̂ = (n₁+1)(n₂+1)/(m+1) − 1 with variance
// (n₁+1)(n₂+1)(n₁−m)(n₂−m)/((m+1)²(m+2)). Encoders err in correlated ways (both miss the same hard
// pairs), which biases N̂ low: read it as a lower bound. On the sample dataset the bias is
// measured against the truth (multiplicity_stats.ts).

export interface Chapman {
  n1: number;
  n2: number;
  m: number;
  /** Estimated total N̂. */
  estimate: number;
  variance: number;
  /** 95 % normal interval, clipped below at n₁ + n₂ − m. */
  ci95: [number, number];
  /** Found by either: n₁ + n₂ − m. */
  found: number;
  /** N̂ − found. */
  remaining: number;
}

export function chapman(n1: number, n2: number, m: number): Chapman {
  for (const [k, v] of Object.entries({ n1, n2, m })) if (!Number.isInteger(v) || v < 0) throw new RangeError(`${k} must be a non-negative integer (got ${v})`);
  if (m > n1 || m > n2) throw new RangeError(`m (${m}) cannot exceed n1 (${n1}) or n2 (${n2})`);
  const estimate = ((n1 + 1) * (n2 + 1)) / (m + 1) - 1;
  const variance = ((n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m)) / ((m + 1) ** 2 * (m + 2));
  const found = n1 + n2 - m;
  const half = 1.96 * Math.sqrt(variance);
  return { n1, n2, m, estimate, variance, ci95: [Math.max(found, estimate - half), estimate + half], found, remaining: Math.max(0, estimate - found) };
}

export interface RecaptureInput {
  /** Candidates: image, caption and the bitmask of the spaces that proposed each. */
  image: ArrayLike<number>;
  caption: ArrayLike<number>;
  sources: ArrayLike<number>;
  /** 1 valid, 0 not, −1 not reviewed (per candidate). */
  label: ArrayLike<number>;
  /** Captions in the gallery (to extrapolate from the fully reviewed ones). */
  nCaptions: number;
}

export interface RecaptureEstimate extends Chapman {
  /** Captions whose candidates are all reviewed (the estimate's population). */
  queries: number;
  /** Remaining per fully reviewed query × all captions. */
  remainingExtrapolated: number;
  spaces: [number, number];
}

/** Chapman over spaces a and b (bit indices) on fully reviewed caption queries. */
export function estimateRemaining(input: RecaptureInput, a: number, b: number): RecaptureEstimate | null {
  const complete = new Map<number, boolean>();
  for (let k = 0; k < input.caption.length; k++) {
    const c = input.caption[k];
    complete.set(c, (complete.get(c) ?? true) && input.label[k] >= 0);
  }
  let queries = 0;
  for (const v of complete.values()) if (v) queries++;
  if (!queries) return null;
  let n1 = 0;
  let n2 = 0;
  let m = 0;
  for (let k = 0; k < input.caption.length; k++) {
    if (!complete.get(input.caption[k]) || input.label[k] !== 1) continue;
    const inA = (input.sources[k] >> a) & 1;
    const inB = (input.sources[k] >> b) & 1;
    n1 += inA;
    n2 += inB;
    m += inA & inB;
  }
  const c = chapman(n1, n2, m);
  return { ...c, queries, remainingExtrapolated: (c.remaining / queries) * input.nCaptions, spaces: [a, b] };
}
