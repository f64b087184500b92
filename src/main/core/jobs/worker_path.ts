// Worker threads run from the built bundle (out/main/workers/NAME.js), both in the app and in
// tests, so that the code a test exercises is the code a user runs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../io/package_root.js';

export { packageRoot };

export function workerPath(name: string): string {
  const file = join(packageRoot(), 'out', 'main', 'workers', `${name}.js`);
  if (!existsSync(file)) throw new Error(`worker ${name} is not built (${file} missing): run \`npm run build\``);
  return file;
}
