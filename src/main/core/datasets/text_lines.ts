// Line-by-line reading of plain-text index files (CSV, token lists) with exact line numbers and
// strict UTF-8: a line that is not valid UTF-8 is reported with its number, never silently replaced.
import { readFileSync, statSync } from 'node:fs';
import { DatasetError } from './dataset.js';
import { formatBytes } from './jsonl.js';

/** Plain-text index files are read whole; 1 GiB is far beyond any caption list. */
export const MAX_TEXT_BYTES = 1024 * 1024 * 1024;

export interface TextLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

/**
 * Calls `each` for every non-empty line (CRLF and a leading BOM handled). Lines that are not valid
 * UTF-8 go to `bad` with their number instead.
 */
export function forEachTextLine(abs: string, file: string, each: (l: TextLine) => void, bad: (line: number) => void): number {
  const size = statSync(abs).size;
  if (size > MAX_TEXT_BYTES) throw new DatasetError(`is ${formatBytes(size)}, larger than the ${formatBytes(MAX_TEXT_BYTES)} a caption list may be`, file);
  const buf = readFileSync(abs);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let line = 0;
  while (start < buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    line++;
    let stop = end;
    if (stop > start && buf[stop - 1] === 0x0d) stop--;
    if (stop > start) {
      let text: string | null = null;
      try {
        text = decoder.decode(buf.subarray(start, stop));
      } catch {
        bad(line);
      }
      if (text !== null && text.trim() !== '') each({ line, text });
    }
    start = end + 1;
  }
  return line;
}
