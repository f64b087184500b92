// What every verb shares: its shape, --json, the one print() (snake_case keys), the dataset folder
// argument, and "open the Project, run, close".
import { resolve } from 'node:path';
import { snakeKeys } from './json_keys.js';
import { UsageError, type ParsedArgs } from './args.js';
import { defaultDataDir } from '../core/io/data_dir.js';
import { Project, type ProjectOpenOptions } from '../core/project/project.js';

export interface Verb {
  summary: string;
  usage: string;
  flags?: string[];
  run(a: ParsedArgs): Promise<unknown>;
}

export const json = (a: ParsedArgs): boolean => a.flags.has('json');
export const print = (v: unknown): void => void process.stdout.write(`${JSON.stringify(snakeKeys(v), null, 2)}\n`);

export function needDir(a: ParsedArgs): string {
  const dir = a.positional[0];
  if (!dir) throw new UsageError('a dataset folder is required');
  return resolve(dir);
}

/** Opens the dataset folder as a Project, runs `fn` on it and closes it. */
export async function withProject<T>(dir: string, fn: (p: Project) => Promise<T>, opts: Omit<ProjectOpenOptions, 'dataDir'> = {}): Promise<T> {
  const project = await Project.open(dir, { dataDir: defaultDataDir(), ...opts });
  try {
    return await fn(project);
  } finally {
    project.close();
  }
}

export function tiesOpt(v: string | undefined): 'expected' | 'stable' | 'optimistic' | 'pessimistic' {
  const ties = v ?? 'expected';
  if (!['expected', 'stable', 'optimistic', 'pessimistic'].includes(ties)) throw new UsageError('--ties must be expected, stable, optimistic or pessimistic');
  return ties as 'expected';
}
