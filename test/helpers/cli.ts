import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './server.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

/** Runs the real CLI (`bin/mlens.mjs`, the `npx mlens` entry) in a child process. */
export function mlens(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mlens.mjs'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}
