// Metrics of an embedding space, both directions, scoring block by block (SCIENCE 1.1, 2.2).
//
// One pass over the image × caption score matrix serves both directions: a block holds the scores
// of `blockSize` images against every caption. Image rows are complete inside the block, so i2t
// queries are ranked at once. Caption queries (t2i) keep a RankTally each, fed the block's column
// for that caption; their positives' scores are computed up front with the same kernel, so they
// are bit-identical to the block's. The full matrix is never allocated.
import { createDotEngine, paddedRow, type DotEngine, type EngineKind } from '../compute/dot_engine.js';
import { DEFAULT_KS, MetricsAccumulator, type MetricsOptions, type MetricsResult } from './evaluate.js';
import { invertPositives, positivesOf, toPositiveLists, type PositiveLists, type PositivesLike } from './positives.js';
import { RankTally, type QueryRanking } from './ranks.js';

export type Similarity = 'cosine' | 'dot' | 'csd';

export interface SpaceOptions extends Omit<MetricsOptions, 'pm' | 'pmSets'> {
  /**
   * 'cosine' (default): rows are L2-normalised first; 'dot': raw inner products;
   * 'csd': −(‖μ_q − μ_g‖² + T_q + T_g) with T = Σ_d exp(logσ²_d) (SCIENCE 2.2). Giving log-variances
   * selects 'csd' unless a similarity is named.
   */
  similarity?: Similarity;
  /** Per-image log σ²: nImages × dims, or nImages (one value for every dimension). */
  imageLogVar?: Float32Array;
  /** Per-caption log σ²: nCaptions × dims, or nCaptions. */
  textLogVar?: Float32Array;
  /** Plausible-match sets per direction (each list: one threshold); PMRP is their mean. */
  pm?: { i2t?: readonly PositivesLike[]; t2i?: readonly PositivesLike[] };
  /** Images per block (default 256): memory is blockSize × nCaptions floats. */
  blockSize?: number;
  /** Dot-product engine; 'auto' (default) uses WebAssembly SIMD when available. */
  engine?: 'auto' | EngineKind;
  /** Called after every block with images done and total. */
  onProgress?: (done: number, total: number) => void;
}

export interface SpaceResult {
  i2t: MetricsResult;
  t2i: MetricsResult;
}

export const DEFAULT_BLOCK = 256;

/** The embedding space loaded into a dot engine, with per-item constants for the similarity. */
export interface ScoredSpace {
  engine: DotEngine;
  nImages: number;
  nTexts: number;
  /** Score of image i and caption c, bit-identical to the block's entry. */
  pairScore(i: number, c: number): number;
  /**
   * Scores images i0..i0+rows-1 against every caption into the engine memory; returns the offset
   * of the block (row-major rows × nTexts).
   */
  scoreBlock(i0: number, rows: number): number;
}

function traces(logVar: Float32Array | undefined, n: number, dims: number, what: string): Float64Array {
  const t = new Float64Array(n);
  if (!logVar) return t;
  if (logVar.length === n * dims) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += Math.exp(logVar[i * dims + d]);
      t[i] = s;
    }
  } else if (logVar.length === n) {
    for (let i = 0; i < n; i++) t[i] = dims * Math.exp(logVar[i]);
  } else {
    throw new RangeError(`${what}: ${logVar.length} values, expected ${n} × ${dims} or ${n}`);
  }
  return t;
}

