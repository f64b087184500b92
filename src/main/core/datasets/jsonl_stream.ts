// Line-numbered JSONL streaming. Every error names the file (dataset-relative) and the 1-based line.
import { createReadStream, statSync } from 'node:fs';
import { DatasetError } from './dataset.js';
import { parseJsonText } from './jsonl.js';

/** Longest JSONL line read (1 MiB): a longer one is a bad line, never buffered whole. */
export const MAX_LINE_BYTES = 1 << 20;

export interface JsonlOptions {
  /** Called now and then with bytes read so far and the file size. */
  onBytes?: (done: number, total: number) => void;
  /**
   * Called with the 1-based line and a message for a line that cannot be a record (not UTF-8, not
   * JSON, over maxLineBytes). Without it such a line throws DatasetError naming file and line.
   */
  onBadLine?: (line: number, message: string) => void;
  maxLineBytes?: number;
  /**
   * Offered each non-empty line's bytes first (BOM and CR removed): returning true takes the line
   * as read, with no UTF-8 decode and no JSON.parse. A caller's fast path for its own common
   * shape (truth.jsonl's lists of numbers); it must accept only what JSON would read the same.
   */
  rawLine?: (bytes: Buffer, line: number) => boolean;
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Streams a JSONL file line by line and calls `onRecord(value, line)` for every non-blank line
 * (line is 1-based). Each line is decoded on its own with a fatal UTF-8 decoder, so a bad byte is
 * reported at its line instead of silently becoming U+FFFD. CRLF endings and a leading BOM are
 * accepted. Returns the number of lines read.
 */
export async function forEachJsonl(
  abs: string,
  file: string,
  onRecord: (value: unknown, line: number) => void,
  opts: JsonlOptions = {},
): Promise<number> {
  let total = 0;
  try {
    total = statSync(abs).size;
  } catch (err) {
    throw new DatasetError(`cannot read: ${(err as Error).message}`, file);
  }
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const bad = (line: number, message: string): void => {
    if (!opts.onBadLine) throw new DatasetError(message, file, line);
    opts.onBadLine(line, message);
  };
  let line = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  const finish = (): void => {
    line++;
    if (tooLong) {
      const n = partBytes;
      parts = [];
      partBytes = 0;
      tooLong = false;
      bad(line, `line is ${n} bytes, over the ${maxLine}-byte limit; not read`);
      return;
    }
    let buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, partBytes);
    parts = [];
    partBytes = 0;
    if (line === 1 && buf.length >= 3 && buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) buf = buf.subarray(3);
    if (buf.length && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
    if (opts.rawLine && buf.length && opts.rawLine(buf, line)) return;
    let text: string;
    try {
      text = decoder.decode(buf);
    } catch {
      bad(line, `is not valid UTF-8 (first bad byte at byte ${firstBadUtf8(buf) + 1} of the line)`);
      return;
    }
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = parseJsonText(text, file, line);
    } catch (err) {
      if (!(err instanceof DatasetError) || !opts.onBadLine) throw err;
      opts.onBadLine(line, err.message.slice(err.message.indexOf(': ') + 2));
      return;
    }
    onRecord(value, line);
  };
  const stream = createReadStream(abs, { highWaterMark: 1 << 20 });
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      let pos = 0;
      while (pos < chunk.length) {
        const nl = chunk.indexOf(0x0a, pos);
        const end = nl < 0 ? chunk.length : nl;
        if (!tooLong) {
          if (partBytes + (end - pos) > maxLine) {
            tooLong = true;
            parts = [];
          } else if (end > pos) parts.push(chunk.subarray(pos, end));
        }
        partBytes += end - pos;
        if (nl < 0) break;
        finish();
        pos = nl + 1;
      }
      opts.onBytes?.(bytes, total);
    }
    if (partBytes > 0 || tooLong) finish();
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(`cannot read: ${(err as Error).message}`, file, line || undefined);
  } finally {
    stream.destroy();
  }
  return line;
}

/** 0-based offset of the first byte that breaks UTF-8 in `buf`. */
function firstBadUtf8(buf: Uint8Array): number {
  let lo = 0;
  let hi = buf.length;
  // The longest prefix that decodes, by bisection; in stream mode a character cut at the end is
  // not an error, so "decodes" is monotone in the prefix length.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}
