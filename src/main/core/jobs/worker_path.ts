// Worker threads run from the built bundle (out/main/workers/NAME.js), both in the app and in
// tests, so that the code a test exercises is the code a user runs.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder with package.json and the app's code: src/main in a checkout, out/main in a packaged app (no sources). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && (existsSync(join(dir, 'src', 'main')) || existsSync(join(dir, 'out', 'main')))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Multiplicity Lens package root');
    dir = up;
  }
}

export function workerPath(name: string): string {
  const file = join(packageRoot(), 'out', 'main', 'workers', `${name}.js`);
  if (!existsSync(file)) throw new Error(`worker ${name} is not built (${file} missing): run \`npm run build\``);
  return file;
}
