// The encoder contract: every way of turning a dataset into a space implements Encoder.
// Encoders run inside worker threads (src/main/workers/encode.worker.ts); they receive the
// dataset as plain data and return typed arrays.
import type { Problem } from '../../../shared/dataset.js';
import type { Dataset } from '../datasets/dataset.js';
import type { ProgressFn } from '../jobs/job.js';

export interface EncodeContext {
  dataset: Dataset;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  /** Name of the tensor backend in use (from initBackend), recorded in the run. */
  backend?: string;
  /**
   * Content hash of each image file (null: missing or unreadable), computed by the job before
   * encoding; encoders key per-item caches with it, so changing one image recomputes one item.
   */
  imageHashes?: (string | null)[];
  /**
   * Per-item cache by namespace (name the extractor, its version and parameters). Rows put here are
   * written to disk only when the job succeeds.
   */
  featureCache?: (namespace: string) => ItemCache;
}

/** Rows keyed by content hash (see feature_cache.ts). */
export interface ItemCache {
  get(key: string, dims: number): Float32Array | undefined;
  put(key: string, row: Float32Array): void;
}

export interface EncoderOutput {
  dims: number;
  /** nImages × dims, row-major, in item order. */
  image: Float32Array;
  /** nCaptions × dims, row-major, in item order. */
  text: Float32Array;
  imageLogvar?: Float32Array | null;
  textLogvar?: Float32Array | null;
  /** Rows are L2-normalised. */
  normalized: boolean;
  /** Items that could not be encoded (unreadable images, …): their rows are zero. */
  skipped: Problem[];
  /** Counters for the job's result (e.g. imagesEncoded, imagesFromCache). */
  stats?: Record<string, number>;
  /** The compute backend actually used when it is not the tfjs one in EncodeContext.backend. */
  backend?: string;
}

export interface Encoder {
  /** 'baseline', 'clip:/abs/model/dir', 'tfjs:/abs/dir', 'npy:/abs/img.npy,/abs/txt.npy', … */
  readonly id: string;
  /** Parameters that change the output (they key the cache). */
  readonly params: Record<string, unknown>;
  /** Hash of the weights / model files (or of the code version for the baseline). */
  weightsHash(): Promise<string>;
  /** False when the output does not depend on image pixels (precomputed spaces); default true. */
  readonly readsPixels?: boolean;
  /** False when the encoder does not use the tfjs backend (the job then does not start one). */
  readonly usesTensors?: boolean;
  /** Settings that differ from the encoder's defaults, for the space's name ('textDropout=0.4'). */
  readonly settingsLabel?: string;
  /** Peak bytes the encoding needs for this dataset (the job refuses when it will not fit). */
  estimateBytes?(dataset: Dataset): number;
  /** Throws before any work when inputs are missing or will not fit in memory. */
  check?(ctx: EncodeContext): Promise<void>;
  encode(ctx: EncodeContext): Promise<EncoderOutput>;
}
