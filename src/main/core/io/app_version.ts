// The app version, read once from package.json at the package root.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package_root.js';

let cached: string | null = null;

export function appVersion(): string {
  if (cached == null) {
    try {
      cached = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
