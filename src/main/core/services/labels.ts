// labels.*: the one label model: flags (clicks and lassos) with undo/redo, every label in effect,
// and imported positives.
import type { Flag, FlagLabel, FlagTarget } from '../../../shared/flags.js';
import type { ImportResultView } from '../../../shared/views/review.js';
import type { PairLabel } from '../../../shared/labels.js';
import type { LabelsService } from '../../../shared/api.js';
import { packFlags, type FlagTable } from '../../../shared/flag_table.js';
import { addFlagBatch, checkTarget, labelsOf } from '../labels/label_service.js';
import { readFlags } from '../labels/label_model.js';
import { importIntoProject } from '../export/import_file.js';
import { checkInputFile } from './service_paths.js';
import { emitFlags, emitReviews, type ServiceSession } from './context.js';

export class LabelsServiceImpl implements LabelsService {
  constructor(private readonly s: ServiceSession) {}

  async listFlags(): Promise<Flag[]> {
    return readFlags(this.s.project().store.db);
  }

  async flagTable(): Promise<FlagTable> {
    return packFlags(readFlags(this.s.project().store.db));
  }

  async addFlag(req: { target: FlagTarget; label: FlagLabel; note?: string }): Promise<Flag> {
    const { ds, store } = this.s.project();
    const f = store.addFlag(req.target, req.label, req.note ?? '', checkTarget(ds, req.target), { source: 'click' });
    emitFlags(this.s);
    return f;
  }

  async addFlags(req: { targets: FlagTarget[]; label: FlagLabel; note?: string; source?: 'click' | 'lasso'; selection?: string }): Promise<Flag[]> {
    const { ds, store } = this.s.project();
    const flags = addFlagBatch(ds, store, req);
    if (flags.length) emitFlags(this.s);
    return flags;
  }

  async removeFlag(req: { id: number }): Promise<void> {
    if (!this.s.project().store.removeFlag(req.id)) throw new Error(`no active flag with id ${req.id}`);
    emitFlags(this.s);
  }

  async undo(): Promise<boolean> {
    const ok = this.s.project().store.undo();
    emitFlags(this.s);
    return ok;
  }

  async redo(): Promise<boolean> {
    const ok = this.s.project().store.redo();
    emitFlags(this.s);
    return ok;
  }

  async list(): Promise<PairLabel[]> {
    return labelsOf(this.s.project().store);
  }

  async importPositives(req: { path: string }): Promise<ImportResultView> {
    const p = this.s.project();
    const r = await importIntoProject(p.ds, p.reviews, checkInputFile(req.path, 'positives or label file', 'cli'));
    emitReviews(this.s);
    if (r.labels?.flags) emitFlags(this.s);
    return r;
  }
}
