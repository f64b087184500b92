// When a caption table's columns cannot be decided by name (no image or caption column among the
// common names, or a given column that is not there): the typed error the CLI prints (naming
// --columns) and the app turns into the column dialog, with the table's columns, their types, the
// columns each role could be (best first) and a best guess per role.
import { COLUMN_ROLES, type ColumnMap, type ColumnMappingDetail, type ColumnRole } from '../../../shared/dataset.js';
import { DatasetError } from './dataset.js';

export interface TableColumn {
  name: string;
  /** Readable type: string, binary, int64, list<float>, struct<bytes, path>, … ('unknown' when not read). */
  type: string;
}

export class ColumnMappingError extends DatasetError {
  /** Plain JSON: travels to the renderer as the error's `detail`. */
  readonly detail: ColumnMappingDetail;

  constructor(
    message: string,
    file: string,
    detail: ColumnMappingDetail,
    private readonly why: { reason: string; decided: ColumnMap },
  ) {
    super(message, file);
    this.name = 'ColumnMappingError';
    this.detail = detail;
  }

  /** The same error for the same table, its columns now with their types and the folder named. */
  withColumns(cols: TableColumn[], root: string): ColumnMappingError {
    const e = columnMappingError(this.why.reason, this.file, cols, this.why.decided, this.detail.undecided);
    e.detail.root = root;
    return e;
  }
}

const isString = (t: string): boolean => /^(string|utf8|large_?utf8|largeutf8)$/i.test(t);
const isBinary = (t: string): boolean => /^(binary|large_?binary|largebinary|fixedsizebinary.*)$/i.test(t);
const isStruct = (t: string): boolean => /^struct/i.test(t);
const isList = (t: string): boolean => /^(large_?)?(fixed_?size_?)?list/i.test(t);
const isStringList = (t: string): boolean => isList(t) && /(string|utf8)/i.test(t);
const isNumberList = (t: string): boolean => isList(t) && /(float|double|int|decimal)/i.test(t) && !/(string|utf8|binary|struct)/i.test(t);
const unknownType = (t: string): boolean => t === 'unknown';

const ranked = (cols: TableColumn[], fits: (c: TableColumn) => boolean, nameHint: RegExp): string[] =>
  cols
    .filter(fits)
    .map((c, i) => ({ c, i, hint: nameHint.test(c.name) ? 0 : 1 }))
    .sort((a, b) => a.hint - b.hint || a.i - b.i)
    .map((x) => x.c.name);

/** The columns each role could be, best first (by type, then a name that hints at the role). */
export function columnCandidates(cols: TableColumn[]): Record<ColumnRole, string[]> {
  return {
    image: ranked(cols, (c) => isString(c.type) || isBinary(c.type) || (isStruct(c.type) && /bytes|path/i.test(c.type)) || unknownType(c.type), /im(a)?g|pic|photo|file|path|url|uri/i),
    caption: ranked(cols, (c) => isString(c.type) || isStringList(c.type) || unknownType(c.type), /cap|text|desc|sent|title|prompt|alt|label/i),
    split: ranked(cols, (c) => isString(c.type) || unknownType(c.type), /split|subset|fold|part/i),
    image_embedding: ranked(cols, (c) => isNumberList(c.type) || unknownType(c.type), /im(a)?g|pic|photo|vis/i),
    text_embedding: ranked(cols, (c) => isNumberList(c.type) || unknownType(c.type), /text|cap|txt/i),
  };
}

/**
 * The error for a table whose columns are not decided: `decided` are the roles the reader found
 * (by name or from the mapping), `undecided` the ones it could not.
 */
export function columnMappingError(reason: string, file: string, cols: TableColumn[], decided: ColumnMap, undecided: ColumnRole[]): ColumnMappingError {
  const candidates = columnCandidates(cols);
  const names = new Set(cols.map((c) => c.name));
  const guess: ColumnMap = {};
  for (const role of COLUMN_ROLES) {
    const given = decided[role];
    if (given != null && names.has(given) && !undecided.includes(role)) guess[role] = given;
  }
  const taken = new Set(Object.values(guess));
  for (const role of ['image', 'caption'] as const) {
    if (guess[role] != null) continue;
    const pick = candidates[role].find((c) => !taken.has(c));
    if (pick != null) {
      guess[role] = pick;
      taken.add(pick);
    }
  }
  const listed = cols.map((c) => (c.type === 'unknown' ? c.name : `${c.name} (${c.type})`)).join(', ');
  const hint = `${guess.image ?? 'COL'}`;
  const message = `${reason}; its columns are ${listed}. Say which with --columns image=${hint},caption=${guess.caption ?? 'COL'} (in the app: choose them in the column dialog)`;
  return new ColumnMappingError(message, file, { kind: 'column-mapping', root: '', file, columns: cols, undecided, candidates, guess }, { reason, decided });
}
