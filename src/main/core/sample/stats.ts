// Multiplicity statistics of a generated sample (the quantities of SCIENCE.md §6.4's table).

export interface Summary {
  mean: number;
  sd: number;
  median: number;
  max: number;
}

export interface SplitStats {
  images: number;
  captions: number;
  validPairs: number;
}

export interface SampleStats {
  generator: 'multiplicity-lens-sample';
  version: 1;
  preset: 'A' | 'B' | 'C';
  seed: number;
  size: 128 | 224;
  scale: number;
  noise: number;
  images: number;
  captions: number;
  /** Annotated captions per image (5 for A and C, 2 for B). */
  captionsPerImageAnnotatedTarget: number;
  annotatedPairs: number;
  /** Σ_c |truth(c)|, truth within each split. */
  validPairs: number;
  /** Share of valid pairs that are not annotated: the false negatives of one-to-one annotation. */
  unannotatedValidShare: number;
  imagesPerCaption: { annotated: Summary; true: Summary };
  captionsPerImage: { annotated: Summary; true: Summary };
  noisyPairs: number;
  splits: Record<string, SplitStats>;
  /** Whether images/ holds the PNGs (false only when a test skipped rendering). */
  rendered: boolean;
}

function round(v: number): number {
  return Math.round(v * 10000) / 10000;
}

export function summarise(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) return { mean: 0, sd: 0, median: 0, max: 0 };
  let sum = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    sum += values[i];
    if (values[i] > max) max = values[i];
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const sorted = Float64Array.from(values).sort();
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { mean: round(mean), sd: round(Math.sqrt(ss / n)), median: round(median), max: round(max) };
}

export { round as roundStat };
