// The one policy for paths that come from outside the process (the renderer over IPC or the
// WebSocket, and the CLI's arguments): dataset folders, model folders, import files and export
// targets. Export targets get the strictest rules because writing is the only way a path can
// destroy work: the project store, anything in a `.mlens` folder and the dataset's own files are
// never targets, and an existing file is replaced only when the caller says so.
import { accessSync, constants, lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export class PathPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathPolicyError';
  }
}

/** Who typed the path: the user on the command line, or the UI (IPC, WebSocket), which is held to stricter rules. */
export type PathOrigin = 'cli' | 'renderer';

/** File names an export may have: SQLite, Parquet, CSV, JSONL or JSON (export/export_format.ts). */
export const EXPORT_EXTENSIONS = ['.sqlite', '.sqlite3', '.db', '.parquet', '.csv', '.jsonl', '.json'];

function basic(p: unknown, what: string, origin: PathOrigin): string {
  if (typeof p !== 'string' || p.trim() === '') throw new PathPolicyError(`${what}: the path is empty`);
  if (p.includes('\0')) throw new PathPolicyError(`${what}: the path contains a NUL byte`);
  if (p.length > 4096) throw new PathPolicyError(`${what}: the path is longer than 4096 characters`);
  if (origin === 'renderer' && !path.isAbsolute(p)) throw new PathPolicyError(`${what} ${JSON.stringify(p)}: give an absolute path`);
  return path.resolve(p);
}

/** `p` with every existing ancestor resolved through links (the part that does not exist yet kept as typed). */
export function realTarget(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  for (let dir = abs; ; dir = path.dirname(dir)) {
    try {
      return path.join(realpathSync.native(dir), ...rest.reverse());
    } catch {
      if (path.dirname(dir) === dir) return abs;
      rest.push(path.basename(dir));
    }
  }
}

export function isInside(root: string, target: string): boolean {
  const r = path.relative(root, target);
  return r === '' || (r !== '..' && !r.startsWith('..' + path.sep) && !path.isAbsolute(r));
}

/** A folder to read from (a dataset folder, a model folder): it must exist and be a folder. */
export function checkInputFolder(p: unknown, what: string, origin: PathOrigin): string {
  const abs = basic(p, what, origin);
  const st = statSync(abs, { throwIfNoEntry: false });
  if (!st) throw new PathPolicyError(`${what} ${abs} does not exist`);
  if (!st.isDirectory()) throw new PathPolicyError(`${what} ${abs} is not a folder`);
  return abs;
}

/** A file to read from (positives to import, an .npy): it must exist and be a regular file. */
export function checkInputFile(p: unknown, what: string, origin: PathOrigin): string {
  const abs = basic(p, what, origin);
  const st = statSync(abs, { throwIfNoEntry: false });
  if (!st) throw new PathPolicyError(`${what} ${abs} does not exist`);
  if (!st.isFile()) throw new PathPolicyError(`${what} ${abs} is not a regular file`);
  return abs;
}

export interface ExportPolicy {
  datasetRoot: string;
  /** The folder of the project store (`DATASET/.mlens`, or a fallback under the data folder). */
  projectDir: string;
  /** The app's data folder: the fallback stores under `projects/` are never targets. */
  dataDir?: string;
  /** Folders the user picked in a dialog; the UI may export there besides the dataset's exports/. */
  chosenFolders?: readonly string[];
  origin: PathOrigin;
  /** Replace an existing file (CLI --force). */
  overwrite: boolean;
}

/** Where an export goes when the caller names no file: DATASET/exports, or the project's exports/ when the dataset folder is read-only. */
export function defaultExportFolder(datasetRoot: string, projectDir: string): string {
  try {
    accessSync(datasetRoot, constants.W_OK);
    return path.join(datasetRoot, 'exports');
  } catch {
    return path.join(projectDir, 'exports');
  }
}

/**
 * Checks an export target and returns the path to write (its folder resolved through links, so the
 * temporary file and the final rename happen in the folder that was checked). Throws
 * PathPolicyError with a message that names the path and the rule.
 */
export function checkExportTarget(target: unknown, policy: ExportPolicy): string {
  const abs = basic(target, 'export target', policy.origin);
  const real = realTarget(abs);
  const st = lstatSync(abs, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) throw new PathPolicyError(`export target ${abs} is a link; name the file itself`);
  if (st && !st.isFile()) throw new PathPolicyError(`export target ${abs} exists and is not a regular file`);

  const both = (root: string, sub = ''): boolean => {
    const r = path.join(root, sub);
    return isInside(r, abs) || isInside(realTarget(r), real);
  };
  if (abs.split(path.sep).includes('.mlens') || real.split(path.sep).includes('.mlens')) {
    throw new PathPolicyError(`export target ${abs} is inside a .mlens project folder, where the project store lives; export to DATASET/exports/ or outside the dataset`);
  }
  if (both(policy.projectDir) && !both(policy.projectDir, 'exports')) {
    throw new PathPolicyError(`export target ${abs} is inside the project folder ${policy.projectDir} (the store of flags and reviews); choose another folder`);
  }
  if (policy.dataDir && both(policy.dataDir, 'projects') && !both(policy.projectDir, 'exports')) {
    throw new PathPolicyError(`export target ${abs} is inside the app's project stores (${path.join(policy.dataDir, 'projects')}); choose another folder`);
  }
  const inExports = both(policy.datasetRoot, 'exports') || both(policy.projectDir, 'exports');
  if (both(policy.datasetRoot) && !inExports) {
    throw new PathPolicyError(`export target ${abs} is inside the dataset folder ${policy.datasetRoot} (captions, images, embeddings); export to ${path.join(policy.datasetRoot, 'exports')} or outside the dataset`);
  }
  const name = path.basename(abs);
  if (!EXPORT_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e)) || name.length <= 4) {
    throw new PathPolicyError(`export target ${abs}: the file name must end in ${EXPORT_EXTENSIONS.join(', ')} (exports are SQLite, Parquet, CSV, JSONL or JSON files)`);
  }
  if (policy.origin === 'renderer' && !inExports && !(policy.chosenFolders ?? []).some((f) => both(f))) {
    throw new PathPolicyError(`export target ${abs}: the app exports to the dataset's exports/ folder or to a folder you chose; use the CLI (mlens export --out) for other places`);
  }
  if (st && !policy.overwrite) {
    throw new PathPolicyError(`export target ${abs} already exists; ask to overwrite it (CLI: --force) to replace it`);
  }
  return real;
}
