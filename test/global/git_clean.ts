// `npm test` must leave the checkout as it found it: no tracked file changed, no new file outside
// the ignored folders (screenshots go to a temporary folder; `npm run docs:screenshots` refreshes
// docs/ on purpose). A vitest global setup snapshots `git status` and the content of every changed
// tracked file before the run; the teardown fails the run, naming the files, if either moved.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function git(args: string[]): string | null {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  return r.status === 0 ? r.stdout : null;
}

export interface TreeState {
  status: string[];
  diffHash: string;
}

/** The porcelain status lines and a hash of the tracked changes (null outside a git checkout). */
export function treeState(): TreeState | null {
  const status = git(['status', '--porcelain=v1', '--untracked-files=all']);
  const diff = git(['diff', 'HEAD', '--binary']);
  if (status == null || diff == null) return null;
  return { status: status.split('\n').filter(Boolean).sort(), diffHash: createHash('sha256').update(diff).digest('hex') };
}

/** What changed between two states, one line per file; empty when nothing did. */
export function treeChanges(before: TreeState, after: TreeState): string[] {
  const was = new Set(before.status);
  const now = new Set(after.status);
  const out = [...now].filter((l) => !was.has(l)).map((l) => `now:    ${l}`);
  out.push(...[...was].filter((l) => !now.has(l)).map((l) => `before: ${l}`));
  if (!out.length && before.diffHash !== after.diffHash) out.push('the content of a tracked file that was already modified changed');
  return out;
}

export default function setup(): () => void {
  // `npm run docs:screenshots` writes docs/*.png on purpose.
  if (process.env.MLENS_DOCS_SCREENSHOTS) return () => undefined;
  const before = treeState();
  return () => {
    if (!before) return;
    const after = treeState();
    if (!after) return;
    const changes = treeChanges(before, after);
    if (changes.length) {
      throw new Error(`npm test changed the checkout (git status is not what it was before the run):\n  ${changes.join('\n  ')}\nTests must write into temporary or ignored folders only.`);
    }
  };
}
