// The app's data folder: settings, the generated sample, and project stores of read-only datasets.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';

export function defaultDataDir(): string {
  if (process.env.MLENS_DATA_DIR) return process.env.MLENS_DATA_DIR;
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'multiplicity-lens');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'multiplicity-lens');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'multiplicity-lens');
}

export interface Settings {
  lastDataset?: string;
  /** The column mapping chosen for a table dataset (the column dialog, `datasets.open` columns), by absolute folder. */
  columns?: Record<string, Partial<Record<string, string>>>;
  /** Thumbnail cache limit in MiB (io/thumbnail_cache.ts; MLENS_THUMB_CACHE_MB wins). */
  thumbnailCacheMb?: number;
  /** Memory budget in MiB for embeddings (io/memory_budget.ts; MLENS_MEMORY_MB wins). */
  memoryMb?: number;
}

export function readSettings(dataDir: string): Settings {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')) as Settings;
  } catch {
    return {};
  }
}

export function writeSettings(dataDir: string, s: Settings): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'settings.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(s, null, 2));
  renameSync(`${file}.tmp`, file);
}
