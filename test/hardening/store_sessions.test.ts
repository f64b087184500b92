// Two processes on one project store: undo must not cross processes. Each child is a real Node
// process holding its own ProjectStore/ReviewStore connection on the same SQLite file. Undo must
// take back only the undoing process's own action, and every other process must hear of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Flag } from '../../src/shared/flags.js';
import type { LensEvent } from '../../src/shared/api.js';
import { unpackFlags } from '../../src/shared/flag_table.js';
import type { ReviewDecision } from '../../src/main/core/review/review_store.js';
import { LensService } from '../../src/main/core/app/lens_service.js';
import { claimSession } from '../../src/main/core/store/session_claim.js';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { buildStoreProcess, startStoreProcess, type StoreProcess } from '../helpers/store_process.js';
import { cleanupTmp, makeGeneric } from '../fixtures/datasets/make.js';
import { tempDir } from '../helpers/tmp.js';
import { connectApi, startServe, until, type ServeHandle } from '../helpers/server.js';

const tmp = tempDir('mlens-sessions-');
let script = '';
const running: StoreProcess[] = [];

beforeAll(async () => {
  script = await buildStoreProcess(tmp.dir);
}, 60_000);
afterAll(async () => {
  await Promise.all(running.map((p) => p.close()));
  tmp.cleanup();
  cleanupTmp();
});

async function start(file: string): Promise<StoreProcess> {
  const p = await startStoreProcess(script, file);
  running.push(p);
  return p;
}

