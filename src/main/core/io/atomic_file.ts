// Replacing a file so that a crash at any moment leaves either the old file or the new one:
// write a temporary file in the same folder, fsync it, rename it over the target in one step,
// then fsync the folder so the rename itself survives a power cut. A process killed mid-way
// leaves only its temporary file (and SQLite's -journal beside it), which the next export or
// the next start removes.
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

// NAME.tmp-PID-RANDOM, plus the suffixes SQLite adds beside a database while it writes.
const TEMP = /\.tmp-(\d+)-[0-9a-f]{8}(-journal|-wal|-shm)?$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // exports run synchronously: our own leftovers are stale
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files of exports whose process is gone; returns their names. */
export function removeStaleTemporaries(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const m = TEMP.exec(n);
    if (!m || alive(Number(m[1]))) continue;
    try {
      rmSync(path.join(folder, n), { force: true });
      removed.push(n);
    } catch {
      // another process removed it, or the folder is read-only: harmless either way
    }
  }
  return removed;
}

function fsyncPath(p: string, flags: string): void {
  const fd = openSync(p, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Runs `write(tmp)` and then puts tmp in place of `out` atomically; on any error the temporary file is removed. */
export function replaceAtomically<T>(out: string, write: (tmp: string) => T): T {
  const dir = path.dirname(out);
  mkdirSync(dir, { recursive: true });
  removeStaleTemporaries(dir);
  const tmp = `${out}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const r = write(tmp);
    fsyncPath(tmp, 'r+');
    renameSync(tmp, out);
    try {
      fsyncPath(dir, 'r');
    } catch {
      // some platforms cannot open a folder for fsync; the rename is still atomic
    }
    return r;
  } catch (e) {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(tmp + suffix, { force: true });
    throw e;
  }
}
