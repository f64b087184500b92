// `mlens serve` (browser mode) and `mlens doctor` (the environment).
import { defaultDataDir } from '../core/io/data_dir.js';
import { appVersion } from '../core/io/app_version.js';
import { backendReport } from '../core/tensor/report.js';
import { numOpt, opt } from './args.js';
import { json, print, type Verb } from './verb.js';

export const serveVerb: Verb = {
  summary: 'start browser mode: the app on http://127.0.0.1 with a one-time token',
  usage: 'mlens serve [--port P] [--dataset DIR] [--data-dir DIR] [--allow DIR]... (folders the browser may browse; default: home)',
  async run(a) {
    const { startBrowserServer } = await import('../server/browser_server.js');
    const server = await startBrowserServer({
      dataDir: opt(a, 'data-dir') ?? defaultDataDir(),
      port: numOpt(a, 'port', 0, 65535) ?? 0,
      dataset: opt(a, 'dataset'),
      allow: a.options.get('allow') ?? [],
      log: (l) => console.error(l),
    });
    console.log(`Multiplicity Lens (browser mode) is at ${server.url}`);
    await new Promise(() => undefined);
  },
};

export const doctorVerb: Verb = {
  summary: 'print the environment: version, compute backend, data folder, native modules',
  usage: 'mlens doctor [--json]',
  flags: ['json'],
  async run(a) {
    let sqlite = 'ok';
    try {
      const { openSqlite } = await import('../core/store/sqlite.js');
      const db = openSqlite(':memory:');
      sqlite = `ok (SQLite ${(db.prepare('select sqlite_version() v').get() as { v: string }).v})`;
      db.close();
    } catch (e) {
      sqlite = `failed: ${(e as Error).message}`;
    }
    const b = await backendReport();
    const { electronNativeState } = await import('../core/app/electron_native_state.js');
    const { packageRoot } = await import('../core/jobs/worker_path.js');
    const electronSqlite = electronNativeState(packageRoot());
    const r = { version: appVersion(), node: process.version, platform: `${process.platform}-${process.arch}`, backend: b.backend, gpu: b.gpu, backendSkipped: b.skipped, backendFeatures: b.features ?? null, dataDir: defaultDataDir(), sqlite, electronSqlite };
    if (json(a)) return print(r);
    console.log(`version   ${r.version}\nnode      ${r.node} (${r.platform})\nbackend   ${r.backend}${r.gpu ? ` on ${r.gpu}` : ''}${b.features ? ` (simd ${b.features.simd}, threads ${b.features.threads})` : ''}`);
    for (const sk of b.skipped) console.log(`          skipped ${sk.name}: ${sk.reason}`);
    console.log(`data dir  ${r.dataDir}\nsqlite    ${r.sqlite}\nelectron sqlite  ${r.electronSqlite}`);
  },
};
