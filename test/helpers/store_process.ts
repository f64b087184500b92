// A second (or third) process on one project store, for tests: a real Node child that opens the
// store with ProjectStore/ReviewStore, takes JSON commands on stdin, answers each on stdout, and
// reports every change another connection makes (ProjectStore.watchChanges) as {"event":"change"}.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));

const CHILD = `
import { ProjectStore } from ${JSON.stringify(join(root, 'src/main/core/store/project_store.ts'))};
import { ReviewStore } from ${JSON.stringify(join(root, 'src/main/core/review/review_store.ts'))};
import { createInterface } from 'node:readline';
const store = new ProjectStore(process.argv[2]);
const reviews = new ReviewStore(store.db, store.session);
const out = (x) => process.stdout.write(JSON.stringify(x) + '\\n');
store.watchChanges(() => out({ event: 'change', flags: store.listFlags().map((f) => f.id) }), 50);
const ops = {
  addFlag: (a) => store.addFlag(a.target, a.label),
  undo: () => store.undo(),
  redo: () => store.redo(),
  canUndo: () => store.canUndo(),
  listFlags: () => store.listFlags(),
  record: (a) => reviews.record(a.decisions),
  undoReview: () => reviews.undo(),
  effective: () => reviews.effectiveDecisions(),
};
createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line);
  try {
    out({ id: cmd.id, result: ops[cmd.op](cmd.args ?? {}) ?? null });
  } catch (e) {
    out({ id: cmd.id, error: String(e && e.message) });
  }
});
out({ event: 'ready', session: store.session });
`;

let built: Promise<string> | null = null;

/**
 * Bundles a TypeScript child-process script (its source as text) into DIR/NAME.mjs with esbuild;
 * better-sqlite3 stays external, loaded from the project's node_modules by absolute path.
 */
export async function bundleChildScript(dir: string, name: string, source: string): Promise<string> {
  const entry = join(dir, `${name}.ts`);
  const script = join(dir, `${name}.mjs`);
  writeFileSync(entry, source);
  const sqlite = createRequire(join(root, 'package.json')).resolve('better-sqlite3');
  await build({
    entryPoints: [entry],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    plugins: [{ name: 'sqlite', setup: (b) => b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: sqlite, external: true })) }],
  });
  return script;
}

/** Bundles the store child script once per test file. */
export function buildStoreProcess(dir: string): Promise<string> {
  built ??= bundleChildScript(dir, 'store_process', CHILD);
  return built;
}

export interface StoreProcess {
  session: string;
  pid: number;
  call<T = unknown>(op: string, args?: unknown): Promise<T>;
  /** Resolves at the next change notification after now (rejects after `ms`). */
  nextChange(ms?: number): Promise<{ flags: number[] }>;
  changes: number;
  close(): Promise<void>;
}

export async function startStoreProcess(script: string, dbFile: string): Promise<StoreProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [script, dbFile], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const changeWaiters: Array<(c: { flags: number[] }) => void> = [];
  let nextId = 1;
  let buf = '';
  let onReady: (s: string) => void = () => undefined;
  const ready = new Promise<string>((resolve, reject) => {
    onReady = resolve;
    child.on('exit', (code) => reject(new Error(`store process exited (${code}): ${stderr}`)));
  });
  const proc: StoreProcess = {
    session: '',
    pid: child.pid!,
    changes: 0,
    call<T>(op: string, args?: unknown): Promise<T> {
      const id = nextId++;
      child.stdin.write(JSON.stringify({ id, op, args }) + '\n');
      return new Promise<T>((resolve, reject) => waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    },
    nextChange(ms = 5000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no change notification within ${ms} ms`)), ms);
        changeWaiters.push((c) => {
          clearTimeout(t);
          resolve(c);
        });
      });
    },
    async close() {
      child.stdin.end();
      if (child.exitCode == null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      if (msg.event === 'ready') onReady(msg.session);
      else if (msg.event === 'change') {
        proc.changes++;
        for (const w of changeWaiters.splice(0)) w(msg);
      } else {
        const w = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (msg.error) w?.reject(new Error(msg.error));
        else w?.resolve(msg.result);
      }
    }
  });
  proc.session = await ready;
  return proc;
}
