// Tests that drive mining and evaluation the way the CLI does: open the project once, hand it to the
// same functions the CLI and the app call, close it.
import { Project } from '../../src/main/core/project/project.js';
import { mineProject, type MineCommandArgs } from '../../src/main/core/mining/mine.js';
import { evaluateProject, type EvalCommandArgs } from '../../src/main/core/mining/evaluation.js';
import { mineInWorker } from '../../src/main/core/mining/mine_job.js';

type At = { dir: string; dataDir: string };

export const openProject = (d: string, dataDir: string): Promise<Project> => Project.open(d, { dataDir });

export async function withProject<T>(d: string, dataDir: string, fn: (p: Project) => Promise<T>): Promise<T> {
  const p = await openProject(d, dataDir);
  try {
    return await fn(p);
  } finally {
    p.close();
  }
}

export const runMineCommand = ({ dir: d, dataDir: dd, ...args }: MineCommandArgs & At) => withProject(d, dd, (p) => mineProject(p, args));
export const runEvalCommand = ({ dir: d, dataDir: dd, ...args }: EvalCommandArgs & At) => withProject(d, dd, (p) => evaluateProject(p, args));
/** Mining with its compute step in the worker thread, as the app runs it. */
export const mineAsJob = ({ dir: d, dataDir: dd, ...args }: MineCommandArgs & At, hooks: Pick<MineCommandArgs, 'onProgress' | 'signal'> = {}) =>
  withProject(d, dd, (p) => mineProject(p, { ...args, ...hooks }, mineInWorker));
