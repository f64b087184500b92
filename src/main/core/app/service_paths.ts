// The path policy (core/io/path_policy.ts) as the services apply it to what the renderer sends:
// dataset folders, import files, encoder model folders and files, and export targets.
import path from 'node:path';
import { checkExportTarget, checkInputFile, checkInputFolder, defaultExportFolder } from '../io/path_policy.js';
import { parseEncoderSpec } from '../encoders/registry.js';

export interface ExportPlace {
  datasetRoot: string;
  projectDir: string;
  dataDir: string;
  chosenFolders: readonly string[];
}

/** The file an export from the UI writes: the checked `out`, or a new stamped file in the default folder. */
export function exportTargetFor(req: { out?: string; overwrite?: boolean }, place: ExportPlace): string {
  if (req.out === undefined) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return path.join(defaultExportFolder(place.datasetRoot, place.projectDir), `flags-${stamp}.sqlite`);
  }
  return checkExportTarget(req.out, { ...place, origin: 'renderer', overwrite: req.overwrite === true });
}

/** Every path inside an encoder spec must name an existing model folder or embeddings file. */
export function checkEncoderSpecPaths(spec: string): void {
  const p = parseEncoderSpec(spec);
  if (p.kind === 'npy') for (const f of p.arg.split(',')) checkInputFile(f.trim(), 'embeddings file', 'cli');
  if (p.kind === 'clip') checkInputFolder(p.arg.trim(), 'model folder', 'cli');
  if (p.kind === 'tfjs') {
    const one = p.arg.trim();
    if (!one.includes(',')) checkInputFolder(one, 'model folder', 'cli');
    else for (const f of one.split(',')) checkInputFolder(f.trim(), 'model folder', 'cli');
  }
}

export { checkInputFile, checkInputFolder };
