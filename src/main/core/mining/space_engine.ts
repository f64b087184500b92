// One embedding space loaded for mining: image and caption rows (optionally a subset, e.g. one
// split) copied into a dot-product engine (WebAssembly SIMD when available, see
// compute/dot_engine.ts), with the per-item constants of the similarity.
//
// Similarity (SCIENCE 2.2, 4.2 step 1): 'cosine' normalises rows and scores ⟨u, v⟩; 'dot' scores
// raw inner products; 'csd' scores −(‖μ_i − μ_t‖² + T_i + T_t) with T = Σ_d exp(logσ²_d).
// Memory layout (floats): [images | captions | score block]; rows padded to a multiple of 4.
import { createDotEngine, paddedRow, type DotEngine, type EngineKind } from '../compute/dot_engine.js';
import type { RowBlocks } from '../io/row_shards.js';
import type { PairSpace } from './disk_space.js';

/** Rows kept on disk (the dataset's embeddings over the memory budget): mining reads them by block. */
export interface OnDiskRows {
  image: RowBlocks;
  text: RowBlocks;
  budgetBytes: number;
  /** Where the rows are (shown in messages). */
  source: string;
}

export type MiningSimilarity = 'cosine' | 'dot' | 'csd';

/** A space as mining needs it (a SpaceStore space or the dataset's own embeddings). */
export interface MiningSpaceInput {
  id: string;
  dims: number;
  /** nImages × dims, row-major. */
  image: Float32Array;
  /** nCaptions × dims, row-major. */
  text: Float32Array;
  imageLogvar?: Float32Array | null;
  textLogvar?: Float32Array | null;
  /** Default: 'csd' when both log-variances are given, else 'cosine'. */
  similarity?: MiningSimilarity;
  /** Set when the rows stay on disk; `image` and `text` are then empty (mining/disk_space.ts). */
  onDisk?: OnDiskRows | null;
}

export interface LoadOptions {
  /** Global image indices to load (ascending); default all. */
  images?: Int32Array;
  /** Global caption indices to load (ascending); default all. */
  texts?: Int32Array;
  /** Images per score block (default 256): the block holds blockRows × nTexts floats. */
  blockRows?: number;
  engine?: 'auto' | EngineKind;
}

function traces(logVar: Float32Array | null | undefined, rows: Int32Array | null, n: number, dims: number, what: string, total: number): Float64Array {
  const t = new Float64Array(n);
  if (!logVar) return t;
  const perDim = logVar.length === total * dims;
  if (!perDim && logVar.length !== total) throw new RangeError(`${what}: ${logVar.length} values, expected ${total} × ${dims} or ${total}`);
  for (let k = 0; k < n; k++) {
    const g = rows ? rows[k] : k;
    if (perDim) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += Math.exp(logVar[g * dims + d]);
      t[k] = s;
    } else t[k] = dims * Math.exp(logVar[g]);
  }
  return t;
}

export class LoadedSpace implements PairSpace {
  readonly id: string;
  readonly dims: number;
  readonly similarity: MiningSimilarity;
  readonly nImages: number;
  readonly nTexts: number;
  /** Global indices of the loaded rows (null: identity). */
  readonly imageRows: Int32Array | null;
  readonly textRows: Int32Array | null;
  readonly engine: DotEngine;
  readonly row: number;
  readonly blockRows: number;
  private readonly textOff: number;
  readonly blockOff: number;
  /** CSD constants a = ‖μ‖² + T (zeros otherwise). */
  private readonly aImage: Float64Array;
  private readonly aText: Float64Array;
  /** 1/‖row‖ (1 for cosine rows, which are normalised on load). */
  private readonly invImage: Float64Array;
  private readonly invText: Float64Array;

