// Vector columns of a caption table (Embedding Atlas and Hugging Face keep embeddings beside the
// captions: a list<float> or fixed_size_list column). An image vector column and a text vector
// column together become the dataset's precomputed space, like embeddings/image.npy + text.npy.
// A row whose vector has another length than the first one, or holds NaN/Inf, is named with its
// file and row; its vector is set to 0 and the rest of the space stays.
import type { Embeddings } from './dataset.js';
import type { ProblemLog } from './problems.js';

const IMAGE_VECTOR_NAMES = ['image_embedding', 'image_embeddings', 'image_emb', 'img_emb', 'image_vector', 'image_features', 'clip_image_embedding'];
const TEXT_VECTOR_NAMES = ['text_embedding', 'text_embeddings', 'text_emb', 'caption_embedding', 'text_vector', 'text_features', 'clip_text_embedding'];

export interface VectorColumns {
  image?: string;
  text?: string;
}

/** The vector columns of a table: the mapping's when given, else the first common name. */
export function chooseVectorColumns(columns: string[], map: { image_embedding?: string; text_embedding?: string }): VectorColumns {
  const lower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const pick = (names: string[]): string | undefined => names.map((n) => lower.get(n)).find((c) => c != null);
  return { image: map.image_embedding ?? pick(IMAGE_VECTOR_NAMES), text: map.text_embedding ?? pick(TEXT_VECTOR_NAMES) };
}

/** A vector cell as numbers, or null when it is not a list of numbers. */
export function vectorValues(v: unknown): ArrayLike<number> | null {
  if (v instanceof Float32Array || v instanceof Float64Array) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof Uint8Array)) return v as unknown as ArrayLike<number>;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null)) return v.map((x) => (x === null ? NaN : (x as number)));
  return null;
}

/** Vectors of one modality, one per image or caption, in order. */
export class VectorColumn {
  private rows: Array<ArrayLike<number> | null> = [];
  private dims = -1;
  private firstWhere = '';

  constructor(
    readonly what: 'image' | 'caption',
    private readonly log: ProblemLog,
  ) {}

  get length(): number {
    return this.rows.length;
  }

  /** Adds the vector of `cell`; file, 1-based line, `where` ("row 3", "line 4") and column name it in problems. */
  add(cell: unknown, file: string, line: number, where: string, column: string): void {
    const v = vectorValues(cell);
    const fault = (message: string): void => {
      this.log.add('bad vectors', { severity: 'error', file, line: line > 0 ? line : undefined, message: `${where}: "${column}" ${message}; this ${this.what}'s vector is set to 0` });
      this.rows.push(null);
    };
    if (!v) return fault(`is not a list of numbers (got ${cell === null ? 'null' : Array.isArray(cell) ? 'a list of other values' : typeof cell})`);
    if (v.length === 0) return fault('is an empty list');
    if (this.dims < 0) {
      this.dims = v.length;
      this.firstWhere = `${file} ${where}`;
    } else if (v.length !== this.dims) return fault(`has ${v.length} values but ${this.firstWhere} has ${this.dims}`);
    for (let k = 0; k < v.length; k++) {
      if (!Number.isFinite(v[k])) return fault(`holds ${Number.isNaN(v[k]) ? 'NaN' : 'Inf'} at position ${k}`);
    }
    this.rows.push(v);
  }

  /** The vectors as one row-major matrix, or null when no row was usable. */
  matrix(): { data: Float32Array; dims: number } | null {
    if (this.dims < 0) return null;
    const data = new Float32Array(this.rows.length * this.dims);
    this.rows.forEach((v, i) => v && data.set(v, i * this.dims));
    return { data, dims: this.dims };
  }
}

/**
 * The precomputed space from an image and a text vector column, or null (with a warning when only
 * one of them is there, or an error when their lengths differ).
 */
export function vectorSpace(image: VectorColumn | null, text: VectorColumn | null, names: VectorColumns, source: string, log: ProblemLog): Embeddings | null {
  if (!image && !text) return null;
  if (!image || !text) {
    const [have, miss] = image ? [names.image, 'text'] : [names.text, 'image'];
    log.push({ severity: 'warning', file: source, message: `has the vector column "${have}" but no ${miss} vector column (a space needs both; say which with --columns image_embedding=COL,text_embedding=COL); no space from the table` });
    return null;
  }
  const a = image.matrix();
  const b = text.matrix();
  if (!a || !b) return null;
  if (a.dims !== b.dims) {
    log.push({ severity: 'error', file: source, message: `image vectors ("${names.image}") have ${a.dims} values but text vectors ("${names.text}") have ${b.dims}; no space from the table` });
    return null;
  }
  return { dims: a.dims, dtype: 'float32', image: a.data, text: b.data, imageLogvar: null, textLogvar: null, source: `table columns ${names.image}, ${names.text}` };
}
