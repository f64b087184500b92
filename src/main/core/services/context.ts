// What every service takes: the session that holds the open Project, the event bus and the job
// runner (LensService implements it). Services keep no state of their own beyond small caches.
import type { LensEvent, Session } from '../../../shared/api.js';
import type { MineSummary } from '../../../shared/views/review.js';
import type { Project } from '../project/project.js';
import type { JobRunner } from '../jobs/job_runner.js';
import { summarize } from '../datasets/summary.js';
import { readFlags } from '../labels/label_model.js';
import { packFlags } from '../../../shared/flag_table.js';
import { lastSentUnitAt } from '../review/selection_unit.js';

export interface LensServiceOptions {
  dataDir: string;
  mode: 'electron' | 'browser';
  /** Folder picker (Electron only). */
  pickFolder?: () => Promise<string | null>;
  /** Browser mode: how a client downloads an exported file. */
  downloadUrl?: (file: string) => string | undefined;
  /** Folders the folder picker may browse (default: the home folder). */
  allowedRoots?: string[];
}

export interface ServiceSession {
  readonly options: LensServiceOptions;
  readonly jobs: JobRunner;
  /** Folders the user picked in a dialog: the UI may export there. */
  readonly chosenFolders: string[];
  emit(e: LensEvent): void;
  /** The open project; throws 'no dataset is open' without one. */
  project(): Project;
  /** The open project or null. */
  currentProject(): Project | null;
  /** Makes `p` the open project (the previous one is closed). */
  adopt(p: Project): void;
}

export function lastMining(p: Project | null): MineSummary | null {
  const text = p?.store.getMeta('last_mining');
  if (!text) return null;
  try {
    return JSON.parse(text) as MineSummary;
  } catch {
    return null;
  }
}

export function sessionView(s: ServiceSession): Session {
  const p = s.currentProject();
  return {
    dataset: p ? summarize(p.ds) : null,
    storePath: p?.store.file ?? null,
    canUndo: p?.store.canUndo() ?? false,
    canRedo: p?.store.canRedo() ?? false,
    spaceId: p?.activeSpaceId ?? null,
    spaces: p ? p.listSpaces() : [],
    lastMining: lastMining(p),
  };
}

export function emitSession(s: ServiceSession): Session {
  const session = sessionView(s);
  s.emit({ type: 'session', session });
  return session;
}

export function emitFlags(s: ServiceSession): void {
  const p = s.currentProject();
  if (!p) return;
  s.emit({ type: 'flags', table: packFlags(readFlags(p.store.db)), canUndo: p.store.canUndo(), canRedo: p.store.canRedo() });
}

export function emitReviews(s: ServiceSession): void {
  const p = s.currentProject();
  if (!p) return;
  s.emit({ type: 'reviews', decisions: p.reviews.countDecisions().decisions, canUndo: p.reviews.canUndo() || lastSentUnitAt(p.reviews) != null });
}
