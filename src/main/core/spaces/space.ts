// A space: one set of embeddings for all items of a dataset (DESIGN.md "Data model"), with the
// provenance of the run that made it. Stored as flat little-endian float32 files plus a JSON
// header (space.json), never as JSON arrays.

export interface RunRecord {
  appVersion: string;
  datasetHash: string;
  encoder: string;
  weightsHash: string;
  params: Record<string, unknown>;
  seed: number | null;
  /** Tensor backend the run used (e.g. 'wasm', 'cpu', 'tensorflow', 'js'). */
  backend: string;
  startedAt: string;
  seconds: number;
}

export interface SpaceRecord {
  /** Short content-derived id, used by every CLI verb as --space ID. */
  id: string;
  /** Human-readable name shown in the UI. */
  name: string;
  /** Encoder id: 'dataset' (embeddings/*.npy of the folder), 'baseline', 'clip:PATH', 'tfjs:PATH', 'npy:IMG,TXT', 'pcme', 'cond:ASPECT', 'multipos', … */
  encoder: string;
  weightsHash: string;
  dims: number;
  nImages: number;
  nCaptions: number;
  probabilistic: boolean;
  /** Rows are L2-normalised (cosine = dot). */
  normalized: boolean;
  /** Space this one was derived from (heads trained on top of a space). */
  parent: string | null;
  /** Condition for conditional spaces (e.g. 'colour'). */
  condition: string | null;
  run: RunRecord;
}

export interface SpaceArrays {
  /** nImages × dims, row-major. */
  image: Float32Array;
  /** nCaptions × dims, row-major. */
  text: Float32Array;
  imageLogvar: Float32Array | null;
  textLogvar: Float32Array | null;
}

export interface Space extends SpaceArrays {
  record: SpaceRecord;
}
