// Review decisions survive a SIGKILL: a child Node process records decisions through the real
// ReviewStore on the real ProjectStore connection (WAL, synchronous=FULL), printing an ack after
// each call returns; the parent kills it with SIGKILL mid-stream, reopens the file and checks
// that every acknowledged decision (and the acknowledged undo) is there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { ReviewStore } from '../../src/main/core/review/review_store.js';
import { tempDir } from '../helpers/tmp.js';
import { bundleChildScript } from '../helpers/store_process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDir('mlens-review-crash-');
const script = join(tmp.dir, 'recorder.mjs');
const dbFile = join(tmp.dir, 'project', 'project.sqlite');

// The child: decision i is (image i % 97, caption i, label i % 4 + 1); every 10th call is a batch
// of three (a whole row); call 40 undoes the batch of call 39.
const CHILD = `
import { writeSync } from 'node:fs';
import { ProjectStore } from ${JSON.stringify(join(root, 'src/main/core/store/project_store.ts'))};
import { ReviewStore } from ${JSON.stringify(join(root, 'src/main/core/review/review_store.ts'))};
const store = new ProjectStore(process.argv[2]);
const reviews = new ReviewStore(store.db);
writeSync(1, 'ready\\n');
for (let i = 0; i < 1000000; i++) {
  if (i === 40) {
    reviews.undo();
    writeSync(1, 'undo 40\\n');
  } else if (i % 10 === 9) {
    reviews.record([0, 1, 2].map((k) => ({ image: i % 97, caption: i + k * 1000000, label: 1, reviewer: 'crash', seconds: k })));
    writeSync(1, 'batch ' + i + '\\n');
  } else {
    reviews.record({ image: i % 97, caption: i, label: (i % 4) + 1, reviewer: 'crash', seconds: i / 10, clusterId: i % 5 });
    writeSync(1, 'ack ' + i + '\\n');
  }
}
`;

beforeAll(async () => {
  await bundleChildScript(tmp.dir, 'recorder', CHILD);
});
afterAll(() => tmp.cleanup());

describe('review decisions and SIGKILL', () => {
  it('keeps every acknowledged decision', async () => {
    const child = spawn(process.execPath, [script, dbFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    const batches: number[] = [];
    let undone = false;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let buf = '';
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no acks in time; stderr: ${stderr}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const [kind, n] = buf.slice(0, nl).split(' ');
          buf = buf.slice(nl + 1);
          if (kind === 'ack') acked.push(Number(n));
          else if (kind === 'batch') batches.push(Number(n));
          else if (kind === 'undo') undone = true;
        }
        if (acked.length >= 250 && !child.killed) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (acked.length < 250) reject(new Error(`child exited early (${code}): ${stderr}`));
      });
    });
    await exited;
    expect(child.signalCode).toBe('SIGKILL');
    expect(undone).toBe(true);

    const store = new ProjectStore(dbFile);
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const reviews = new ReviewStore(store.db);
      for (const i of acked) {
        const d = reviews.decisionFor(i % 97, i);
        expect(d, `decision ${i}`).not.toBeNull();
        expect(d).toMatchObject({ label: (i % 4) + 1, reviewer: 'crash', seconds: i / 10, clusterId: i % 5 });
      }
      for (const i of batches) {
        for (const k of [0, 1, 2]) {
          const d = reviews.decisionFor(i % 97, i + k * 1000000);
          if (i === 39) expect(d, 'the undone batch').toBeNull();
          else expect(d, `batch ${i}/${k}`).toMatchObject({ label: 1, seconds: k });
        }
      }
      const all = reviews.decisions({ includeUndone: true });
      expect(all.filter((d) => d.undone).map((d) => d.caption)).toEqual([39, 1000039, 2000039]);
      // Nothing beyond what was attempted: at most one unacknowledged call made it in.
      expect(all.length).toBeLessThanOrEqual(acked.length + 3 * batches.length + 3);
    } finally {
      store.close();
    }
  });
});
