// Size-limited JSON files with line:column on syntax errors, and readable zod messages (JSONL
// streaming is in jsonl_stream.ts). Every error names the file (dataset-relative) and the 1-based line.
import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { DatasetError } from './dataset.js';

/**
 * Largest single .json document we parse. V8 cannot hold a string much over 512 MiB (2^29 chars),
 * so anything bigger would fail deep inside JSON.parse with an unhelpful message.
 */
export const MAX_JSON_BYTES = 512 * 1024 * 1024;

/** 123 bytes, 4.5 KiB, 87 MiB, 2.1 GiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

// ---------------------------------------------------------------------------------------------
// Locating JSON syntax errors (V8's messages only sometimes carry a position).

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Offset of the first JSON syntax error in `s`, or -1 when `s` is valid JSON. */
export function findJsonError(s: string): number {
  const n = s.length;
  let i = 0;
  const stack: number[] = []; // 0 = array, 1 = object
  const ws = (): void => {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c === 92) {
        const e = s[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
        continue;
      }
      if (c < 0x20) return false;
      i++;
    }
    return false;
  };
  const scalar = (): boolean => {
    if (s[i] === '"') return str();
    for (const lit of ['true', 'false', 'null']) {
      if (s.startsWith(lit, i)) {
        i += lit.length;
        return true;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.exec(s)) {
      i = NUMBER.lastIndex;
      return true;
    }
    return false;
  };
  const key = (): boolean => {
    if (s[i] !== '"' || !str()) return false;
    ws();
    if (s[i] !== ':') return false;
    i++;
    return true;
  };
  let expectValue = true;
  for (;;) {
    ws();
    if (expectValue) {
      if (i >= n) return i;
      const c = s[i];
      if (c === '{') {
        i++;
        ws();
        if (s[i] === '}') {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(1);
        if (!key()) return i;
        continue;
      }
      if (c === '[') {
        i++;
        ws();
        if (s[i] === ']') {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(0);
        continue;
      }
      if (!scalar()) return i;
      expectValue = false;
      continue;
    }
    if (stack.length === 0) return i < n ? i : -1;
    if (i >= n) return i;
    const top = stack[stack.length - 1];
    const c = s[i];
    if (c === ',') {
      i++;
      ws();
      if (top === 1 && !key()) return i;
      expectValue = true;
    } else if ((top === 0 && c === ']') || (top === 1 && c === '}')) {
      i++;
      stack.pop();
    } else return i;
  }
}

/** 1-based line and column of a string offset. */
export function lineColumn(s: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  const end = Math.min(offset, s.length);
  for (let i = s.indexOf('\n'); i !== -1 && i < end; i = s.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: end - last };
}

function syntaxMessage(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  // Drop V8's echo of the input and its offset: we give line and column instead.
  return m
    .replace(/,\s*(?:\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replace(/\s*\(line \d+ column \d+\)$/, '');
}

/** Parses `text` or throws DatasetError with the file, the 1-based line and the column. */
export function parseJsonText(text: string, file: string, lineOffset = 0): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    let pos = -1;
    try {
      pos = findJsonError(text);
    } catch {
      pos = -1;
    }
    const what = syntaxMessage(err);
    if (pos < 0) throw new DatasetError(`invalid JSON: ${what}`, file, lineOffset > 0 ? lineOffset : undefined);
    const { line, column } = lineColumn(text, pos);
    const at = pos >= text.length ? 'at the end' : `at column ${column}`;
    throw new DatasetError(`invalid JSON ${at}: ${what}`, file, lineOffset > 0 ? lineOffset : line);
  }
}

export interface JsonDocument {
  value: unknown;
  text: string;
  bytes: number;
}

/** Reads one .json file (refusing files over `maxBytes`) and parses it with located errors. */
export function readJsonFile(abs: string, file: string, maxBytes = MAX_JSON_BYTES): JsonDocument {
  let size: number;
  try {
    size = statSync(abs).size;
  } catch (err) {
    throw new DatasetError(`cannot read: ${(err as Error).message}`, file);
  }
  if (size > maxBytes) {
    throw new DatasetError(
      `is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for a single JSON file; split it or convert it to captions.jsonl (one record per line)`,
      file,
    );
  }
  let text = readFileSync(abs, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new DatasetError('is empty', file);
  return { value: parseJsonText(text, file), text, bytes: size };
}

// ---------------------------------------------------------------------------------------------
// Record validation messages

/** A short human message for a zod failure: `missing "caption"`, `"caption" must be string, got number`. */
export function describeIssues(error: z.ZodError, input?: unknown, max = 3): string {
  const parts: string[] = [];
  const absent = (path: PropertyKey[]): boolean => {
    let v: unknown = input;
    for (const k of path) {
      if (v == null || typeof v !== 'object') return false;
      v = (v as Record<PropertyKey, unknown>)[k];
    }
    return v === undefined;
  };
  for (const issue of error.issues.slice(0, max)) {
    const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `"${String(p)}"`)).join('.') : 'record';
    const m = issue.message;
    const recv = /received (\w+)/.exec(m)?.[1];
    if ((issue.code === 'invalid_type' && recv === 'undefined') || (input !== undefined && issue.path.length > 0 && absent(issue.path))) {
      parts.push(`missing ${where}`);
    }
    else if (issue.code === 'invalid_type') parts.push(`${where} must be ${issue.expected}${recv ? `, got ${recv}` : ''}`);
    else parts.push(`${where}: ${m}`);
  }
  if (error.issues.length > max) parts.push(`and ${error.issues.length - max} more`);
  return parts.join('; ');
}

// ---------------------------------------------------------------------------------------------
// Line numbers of array elements inside a (valid) JSON document, computed only when needed.

/**
 * For a valid JSON document whose top level is an object, the 1-based line on which each element of
 * the top-level array `key` starts. Used to point at a bad record in a large .json file.
 */
export function arrayElementLines(text: string, key: string): number[] {
  const out: number[] = [];
  const n = text.length;
  let depth = 0;
  let line = 1;
  let inString = false;
  let stringStart = 0;
  let expectKey = false;
  let lastKey = '';
  let inTarget = false;
  let expectElem = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) {
        inString = false;
        if (depth === 1 && expectKey) {
          lastKey = JSON.parse(text.slice(stringStart, i + 1)) as string;
          expectKey = false;
        }
      }
      continue;
    }
    if (c === 10) {
      line++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 58) continue;
    if (inTarget && depth === 2 && expectElem && c !== 93 && c !== 44) {
      out.push(line);
      expectElem = false;
    }
    if (c === 34) {
      inString = true;
      stringStart = i;
    } else if (c === 123 || c === 91) {
      depth++;
      if (depth === 1 && c === 123) expectKey = true;
      if (depth === 2 && c === 91 && lastKey === key) {
        inTarget = true;
        expectElem = true;
      }
    } else if (c === 125 || c === 93) {
      if (depth === 2 && inTarget) inTarget = false;
      depth--;
    } else if (c === 44) {
      if (depth === 1) expectKey = true;
      else if (depth === 2 && inTarget) expectElem = true;
    }
  }
  return out;
}

/** Lazily computes element lines for a document; `line(key, i)` is undefined when unknown. */
export class LineIndex {
  private cache = new Map<string, number[]>();
  constructor(private readonly text: string) {}
  line(key: string, index: number): number | undefined {
    let lines = this.cache.get(key);
    if (!lines) {
      try {
        lines = arrayElementLines(this.text, key);
      } catch {
        lines = [];
      }
      this.cache.set(key, lines);
    }
    return lines[index];
  }
}