/** Loads the space into an engine (copying, padding and, for cosine, normalising rows). */
export function scoreSpace(
  image: Float32Array,
  text: Float32Array,
  dims: number,
  opts: Pick<SpaceOptions, 'similarity' | 'imageLogVar' | 'textLogVar' | 'blockSize' | 'engine'> = {},
): ScoredSpace {
  if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`dims: ${dims} is not a positive integer`);
  if (image.length % dims || text.length % dims) {
    throw new RangeError(`embeddings hold ${image.length} / ${text.length} values, not a multiple of ${dims} dims`);
  }
  const nImages = image.length / dims;
  const nTexts = text.length / dims;
  if (nImages < 1 || nTexts < 1) throw new RangeError('both image and text embeddings need at least one row');
  const similarity: Similarity = opts.similarity ?? (opts.imageLogVar || opts.textLogVar ? 'csd' : 'cosine');
  const block = Math.min(opts.blockSize ?? DEFAULT_BLOCK, nImages);
  if (!Number.isInteger(block) || block < 1) throw new RangeError(`blockSize: ${opts.blockSize} is not a positive integer`);
  const row = paddedRow(dims);
  const textOff = nImages * row;
  const blockOff = textOff + nTexts * row;
  const engine = createDotEngine(blockOff + block * nTexts, opts.engine ?? 'auto');
  const mem = engine.memory;
  const load = (src: Float32Array, n: number, off: number, sq: Float64Array, what: string): void => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += src[i * dims + d] * src[i * dims + d];
      if (Number.isNaN(s)) throw new RangeError(`${what} embedding row ${i} contains NaN`);
      const scale = similarity === 'cosine' && s > 0 ? 1 / Math.sqrt(s) : 1;
      for (let d = 0; d < dims; d++) mem[off + i * row + d] = src[i * dims + d] * scale;
      sq[i] = s;
    }
  };
  // For CSD: score = −(a_q + a_g − 2⟨μ_q, μ_g⟩) with a = ‖μ‖² + T.
  const aImage = new Float64Array(nImages);
  const aText = new Float64Array(nTexts);
  load(image, nImages, 0, aImage, 'image');
  load(text, nTexts, textOff, aText, 'text');
  const csd = similarity === 'csd';
  if (csd) {
    const ti = traces(opts.imageLogVar, nImages, dims, 'imageLogVar');
    const tt = traces(opts.textLogVar, nTexts, dims, 'textLogVar');
    for (let i = 0; i < nImages; i++) aImage[i] += ti[i];
    for (let c = 0; c < nTexts; c++) aText[c] += tt[c];
  }
  return {
    engine,
    nImages,
    nTexts,
    pairScore(i, c) {
      const d = engine.dot(i * row, textOff + c * row, row);
      return csd ? Math.fround(-(aImage[i] + aText[c] - 2 * d)) : d;
    },
    scoreBlock(i0, rows) {
      if (rows > block) throw new RangeError(`block of ${rows} rows exceeds ${block}`);
      engine.dots(i0 * row, rows, textOff, nTexts, row, blockOff, nTexts);
      if (csd) {
        for (let i = 0; i < rows; i++) {
          const ai = aImage[i0 + i];
          const o = blockOff + i * nTexts;
          for (let c = 0; c < nTexts; c++) mem[o + c] = -(ai + aText[c] - 2 * mem[o + c]);
        }
      }
      return blockOff;
    },
  };
}

/** The full nImages × nCaptions score matrix (for small spaces and checks). */
export function spaceScores(image: Float32Array, text: Float32Array, dims: number, opts: Pick<SpaceOptions, 'similarity' | 'imageLogVar' | 'textLogVar' | 'blockSize' | 'engine'> = {}): Float32Array {
  const space = scoreSpace(image, text, dims, opts);
  const { nImages, nTexts } = space;
  const out = new Float32Array(nImages * nTexts);
  const block = Math.min(opts.blockSize ?? DEFAULT_BLOCK, nImages);
  for (let i0 = 0; i0 < nImages; i0 += block) {
    const rows = Math.min(block, nImages - i0);
    const off = space.scoreBlock(i0, rows);
    out.set(space.engine.memory.subarray(off, off + rows * nTexts), i0 * nTexts);
  }
  return out;
}

/**
 * One RankTally per caption with positives (null otherwise), ranking its positives' scores among the
 * images it will scan; `galleryStart` > 0 when the scan starts at that image (a worker's range).
 */
