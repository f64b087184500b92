// Shared plumbing for the format readers: the context they get and the image table they fill.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { DatasetFormat } from '../../../shared/dataset.js';
import type { DatasetCaption, DatasetImage, Embeddings } from './dataset.js';
import { PathEscapeError, type Resolved } from './paths.js';
import type { ProblemLog } from './problems.js';

export interface Progress {
  phase: string;
  done: number;
  total: number;
}

export interface ReadContext {
  root: string;
  resolve: (rel: string) => Resolved;
  log: ProblemLog;
  progress: (phase: string, done: number, total: number) => void;
  maxJsonBytes: number;
}

export interface ReaderResult {
  format: DatasetFormat;
  images: DatasetImage[];
  captions: DatasetCaption[];
  /**
   * captionRecord[c] = ordinal of caption c among all caption records of the source (0-based,
   * counting records that were skipped). truth/positives `caption_index` and text.npy rows refer to
   * these ordinals; they equal caption indices when nothing was skipped.
   */
  captionRecord: number[];
  recordCount: number;
  /** imageRecord[i] = the source row of image i, where images have rows of their own (clip-retrieval). */
  imageRecord?: number[];
  /** Rows of each table file read, in order (clip-retrieval's embedding shards must match them). */
  rowsPerFile?: number[];
  /** The caption index files that were read (dataset-relative), for the hash. */
  indexFiles: string[];
  /** A precomputed space from the table's vector columns (table_vectors.ts). */
  vectors?: Embeddings;
  /** A digest of index content kept inside bigger files (tar members' names, sizes, captions), for the hash. */
  contentDigest?: string;
  /** Human name of the caption source used in messages ("captions.jsonl", "2 COCO caption files"). */
  captionSource: string;
}

/** Distinct images keyed by their normalised relative path, in order of first registration. */
export class ImageTable {
  readonly images: DatasetImage[] = [];
  private byPath = new Map<string, number>();

  indexOf(rel: string): number | undefined {
    return this.byPath.get(rel);
  }

  /** Adds an image (or returns the existing index for the same path). */
  add(img: DatasetImage): { index: number; added: boolean } {
    const known = this.byPath.get(img.path);
    if (known != null) return { index: known, added: false };
    const index = this.images.length;
    this.images.push(img);
    this.byPath.set(img.path, index);
    return { index, added: true };
  }
}

/**
 * Resolves the first of several candidate relative paths that exists; when none does, the first that
 * is safe (marked missing). Throws PathEscapeError only when every candidate escapes.
 */
export function resolveFirst(resolve: (rel: string) => Resolved, candidates: string[]): Resolved {
  let fallback: Resolved | null = null;
  let escape: unknown = null;
  for (const c of candidates) {
    try {
      const r = resolve(c);
      if (r.exists) return r;
      fallback ??= r;
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
      escape ??= err;
    }
  }
  if (fallback) return fallback;
  throw escape ?? new PathEscapeError(candidates[0] ?? '', 'is empty');
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Image id from a relative path: without a leading `images/` and without the extension. */
export function idFromPath(rel: string): string {
  const noDir = rel.startsWith('images/') ? rel.slice('images/'.length) : rel;
  const ext = path.posix.extname(noDir);
  return ext ? noDir.slice(0, -ext.length) : noDir;
}

export function joinRel(...parts: Array<string | undefined>): string {
  return parts.filter((p): p is string => !!p && p !== '.').join('/');
}

/** Skipping a bad sample of a shard: logged under one heading, and the first one remembered for the
 * error when no sample is usable. Shared by the shard-folder and WebDataset readers. */
export function sampleSkipper(ctx: ReadContext): { skip(file: string, message: string): void; firstError(): string } {
  let first = '';
  return {
    skip(file, message) {
      first ||= `${file}: ${message}`;
      ctx.log.add('skipped samples', { severity: 'error', file, message: `${message}; sample skipped` });
    },
    firstError: () => first,
  };
}
