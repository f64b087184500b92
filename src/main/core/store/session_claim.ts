// Which undo session an app resumes. Undo is per session (one per process), yet after a crash or a
// restart the same app should still be able to take back its last flag. So the app keeps its
// session id per store in its data folder, with the pid that holds it: a restarted app resumes it
// when that pid is gone, and a second app running at the same time gets a session of its own.
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';

interface Claim {
  session: string;
  pid: number;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The session this process should use on `storeFile`: its own earlier one if free, else a new one. */
export function claimSession(dataDir: string, storeFile: string): string {
  const dir = join(dataDir, 'sessions');
  const file = join(dir, `${createHash('sha256').update(storeFile).digest('hex').slice(0, 16)}.json`);
  let prev: Claim | null = null;
  try {
    prev = JSON.parse(readFileSync(file, 'utf8')) as Claim;
  } catch {
    prev = null;
  }
  if (prev && typeof prev.session === 'string' && Number.isInteger(prev.pid)) {
    if (prev.pid === process.pid) return prev.session;
    // Held by another running app: leave its claim alone and work in a session of our own.
    if (alive(prev.pid)) return randomUUID();
  }
  const claim: Claim = { session: prev?.session ?? randomUUID(), pid: process.pid };
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(claim));
  renameSync(tmp, file);
  return claim.session;
}
