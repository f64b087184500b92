// The figures the hardening tests observe (attempts, outcomes, open descriptors before and after),
// appended as JSON lines to out/hardening/report.jsonl so scripts/hardening-report.mjs can print
// one table for the closing note. Each test also prints its line.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { root } from '../helpers/server.js';

export interface HardeningRecord {
  test: string;
  attempts: number;
  outcomes: Record<string, number>;
  fdBefore?: number;
  fdAfter?: number;
  note?: string;
}

export function record(r: HardeningRecord): void {
  const dir = join(root, 'out', 'hardening');
  mkdirSync(dir, { recursive: true });
  const line = JSON.stringify({ ...r, at: new Date().toISOString() });
  appendFileSync(join(dir, 'report.jsonl'), `${line}\n`);
  console.log(`HARDENING ${line}`);
}

/** Open file descriptors of a process (Linux /proc). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
