// The path policy (core/io/path_policy.ts) as the services apply it to what the renderer sends:
// dataset folders, import files, encoder model folders and files, and export targets.
import path from 'node:path';
import { checkExportTarget, checkInputFile, checkInputFolder, defaultExportFolder } from '../io/path_policy.js';
import { parseEncoderSpec } from '../encoders/registry.js';
import { defaultExportName, exportFiles, exportFormatFor, type ExportFormat } from '../export/export_format.js';

export interface ExportPlace {
  datasetRoot: string;
  projectDir: string;
  dataDir: string;
  chosenFolders: readonly string[];
}

/**
 * The file an export from the UI writes, and its format: the checked `out` (every file the format
 * writes is checked), or a new stamped file in the default folder.
 */
export function exportTargetFor(req: { out?: string; overwrite?: boolean; format?: ExportFormat }, place: ExportPlace): { out: string; format: ExportFormat } {
  if (req.out === undefined) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const format = req.format ?? 'sqlite';
    return { out: path.join(defaultExportFolder(place.datasetRoot, place.projectDir), format === 'sqlite' ? `flags-${stamp}.sqlite` : defaultExportName(format, stamp)), format };
  }
  const policy = { ...place, origin: 'renderer' as const, overwrite: req.overwrite === true };
  const out = checkExportTarget(req.out, policy);
  const format = exportFormatFor(out, req.format);
  for (const f of exportFiles(out, format).slice(1)) checkExportTarget(f, policy);
  return { out, format };
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