  constructor(input: MiningSpaceInput, opts: LoadOptions = {}) {
    const { dims } = input;
    if (input.onDisk) throw new Error(`space ${input.id}: its rows are on disk (${input.onDisk.source}, over the memory budget); this operation needs them in memory: raise the budget (MLENS_MEMORY_MB / --memory-mb)`);
    if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`space ${input.id}: dims ${dims} is not a positive integer`);
    if (input.image.length % dims || input.text.length % dims) throw new RangeError(`space ${input.id}: arrays are not a multiple of ${dims} dims`);
    const totalI = input.image.length / dims;
    const totalT = input.text.length / dims;
    this.id = input.id;
    this.dims = dims;
    this.similarity = input.similarity ?? (input.imageLogvar && input.textLogvar ? 'csd' : 'cosine');
    this.imageRows = opts.images ?? null;
    this.textRows = opts.texts ?? null;
    this.nImages = this.imageRows ? this.imageRows.length : totalI;
    this.nTexts = this.textRows ? this.textRows.length : totalT;
    if (this.nImages < 1 || this.nTexts < 1) throw new RangeError(`space ${input.id}: needs at least one image and one caption`);
    this.row = paddedRow(dims);
    this.blockRows = Math.max(1, Math.min(opts.blockRows ?? 256, this.nImages));
    this.textOff = this.nImages * this.row;
    this.blockOff = this.textOff + this.nTexts * this.row;
    this.engine = createDotEngine(this.blockOff + this.blockRows * this.nTexts, opts.engine ?? 'auto');
    const mem = this.engine.memory;
    const cosine = this.similarity === 'cosine';
    const load = (src: Float32Array, rows: Int32Array | null, n: number, off: number, sq: Float64Array, inv: Float64Array, total: number, what: string): void => {
      for (let k = 0; k < n; k++) {
        const g = rows ? rows[k] : k;
        if (g < 0 || g >= total) throw new RangeError(`space ${input.id}: ${what} index ${g} out of range`);
        const base = g * dims;
        let s = 0;
        for (let d = 0; d < dims; d++) s += src[base + d] * src[base + d];
        if (!Number.isFinite(s)) throw new RangeError(`space ${input.id}: ${what} row ${g} is not finite`);
        const scale = cosine && s > 0 ? 1 / Math.sqrt(s) : 1;
        const o = off + k * this.row;
        for (let d = 0; d < dims; d++) mem[o + d] = src[base + d] * scale;
        sq[k] = cosine ? (s > 0 ? 1 : 0) : s;
        inv[k] = cosine ? 1 : s > 0 ? 1 / Math.sqrt(s) : 0;
      }
    };
    this.aImage = new Float64Array(this.nImages);
    this.aText = new Float64Array(this.nTexts);
    this.invImage = new Float64Array(this.nImages);
    this.invText = new Float64Array(this.nTexts);
    load(input.image, this.imageRows, this.nImages, 0, this.aImage, this.invImage, totalI, 'image');
    load(input.text, this.textRows, this.nTexts, this.textOff, this.aText, this.invText, totalT, 'caption');
    if (this.similarity === 'csd') {
      const ti = traces(input.imageLogvar, this.imageRows, this.nImages, dims, 'imageLogvar', totalI);
      const tt = traces(input.textLogvar, this.textRows, this.nTexts, dims, 'textLogvar', totalT);
      for (let i = 0; i < this.nImages; i++) this.aImage[i] += ti[i];
      for (let c = 0; c < this.nTexts; c++) this.aText[c] += tt[c];
    }
  }

  get csd(): boolean {
    return this.similarity === 'csd';
  }

  imageOffset(i: number): number {
    return i * this.row;
  }

  textOffset(c: number): number {
    return this.textOff + c * this.row;
  }

  /** Image constant of the CSD score (0 unless csd). */
  imageConst(i: number): number {
    return this.csd ? this.aImage[i] : 0;
  }

  textConst(c: number): number {
    return this.csd ? this.aText[c] : 0;
  }

  /** Score of local image i and local caption c, identical to the block's entry. */
  score(i: number, c: number): number {
    const d = this.engine.dot(i * this.row, this.textOff + c * this.row, this.row);
    return this.csd ? Math.fround(-(this.aImage[i] + this.aText[c] - 2 * d)) : d;
  }

  /** Cosine of two images' (mean) vectors. */
  cosImages(i: number, j: number): number {
    return this.engine.dot(i * this.row, j * this.row, this.row) * this.invImage[i] * this.invImage[j];
  }

  /** Cosine of two captions' (mean) vectors. */
  cosTexts(c: number, d: number): number {
    return this.engine.dot(this.textOff + c * this.row, this.textOff + d * this.row, this.row) * this.invText[c] * this.invText[d];
  }

  /** Scores images i0..i0+rows-1 against every loaded caption; returns the block's offset in memory. */
  scoreBlock(i0: number, rows: number): number {
    if (rows > this.blockRows) throw new RangeError(`block of ${rows} rows exceeds ${this.blockRows}`);
    const nT = this.nTexts;
    this.engine.dots(i0 * this.row, rows, this.textOff, nT, this.row, this.blockOff, nT);
    if (this.csd) {
      const mem = this.engine.memory;
      for (let i = 0; i < rows; i++) {
        const ai = this.aImage[i0 + i];
        const o = this.blockOff + i * nT;
        for (let c = 0; c < nT; c++) mem[o + c] = -(ai + this.aText[c] - 2 * mem[o + c]);
      }
    }
    return this.blockOff;
  }
}