describe('two processes on one store', () => {
  it('A flags, B flags, A undoes: only A’s flag is withdrawn, and B is told of each of A’s changes', async () => {
    const file = join(tmp.dir, 'flags', 'project.sqlite');
    const a = await start(file);
    const b = await start(file);
    expect(a.pid).not.toBe(b.pid);
    expect(a.session).not.toBe(b.session);

    let bHears = b.nextChange();
    const fa = await a.call<Flag>('addFlag', { target: { kind: 'pair', image: 0, caption: 0 }, label: 'ambiguous' });
    expect((await bHears).flags).toEqual([fa.id]);

    const aHears = a.nextChange();
    const fb = await b.call<Flag>('addFlag', { target: { kind: 'pair', image: 1, caption: 1 }, label: 'false_negative' });
    expect((await aHears).flags).toEqual([fa.id, fb.id]);

    bHears = b.nextChange();
    expect(await a.call('undo')).toBe(true);
    // B learns that A withdrew A's flag; B's own flag stands.
    expect((await bHears).flags).toEqual([fb.id]);
    expect((await a.call<Flag[]>('listFlags')).map((f) => f.id)).toEqual([fb.id]);
    // A has nothing left to undo (B's flag is not A's); B still has its own.
    expect(await a.call('canUndo')).toBe(false);
    expect(await a.call('undo')).toBe(false);
    expect((await b.call<Flag[]>('listFlags')).map((f) => f.id)).toEqual([fb.id]);
    expect(await b.call('canUndo')).toBe(true);

    // Redo stays per session too: A's redo brings back A's flag only.
    bHears = b.nextChange();
    expect(await a.call('redo')).toBe(true);
    expect((await bHears).flags).toEqual([fa.id, fb.id]);
  });

  it('review undo is per process as well', async () => {
    const file = join(tmp.dir, 'reviews', 'project.sqlite');
    const a = await start(file);
    const b = await start(file);
    await a.call('record', { decisions: [{ image: 0, caption: 0, label: 1, reviewer: 'ann' }] });
    await b.call('record', { decisions: [{ image: 1, caption: 1, label: 2, reviewer: 'bob' }] });
    const bHears = b.nextChange();
    const undone = await a.call<ReviewDecision[]>('undoReview');
    expect(undone.map((d) => d.reviewer)).toEqual(['ann']);
    await bHears;
    const left = await b.call<ReviewDecision[]>('effective');
    expect(left.map((d) => [d.image, d.caption, d.label, d.reviewer])).toEqual([[1, 1, 2, 'bob']]);
    expect(await a.call<ReviewDecision[]>('undoReview')).toEqual([]);
  });

  it('the app’s service forwards another process’s change to its window, and its undo leaves that change alone', async () => {
    const { root } = makeGeneric();
    const svc = new LensService({ dataDir: join(tmp.dir, 'appdata'), mode: 'browser' });
    const events: LensEvent[] = [];
    svc.onEvent((e) => events.push(e));
    const session = await svc.api.datasets.open({ path: root });
    const mine = await svc.api.labels.addFlag({ target: { kind: 'pair', image: 0, caption: 0 }, label: 'ambiguous' });
    events.length = 0;

    const other = await start(session.storePath!);
    const theirs = await other.call<Flag>('addFlag', { target: { kind: 'item', modality: 'image', index: 2 }, label: 'invalid_item' });
    const deadline = Date.now() + 5000;
    const flagsEvent = (): Extract<LensEvent, { type: 'flags' }> | undefined =>
      events.filter((e): e is Extract<LensEvent, { type: 'flags' }> => e.type === 'flags').find((e) => Array.from(e.table.id).includes(theirs.id));
    while (!flagsEvent() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(events.some((e) => e.type === 'store' && e.origin === 'other-process')).toBe(true);
    expect(Array.from(flagsEvent()!.table.id)).toEqual([mine.id, theirs.id]);

    // The window's undo takes back its own flag, never the other process's.
    expect(await svc.api.labels.undo()).toBe(true);
    expect((await svc.api.labels.listFlags()).map((f) => f.id)).toEqual([theirs.id]);
    expect(await svc.api.labels.undo()).toBe(false);
    expect((await svc.api.labels.listFlags()).map((f) => f.id)).toEqual([theirs.id]);
  });

  it('two browser-mode servers on one dataset: A’s undo leaves B’s flag, and B’s page is told', async () => {
    const { root } = makeGeneric();
    const servers: ServeHandle[] = [];
    try {
      for (const name of ['a', 'b']) servers.push(await startServe({ dataDir: join(tmp.dir, `serve-${name}`), dataset: root }));
      const [a, b] = await Promise.all(servers.map((h) => connectApi(h)));
      try {
        // Each server opens the dataset after it starts listening: wait until both have it open.
        for (const api of [a, b]) await until(async () => (await api.call('app.session')).dataset != null, 'the dataset to open');
        const fa = await a.call('labels.addFlag', { target: { kind: 'pair', image: 0, caption: 0 }, label: 'ambiguous' });
        const fb = await b.call('labels.addFlag', { target: { kind: 'pair', image: 1, caption: 2 }, label: 'false_negative' });
        b.events.length = 0;
        expect(await a.call('labels.undo')).toBe(true);
        const deadline = Date.now() + 5000;
        const told = (): Flag[] | undefined => {
          const e = b.events.filter((x) => x.type === 'flags').pop();
          return e ? unpackFlags(e.table) : undefined;
        };
        while (!(b.events.some((e) => e.type === 'store') && told()?.length === 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(b.events.find((e) => e.type === 'store')).toEqual({ type: 'store', origin: 'other-process' });
        expect(told()!.map((f) => f.id)).toEqual([fb.id]);
        expect((await b.call('labels.listFlags')).map((f: Flag) => f.id)).toEqual([fb.id]);
        expect((await a.call('labels.listFlags')).map((f: Flag) => f.id)).toEqual([fb.id]);
        expect(fa.id).not.toBe(fb.id);
      } finally {
        a.close();
        b.close();
      }
    } finally {
      await Promise.all(servers.map((h) => h.stop()));
    }
  }, 60_000);

  it('an app restarted after a crash resumes its undo session; an app running beside it gets its own', async () => {
    const dataDir = join(tmp.dir, 'claims');
    const file = join(tmp.dir, 'claims-store', 'project.sqlite');
    const first = claimSession(dataDir, file);
    expect(claimSession(dataDir, file)).toBe(first);
    const claimFile = join(dataDir, 'sessions', readdirSync(join(dataDir, 'sessions'))[0]);
    // The holder died (a finished process's pid): the next app takes the session over.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(claimFile, JSON.stringify({ session: first, pid: dead }));
    expect(claimSession(dataDir, file)).toBe(first);
    // The holder is running (another process): this app works in a new session.
    const other = await start(join(tmp.dir, 'claims-other', 'project.sqlite'));
    writeFileSync(claimFile, JSON.stringify({ session: first, pid: other.pid }));
    const mine = claimSession(dataDir, file);
    expect(mine).not.toBe(first);
    expect(mine).toMatch(/^[0-9a-f-]{36}$/);
  });
});
