// CSV as RFC 4180 writes it: fields separated by commas, a field with a comma, a quote or a line
// break quoted, quotes doubled. One reader for every CSV the app opens (CxC SITS files, label
// exports), so a caption or a note with a line break survives a round trip.

export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Splits CSV text into records; blank lines are skipped. Throws CsvSyntaxError on a quote left open. */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let cur = '';
  let quoted = false;
  let quotedAt = 0;
  let wasQuoted = false;
  let line = 1;
  let start = 1;
  const endRecord = (): void => {
    fields.push(cur);
    if (fields.length > 1 || fields[0] !== '' || wasQuoted) out.push({ fields, line: start });
    fields = [];
    cur = '';
    wasQuoted = false;
  };
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (quoted) {
      if (ch === '"') {
        if (text[k + 1] === '"') {
          cur += '"';
          k++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cur += ch;
      }
    } else if (ch === '"' && cur === '') {
      quoted = true;
      wasQuoted = true;
      quotedAt = line;
    } else if (ch === ',') {
      fields.push(cur);
      cur = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[k + 1] === '\n') k++;
      endRecord();
      line++;
      start = line;
    } else cur += ch;
  }
  if (quoted) throw new CsvSyntaxError('unbalanced quote', quotedAt);
  if (cur !== '' || fields.length || wasQuoted) endRecord();
  return out;
}

/** One field as CSV: quoted when it holds a comma, a quote, a line break or leading/trailing space. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v == null) return '';
  const s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return values.map(csvField).join(',');
}
