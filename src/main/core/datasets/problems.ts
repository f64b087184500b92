// Collects Problems while reading, listing at most PROBLEM_LIST_CAP of each kind per file and then one
// summary line with the count of the rest, so a 100k-line file with a systematic fault stays readable.
import type { Problem } from '../../../shared/dataset.js';

export const PROBLEM_LIST_CAP = 50;

interface Bucket {
  severity: Problem['severity'];
  file: string;
  what: string;
  listed: number;
  total: number;
}

export class ProblemLog {
  readonly list: Problem[] = [];
  private buckets = new Map<string, Bucket>();

  constructor(private readonly cap = PROBLEM_LIST_CAP) {}

  /**
   * Records a problem of kind `what` (a short plural noun phrase used in the summary line, e.g.
   * "skipped lines", "missing images"). Returns whether it was listed.
   */
  add(what: string, p: Problem): boolean {
    const key = `${p.severity}\u0000${p.file}\u0000${what}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { severity: p.severity, file: p.file, what, listed: 0, total: 0 };
      this.buckets.set(key, b);
    }
    b.total++;
    if (b.listed >= this.cap) return false;
    b.listed++;
    this.list.push(p);
    return true;
  }

  /** Adds a problem that is never capped (one-off findings). */
  push(p: Problem): void {
    this.list.push(p);
  }

  count(what: string, file?: string): number {
    let n = 0;
    for (const b of this.buckets.values()) if (b.what === what && (file == null || b.file === file)) n += b.total;
    return n;
  }

  /** The listed problems plus one summary line per kind that went over the cap. */
  finish(): Problem[] {
    const out = [...this.list];
    for (const b of this.buckets.values()) {
      if (b.total > b.listed) {
        out.push({
          severity: b.severity,
          file: b.file,
          message: `${b.total} ${b.what} in all; the first ${b.listed} are listed, ${b.total - b.listed} more not shown`,
        });
      }
    }
    return out;
  }
}
