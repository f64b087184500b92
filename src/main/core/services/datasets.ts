// datasets.*: opening a dataset folder (or the sample) as the session's Project, and reading its
// items: the table, search and the per-item values the map colours by.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ItemTable, Session } from '../../../shared/api.js';
import type { ColumnMap } from '../../../shared/dataset.js';
import type { ItemValueColumn, SearchResult } from '../../../shared/map_tools.js';
import type { DatasetsService } from '../../../shared/api.js';
import { Project } from '../project/project.js';
import { generateSample } from '../sample/generate.js';
import { searchItems } from '../datasets/search.js';
import { itemValueColumns } from '../datasets/item_values.js';
import { readSettings, writeSettings } from '../io/data_dir.js';
import { expandUserPath } from '../datasets/folder_browser.js';
import { checkInputFolder } from './service_paths.js';
import { emitFlags, emitReviews, emitSession, type ServiceSession } from './context.js';

export const DEFAULT_SAMPLE = { images: 1000, preset: 'A' as const, seed: 0 };

export class DatasetsServiceImpl implements DatasetsService {
  constructor(private readonly s: ServiceSession) {}

  async open(req: { path: string; strict?: boolean; columns?: ColumnMap }): Promise<Session> {
    const root = checkInputFolder(expandUserPath(req.path), 'dataset folder', 'cli');
    const dataDir = this.s.options.dataDir;
    // A mapping given now is remembered for the folder; without one, the remembered one is used.
    const before = readSettings(dataDir);
    const columns = req.columns ?? before.columns?.[resolve(root)];
    // Open the new project fully before letting go of the current one: a broken folder leaves
    // the current session (and its flags) untouched.
    // The memory budget: MLENS_MEMORY_MB wins over the setting (embeddings over it stay on disk).
    const memoryMb = process.env.MLENS_MEMORY_MB ? undefined : before.memoryMb;
    const project = await Project.open(root, { dataDir, strict: req.strict, columns, claimSessionIn: dataDir, track: true, memoryMb });
    this.s.adopt(project);
    // Another app or CLI on the same store: refresh this window's flags and reviews.
    project.store.watchChanges(() => {
      if (this.s.currentProject() !== project) return;
      this.s.emit({ type: 'store', origin: 'other-process' });
      emitFlags(this.s);
      emitReviews(this.s);
    });
    const settings = readSettings(dataDir);
    const remembered = req.columns ? { ...settings.columns, [project.root]: req.columns } : settings.columns;
    writeSettings(dataDir, { ...settings, lastDataset: project.root, ...(remembered ? { columns: remembered } : {}) });
    const session = emitSession(this.s);
    emitFlags(this.s);
    return session;
  }

  sampleDir(): string {
    const d = DEFAULT_SAMPLE;
    return join(this.s.options.dataDir, `sample-${d.images}-${d.preset}-seed${d.seed}`);
  }

  async openSample(req: { jobId: string }): Promise<Session> {
    const dir = this.sampleDir();
    if (!existsSync(join(dir, 'stats.json'))) {
      await this.s.jobs.run(req.jobId, 'sample', async (signal, progress) => {
        await generateSample({ out: dir, ...DEFAULT_SAMPLE, signal, onProgress: (p) => progress(`sample: ${p.phase}`, p.done, p.total) });
      });
    }
    return this.open({ path: dir });
  }

  /**
   * On start: reopen the last dataset (settings.json in the user's data folder), or the sample on
   * first launch. A last dataset that vanished or cannot be read opens the sample with a note.
   */
  async restore(jobId = 'startup'): Promise<Session> {
    const last = readSettings(this.s.options.dataDir).lastDataset;
    let why: string | null = null;
    if (last && !existsSync(last)) why = 'it no longer exists';
    else if (last) {
      try {
        return await this.open({ path: last });
      } catch (e) {
        why = `it cannot be read: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    const session = await this.openSample({ jobId });
    const p = this.s.currentProject();
    if (!why || !p) return session;
    p.ds.problems.unshift({ severity: 'warning', file: last!, message: `the last dataset, ${last}, was not reopened because ${why}; the sample dataset is open instead` });
    return emitSession(this.s);
  }

  async items(): Promise<ItemTable> {
    const { ds } = this.s.project();
    return {
      images: ds.images.map((im) => ({ id: im.id, path: im.path, missing: im.missing, split: im.split })),
      captions: ds.captions.map((c) => ({ id: c.id, text: c.text, imageIndex: c.imageIndex, split: c.split })),
    };
  }

  async search(req: { query: string; limit?: number }): Promise<SearchResult> {
    return searchItems(this.s.project().ds, req.query, req.limit);
  }

  async itemValues(): Promise<ItemValueColumn[]> {
    const p = this.s.project();
    p.caches.itemValues ??= itemValueColumns(p.ds);
    return p.caches.itemValues;
  }
}