export function captionTallies(space: Pick<ScoredSpace, 'pairScore' | 'nTexts'>, lists: PositiveLists, galleryStart = 0): (RankTally | null)[] {
  const out: (RankTally | null)[] = new Array(space.nTexts);
  for (let c = 0; c < space.nTexts; c++) {
    const pos = positivesOf(lists, c);
    if (!pos.length) {
      out[c] = null;
      continue;
    }
    const t = new RankTally(pos, (j) => space.pairScore(pos[j], c));
    if (galleryStart > 0) t.startAt(galleryStart);
    out[c] = t;
  }
  return out;
}

/** The i2t ranking of one image whose scores against the nTexts captions sit at mem[off…]. */
export function rankScoreRow(mem: Float32Array, off: number, pos: Int32Array, nTexts: number): QueryRanking | null {
  if (!pos.length) return null;
  const tally = new RankTally(pos, (j) => mem[off + pos[j]]);
  tally.scan(mem, off, 1, nTexts, 0);
  return tally.finish(nTexts);
}

function finishAll(tallies: (RankTally | null)[], n: number, add: (q: QueryRanking | null) => void): void {
  for (let c = 0; c < tallies.length; c++) {
    const t = tallies[c];
    add(t ? t.finish(n) : null);
    tallies[c] = null;
  }
}

/**
 * R@K, R-Precision, mAP@R (and PMRP) in both directions. t2iPositives lists, per caption, its
 * positive images; i2t positives are its inverse.
 */
export function evaluateSpace(
  image: Float32Array,
  text: Float32Array,
  dims: number,
  t2iPositives: PositivesLike,
  opts: SpaceOptions = {},
): SpaceResult {
  const space = scoreSpace(image, text, dims, opts);
  const { nImages, nTexts, engine } = space;
  const ks = opts.ks ?? DEFAULT_KS;
  const ties = opts.ties ?? 'expected';
  const t2i = toPositiveLists(t2iPositives, nTexts, nImages);
  const i2t = invertPositives(t2i);
  const pmT2i: PositiveLists[] = (opts.pm?.t2i ?? []).map((p) => toPositiveLists(p, nTexts, nImages));
  const pmI2t: PositiveLists[] = (opts.pm?.i2t ?? []).map((p) => toPositiveLists(p, nImages, nTexts));
  const accI2t = new MetricsAccumulator(ks, ties, pmI2t.length, opts.pmK);
  const accT2i = new MetricsAccumulator(ks, ties, pmT2i.length, opts.pmK);

  const t2iTallies = captionTallies(space, t2i);
  const pmTallies = pmT2i.map((lists) => captionTallies(space, lists));

  const mem = engine.memory;
  const rankImage = (off: number, pos: Int32Array): QueryRanking | null => rankScoreRow(mem, off, pos, nTexts);
  const block = Math.min(opts.blockSize ?? DEFAULT_BLOCK, nImages);
  for (let i0 = 0; i0 < nImages; i0 += block) {
    const rows = Math.min(block, nImages - i0);
    const off = space.scoreBlock(i0, rows);
    for (let i = 0; i < rows; i++) {
      const rowOff = off + i * nTexts;
      accI2t.add(rankImage(rowOff, positivesOf(i2t, i0 + i)));
      for (let s = 0; s < pmI2t.length; s++) accI2t.addPm(s, rankImage(rowOff, positivesOf(pmI2t[s], i0 + i)));
    }
    for (const tallies of [t2iTallies, ...pmTallies]) {
      for (let c = 0; c < nTexts; c++) tallies[c]?.scan(mem, off + c, nTexts, rows, i0);
    }
    opts.onProgress?.(i0 + rows, nImages);
  }
  finishAll(t2iTallies, nImages, (q) => accT2i.add(q));
  pmTallies.forEach((tallies, s) => finishAll(tallies, nImages, (q) => accT2i.addPm(s, q)));
  return {
    i2t: accI2t.result({ out_of_range: 0, duplicates: 0 }),
    t2i: accT2i.result({ out_of_range: t2i.outOfRange, duplicates: t2i.duplicates }),
  };
}
