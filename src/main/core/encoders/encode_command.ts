// `mlens encode DIR --encoder SPEC [--json]`: opens the dataset, encodes it into a space (or finds
// the cached one) in a worker thread, and returns the space's record; `--json` prints it, with the
// `id` every other verb takes as `--space ID`.
import type { Problem } from '../../../shared/dataset.js';
import { openDataset } from '../datasets/open.js';
import type { SpaceRecord } from '../spaces/space.js';
import { projectDir } from '../store/project_store.js';
import { encodeSpace, type EncodeProgress } from './encode_job.js';

export interface EncodeCommandArgs {
  dir: string;
  encoder: string;
  dataDir: string;
  onProgress?: (p: EncodeProgress) => void;
  signal?: AbortSignal;
  memoryLimitBytes?: number;
  log?: (line: string) => void;
}

export type EncodeCommandResult = SpaceRecord & {
  cached: boolean;
  /** Items skipped (unreadable images …), each naming its file. */
  problems: Problem[];
  stats: Record<string, number>;
};

export async function runEncodeCommand(args: EncodeCommandArgs): Promise<EncodeCommandResult> {
  const ds = await openDataset(args.dir, { onProgress: (p) => args.onProgress?.({ phase: `open ${p.phase}`, done: p.done, total: p.total }) });
  const r = await encodeSpace({
    dataset: ds,
    encoderSpec: args.encoder,
    projectDir: projectDir(ds.root, args.dataDir),
    signal: args.signal,
    onProgress: args.onProgress,
    memoryLimitBytes: args.memoryLimitBytes,
    log: args.log,
  });
  return { ...r.record, cached: r.cached, problems: r.problems, stats: r.stats };
}
