// Where the app's package lives: the folder with package.json and the app's code.
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
