// The in-memory dataset every reader produces (generic folder, COCO, Karpathy).
import type { DatasetFormat, Problem } from '../../../shared/dataset.js';
import type { StreamedEmbeddings } from './embedding_stream.js';

export interface DatasetImage {
  /** The dataset's own id (file name stem, COCO image id, Karpathy imgid). */
  id: string;
  /** Path relative to the dataset root, forward slashes; always inside the root. */
  path: string;
  split: string | null;
  /** The file does not exist on disk (listed in problems). */
  missing: boolean;
}

export interface DatasetCaption {
  id: string;
  text: string;
  /** Index into images of the annotated image. */
  imageIndex: number;
  split: string | null;
  /** Extra fields from the source line, kept for the readers that use them (atoms, aspects on the sample). */
  extra?: Record<string, unknown>;
}

export interface Embeddings {
  dims: number;
  dtype: 'float32' | 'float16';
  /** Row-major nImages × dims, converted to float32. */
  image: Float32Array;
  /** Row-major nCaptions × dims. */
  text: Float32Array;
  imageLogvar: Float32Array | null;
  textLogvar: Float32Array | null;
  source: string;
  /** The contents of embeddings/meta.json when present (encoder, normalisation, ...). */
  meta?: Record<string, unknown>;
}

export interface Dataset {
  root: string;
  name: string;
  format: DatasetFormat;
  /** In order of first appearance. */
  images: DatasetImage[];
  /** In file order. */
  captions: DatasetCaption[];
  /** truth[c] = sorted valid image indices for caption c (from truth.jsonl), or null. */
  truth: Int32Array[] | null;
  /** truth.jsonl exists but was not read (OpenOptions.readTruth false): `truth` is null for that reason only. */
  truthNotRead?: boolean;
  /** Extra valid pairs from positives.jsonl: [imageIndex, captionIndex, label|0]. */
  positives: Array<[number, number, number]>;
  embeddings: Embeddings | null;
  /** Embeddings over the memory budget, kept on disk and read by row range (then `embeddings` is null). */
  streamed?: StreamedEmbeddings | null;
  problems: Problem[];
  /** sha256 (hex, first 16 chars) of the index files' bytes. */
  hash: string;
}

/** A fatal error that stops a dataset from opening, naming the file and line. */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line != null ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = 'DatasetError';
  }
}
