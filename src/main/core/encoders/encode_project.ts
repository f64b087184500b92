// Encoding an open project into a space (or finding the cached one) in a worker thread: the
// space's record with the `id` every other verb takes as `--space ID`.
import type { Problem } from '../../../shared/dataset.js';
import type { SpaceRecord } from '../spaces/space.js';
import type { Dataset } from '../datasets/dataset.js';

/** What encoding reads from an open project (core/project's Project is one). */
export interface EncodeProject {
  readonly ds: Dataset;
  readonly dir: string;
  /** Drops the project's cached arrays of a space that was just rewritten. */
  forgetSpace(id: string): void;
}
import { encodeSpace, type EncodeProgress } from './encode_job.js';

export interface EncodeProjectArgs {
  encoder: string;
  onProgress?: (p: EncodeProgress) => void;
  signal?: AbortSignal;
  memoryLimitBytes?: number;
  log?: (line: string) => void;
}

export type EncodeProjectResult = SpaceRecord & {
  cached: boolean;
  /** Items skipped (unreadable images …), each naming its file. */
  problems: Problem[];
  stats: Record<string, number>;
};

export async function encodeProject(project: EncodeProject, args: EncodeProjectArgs): Promise<EncodeProjectResult> {
  const r = await encodeSpace({
    dataset: project.ds,
    encoderSpec: args.encoder,
    projectDir: project.dir,
    signal: args.signal,
    onProgress: args.onProgress,
    memoryLimitBytes: args.memoryLimitBytes,
    log: args.log,
  });
  project.forgetSpace(r.record.id);
  return { ...r.record, cached: r.cached, problems: r.problems, stats: r.stats };
}
