// export.*: what an export would hold, and writing every label and the verified positives as
// SQLite, Parquet, CSV, JSONL, CxC CSV or ECCV Caption JSON.
import type { ExportResult } from '../../../shared/api.js';
import type { ExportFormat, ExportPreview } from '../../../shared/labels.js';
import type { ExportService, MapSelectionRequest, SelectionExportFormat, SelectionExportResult } from '../../../shared/api.js';
import path from 'node:path';
import { defaultExportFolder } from '../io/path_policy.js';
import { readLabels } from '../labels/label_model.js';
import { exportSelection } from '../export/selection_export.js';
import { cachedMapXy } from './projection.js';
import { resolveSelection } from './map_selection.js';
import { exportPreviewOf, exportProjectLabels } from '../labels/label_service.js';
import { exportTargetFor } from './service_paths.js';
import { appVersion } from '../io/app_version.js';
import type { ServiceSession } from './context.js';

export class ExportServiceImpl implements ExportService {
  constructor(private readonly s: ServiceSession) {}

  async preview(): Promise<ExportPreview> {
    return exportPreviewOf(this.s.project().store);
  }

  async write(req: { out?: string; overwrite?: boolean; format?: ExportFormat }): Promise<ExportResult> {
    const p = this.s.project();
    const o = this.s.options;
    const { out, format } = exportTargetFor(req, { datasetRoot: p.root, projectDir: p.dir, dataDir: o.dataDir, chosenFolders: this.s.chosenFolders });
    const counts = exportProjectLabels(out, p.ds, p.store, { appVersion: appVersion(), space: p.activeSpaceLabel(), format });
    return { path: out, ...counts, downloadUrl: o.downloadUrl?.(out) };
  }

  async writeSelection(req: MapSelectionRequest & { format: SelectionExportFormat; out?: string; overwrite?: boolean }): Promise<SelectionExportResult> {
    const p = this.s.project();
    const o = this.s.options;
    const ext = req.format === 'sqlite' ? '.sqlite' : `.${req.format}`;
    const out =
      req.out === undefined
        ? path.join(defaultExportFolder(p.root, p.dir), `selection-${new Date().toISOString().replace(/[:.]/g, '-')}${ext}`)
        : exportTargetFor({ out: req.out, overwrite: req.overwrite, format: req.format }, { datasetRoot: p.root, projectDir: p.dir, dataDir: o.dataDir, chosenFolders: this.s.chosenFolders }).out;
    const counts = exportSelection(out, p.ds, resolveSelection(p, req), readLabels(p.store.db), cachedMapXy(p), { format: req.format, appVersion: appVersion(), space: p.activeSpaceLabel() });
    return { path: out, format: req.format, ...counts, downloadUrl: o.downloadUrl?.(out) };
  }
}
