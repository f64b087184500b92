// Export targets through the real CLI and the real serve process: the store, anything under
// .mlens, dataset files and an existing file without the overwrite flag are refused with a message
// naming the path; with the flag the file is replaced by one rename; a SIGKILL in the middle of an
// export loses nothing and its temporary files are gone after the next start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { tempDir } from '../helpers/tmp.js';
import { mlens } from '../helpers/cli.js';
import { connectApi, root, startServe, until } from '../helpers/server.js';
import { record } from './report.js';
import { httpGet } from './http_raw.js';

const FLAGS = 60_000;
// Each CLI run starts Node and opens the dataset (seconds each on a loaded 2-core machine).
const SLOW = 600_000;
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const exportedFlags = (f: string) => {
  const db = new Database(f, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM flags').get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const storeFlags = (ds: string) => {
  const s = new ProjectStore(join(ds, '.mlens', 'project.sqlite'));
  try {
    return s.listFlags().length;
  } finally {
    s.close();
  }
};
const temporaries = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.includes('.tmp-')) : []);

describe('export targets', () => {
  let tmp: { dir: string; cleanup: () => void };
  let ds: string;
  let env: Record<string, string>;
  let store: string;

  beforeAll(() => {
    tmp = tempDir('mlens-export-');
    ds = join(tmp.dir, 'ds');
    env = { MLENS_DATA_DIR: join(tmp.dir, 'data') };
    const s = mlens(['sample', '--out', ds, '--images', '100', '--json'], env);
    expect(s.code, s.stderr).toBe(0);
    store = join(ds, '.mlens', 'project.sqlite');
    const ps = new ProjectStore(store);
    // Enough flags that an export takes long enough to be killed in the middle (written in one
    // transaction; addFlag per row would also log an undo action each).
    ps.addFlag({ kind: 'pair', image: 0, caption: 1 }, 'false_negative', 'note 0', false);
    const ins = ps.db.prepare("INSERT INTO flags(target, image_index, caption_index, label, note, created_at, annotated) VALUES ('pair', ?, ?, 'false_negative', ?, ?, 0)");
    const now = new Date().toISOString();
    ps.db.transaction(() => {
      for (let i = 1; i < FLAGS; i++) ins.run(i % 100, Math.floor(i / 100) % 500, `note ${i}`, now);
    })();
    ps.close();
  }, SLOW);
  afterAll(() => tmp?.cleanup());

  it('mlens export refuses the store, .mlens, dataset files, links and an existing file without --force', () => {
    const storeHash = sha(store);
    const existing = join(tmp.dir, 'existing.sqlite');
    writeFileSync(existing, 'keep me');
    symlinkSync(join(ds, 'captions.jsonl'), join(tmp.dir, 'link.sqlite'));
    const refused: Array<[string, RegExp]> = [
      [store, /inside a \.mlens project folder/],
      [join(ds, '.mlens', 'copy.sqlite'), /inside a \.mlens project folder/],
      [join(ds, 'captions.jsonl'), /inside the dataset folder/],
      [join(ds, 'images', '000000.png'), /inside the dataset folder/],
      [join(ds, 'embeddings', 'flags.sqlite'), /inside the dataset folder/],
      [join(ds, 'truth.sqlite'), /inside the dataset folder/],
      [join(tmp.dir, 'link.sqlite'), /is a link/],
      [existing, /already exists; .*--force/],
      [join(tmp.dir, 'notes.txt'), /must end in \.sqlite/],
    ];
    const outcomes: Record<string, number> = {};
    for (const [out, why] of refused) {
      const r = mlens(['export', ds, '--out', out], env);
      outcomes[r.code === 0 ? 'written' : 'refused'] = (outcomes[r.code === 0 ? 'written' : 'refused'] ?? 0) + 1;
      expect(r.code, out).not.toBe(0);
      expect(r.stderr, out).toContain(out);
      expect(r.stderr, out).toMatch(why);
    }
    expect(sha(store)).toBe(storeHash);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect(readFileSync(join(ds, 'captions.jsonl'), 'utf8')).toContain('"caption"');
    expect(storeFlags(ds)).toBe(FLAGS);

    // With --force the existing file is replaced, by a rename (a new inode), with a complete export.
    const inode = statSync(existing).ino;
    const f = mlens(['export', ds, '--out', existing, '--force', '--json'], env);
    expect(f.code, f.stderr).toBe(0);
    expect(statSync(existing).ino).not.toBe(inode);
    expect(exportedFlags(existing)).toBe(FLAGS);
    expect(temporaries(tmp.dir)).toEqual([]);
    record({ test: 'CLI export targets', attempts: refused.length + 1, outcomes: { ...outcomes, 'written with --force': 1 } });
  }, SLOW);

  it('a SIGKILL in the middle of mlens export loses no flag and its temporary files are gone after the next start', async () => {
    const exportsDir = join(ds, 'exports');
    mkdirSync(exportsDir, { recursive: true });
    const outcomes: Record<string, number> = {};
    let killedMidway = 0;
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [join(root, 'bin', 'mlens.mjs'), 'export', ds, '--out', join(exportsDir, 'big.sqlite'), '--force'], { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      let seen = false;
      const t0 = Date.now();
      while (child.exitCode === null && Date.now() - t0 < 60_000) {
        if (temporaries(exportsDir).length) {
          seen = true;
          child.kill('SIGKILL');
          break;
        }
        await new Promise((r) => setImmediate(r));
      }
      const code = await exited;
      if (seen && code === null) killedMidway++;
      const left = temporaries(exportsDir);
      const key = seen && code === null ? `killed mid-way, left ${left.length} temporary file(s)` : `finished (code ${code})`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      // The store opens with every flag.
      expect(storeFlags(ds)).toBe(FLAGS);
      if (round === 0) {
        // Next start of the server removes the leftovers.
        const server = await startServe({ dataDir: env.MLENS_DATA_DIR, dataset: ds });
        try {
          const api = await connectApi(server);
          await until(async () => (await api.call('app.session')).dataset?.images === 100, 'the dataset to open');
          expect((await api.call('labels.listFlags')).length).toBe(FLAGS);
          api.close();
          expect(temporaries(exportsDir)).toEqual([]);
        } finally {
          await server.stop();
        }
      }
    }
    // The next export removes what the last killed one left, and writes a complete file.
    const r = mlens(['export', ds, '--out', join(exportsDir, 'big.sqlite'), '--force', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(temporaries(exportsDir)).toEqual([]);
    expect(exportedFlags(join(exportsDir, 'big.sqlite'))).toBe(FLAGS);
    record({ test: `SIGKILL during mlens export (${FLAGS} flags)`, attempts: 3, outcomes, note: 'store opened with every flag after each kill; no temporary file after the next start' });
    expect(killedMidway).toBeGreaterThanOrEqual(2);
  }, SLOW);

  it('over the WebSocket: the same refusals, exports/ by default, overwrite only when asked, and a flag made after survives SIGKILL', async () => {
    const server = await startServe({ dataDir: env.MLENS_DATA_DIR, dataset: ds });
    const api = await connectApi(server);
    const outcomes: Record<string, number> = {};
    try {
      await until(async () => (await api.call('app.session')).dataset?.images === 100, 'the dataset to open');
      const refusedOut: Array<[unknown, RegExp]> = [
        [{ out: store }, /inside a \.mlens project folder/],
        [{ out: join(ds, '.mlens', 'x.sqlite') }, /inside a \.mlens project folder/],
        [{ out: join(ds, 'captions.jsonl') }, /inside the dataset folder/],
        [{ out: join(ds, 'images', 'x.sqlite') }, /inside the dataset folder/],
        [{ out: join(tmp.dir, 'anywhere.sqlite') }, /exports\/ folder or to a folder you chose/],
        [{ out: 'exports/relative.sqlite' }, /give an absolute path/],
      ];
      for (const [arg, why] of refusedOut) {
        const e = await api.call('export.write', arg).then(
          () => null,
          (err: Error) => err,
        );
        outcomes[e ? 'refused' : 'written'] = (outcomes[e ? 'refused' : 'written'] ?? 0) + 1;
        expect(e?.message, JSON.stringify(arg)).toMatch(why);
      }
      const def = await api.call('export.write', {});
      expect(def.path.startsWith(join(ds, 'exports') + '/')).toBe(true);
      expect(def.flags).toBe(FLAGS);
      // Browser mode hands the file out through its download URL, byte for byte.
      const dl = await httpGet(server.port, def.downloadUrl);
      expect(dl.status).toBe(200);
      expect(dl.headers['content-type']).toBe('application/vnd.sqlite3');
      expect(dl.body.equals(readFileSync(def.path))).toBe(true);
      const mine = join(ds, 'exports', 'mine.sqlite');
      await api.call('export.write', { out: mine });
      const again = await api.call('export.write', { out: mine }).then(
        () => null,
        (err: Error) => err,
      );
      expect(again?.message).toMatch(/already exists/);
      const ino = statSync(mine).ino;
      const over = await api.call('export.write', { out: mine, overwrite: true });
      expect(over.flags).toBe(FLAGS);
      expect(statSync(mine).ino).not.toBe(ino);
      // A format asked for: a CSV in exports/ by default, downloaded as text/csv; a name that does not fit it is refused.
      const csv = await api.call('export.write', { format: 'csv' });
      expect(csv.path).toMatch(/\/exports\/labels-[^/]+\.csv$/);
      expect(csv).toMatchObject({ format: 'csv', flags: FLAGS });
      const csvDl = await httpGet(server.port, csv.downloadUrl);
      expect(csvDl.headers['content-type']).toBe('text/csv');
      expect(csvDl.body.toString('utf8', 0, 30)).toBe('kind,label_key,origin,target,i');
      const misnamed = await api.call('export.write', { out: join(ds, 'exports', 'm.parquet'), format: 'csv' }).then(
        () => null,
        (err: Error) => err,
      );
      expect(misnamed?.message).toMatch(/a csv export is named \.csv/);
      outcomes['written (default, new, overwrite)'] = 3;
      outcomes['refused (exists, no overwrite)'] = 1;
      // An acknowledged flag after all that survives a SIGKILL, and the store opens.
      await api.call('labels.addFlag', { target: { kind: 'pair', image: 7, caption: 9 }, label: 'ambiguous', note: 'after exports' });
    } finally {
      api.close();
      await server.stop('SIGKILL');
    }
    const s = new ProjectStore(store);
    try {
      const flags = s.listFlags();
      expect(flags.length).toBe(FLAGS + 1);
      expect(flags.some((f) => f.note === 'after exports')).toBe(true);
    } finally {
      s.close();
    }
    record({ test: 'WebSocket export targets', attempts: 10, outcomes });
  }, SLOW);
});
