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
}

export interface Encoder {
  /** 'baseline', 'clip:/abs/model/dir', 'tfjs:/abs/dir', 'npy:/abs/img.npy,/abs/txt.npy', … */
  readonly id: string;
  /** Parameters that change the output (they key the cache). */
  readonly params: Record<string, unknown>;
  /** Hash of the weights / model files (or of the code version for the baseline). */
  weightsHash(): Promise<string>;
  /** Throws before any work when inputs are missing or will not fit in memory. */
  check?(ctx: EncodeContext): Promise<void>;
  encode(ctx: EncodeContext): Promise<EncoderOutput>;
}
