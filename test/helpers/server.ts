// Starts browser mode (`node out/main/serve.js`) as a real child process and talks to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { LensMethod } from '../../src/shared/api.js';
import { decodeWire } from '../../src/shared/wire.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeHandle {
  url: string;
  origin: string;
  token: string;
  port: number;
  child: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startServe(args: { dataDir: string; dataset?: string; port?: number; allow?: string[] }): Promise<ServeHandle> {
  const argv = [join(root, 'out', 'main', 'serve.js'), '--data-dir', args.dataDir];
  if (args.dataset) argv.push('--dataset', args.dataset);
  if (args.port) argv.push('--port', String(args.port));
  for (const dir of args.allow ?? []) argv.push('--allow', dir);
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in time; stderr: ${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /is at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    port: Number(u.port),
    child,
    stderr: () => err,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode != null || child.signalCode != null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/**
 * A WebSocket client of the LensApi protocol, for tests that drive the server without a browser.
 * `method` is a wire name, `service.method` (e.g. 'labels.addFlag'); a misspelt one does not compile.
 */
export async function connectApi(h: ServeHandle): Promise<{
  call: (method: LensMethod, arg?: unknown) => Promise<any>;
  /** Sends any name, for tests of what the server does with names that are not methods. */
  callUnchecked: (method: string, arg?: unknown) => Promise<any>;
  events: any[];
  close: () => void;
}> {
  const ws = new WebSocket(`ws://127.0.0.1:${h.port}/ws?token=${h.token}`, { origin: h.origin });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const events: any[] = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data));
    if (msg.event) return void events.push(decodeWire(msg.event)); // typed arrays back, as the renderer's transport does
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name, detail: msg.error.detail }));
    else p.resolve(msg.result);
  });
  const callUnchecked = (method: string, arg?: unknown): Promise<any> =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, { resolve, reject });
      ws.send(JSON.stringify({ id: n, method, arg: arg ?? null }));
    });
  return {
    call: callUnchecked,
    callUnchecked,
    events,
    close: () => ws.close(),
  };
}

/** Polls until fn returns a truthy value. */
export async function until<T>(fn: () => Promise<T> | T, what: string, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Generates a sample of `images` images into `dir`/sample (real CLI) and serves it from `dir`/data. */
export async function serveSample(dir: string, images: number, opts: { allow?: string[] } = {}): Promise<{ dataset: string; dataDir: string; server: ServeHandle }> {
  const { mlens } = await import('./cli.js');
  const dataset = join(dir, 'sample');
  const dataDir = join(dir, 'data');
  const r = mlens(['sample', '--out', dataset, '--images', String(images), '--json']);
  if (r.code !== 0) throw new Error(`mlens sample failed: ${r.stderr}`);
  return { dataset, dataDir, server: await startServe({ dataDir, dataset, allow: opts.allow }) };
}
