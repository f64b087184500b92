// export.*: what an export would hold, and writing every label and the verified positives as
// SQLite, Parquet, CSV, JSONL, CxC CSV or ECCV Caption JSON.
import type { ExportResult } from '../../../shared/api.js';
import type { ExportFormat, ExportPreview } from '../../../shared/labels.js';
import type { ExportService } from '../../../shared/api.js';
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
}
