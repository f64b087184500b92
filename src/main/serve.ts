// `npm run serve`: browser mode. Prints the URL (with its one-time token) on stdout.
import { startBrowserServer } from './server/browser_server.js';
import { defaultDataDir } from './core/io/data_dir.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const server = await startBrowserServer({
  dataDir: arg('--data-dir') ?? defaultDataDir(),
  host: arg('--host') ?? process.env.MLENS_HOST ?? '127.0.0.1',
  port: arg('--port') ? Number(arg('--port')) : process.env.MLENS_PORT ? Number(process.env.MLENS_PORT) : 0,
  dataset: arg('--dataset'),
  allow: process.argv.flatMap((a, i) => (a === '--allow' && process.argv[i + 1] ? [process.argv[i + 1]] : [])),
  log: (l) => console.error(l),
});
console.log(`Multiplicity Lens (browser mode) is at ${server.url}`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
