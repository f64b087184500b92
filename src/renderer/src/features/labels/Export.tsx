// Export labels: the button asks for a preview (what the file would hold), the confirmation writes
// it, and a banner says where it went (with a download link in browser mode).
import { useState } from 'react';
import type { ExportFormat } from '../../../../shared/labels';
import type { LensStore } from '../../store/lens_store';
import { useLens, useLensState } from '../../store/react';
import { ExportConfirm } from './ExportConfirm';

async function previewExport(store: LensStore): Promise<void> {
  try {
    store.set({ exported: null });
    store.set({ exportPreview: await store.api.export.preview() });
  } catch (e) {
    store.fail(e);
  }
}

async function writeExport(store: LensStore, format: ExportFormat): Promise<void> {
  try {
    store.set({ exportPreview: null });
    store.set({ exported: await store.api.export.write({ format }) });
  } catch (e) {
    store.fail(e);
  }
}

export function ExportButton() {
  const store = useLens();
  const hasDataset = useLensState((s) => !!s.session?.dataset);
  return (
    <button type="button" data-testid="export" disabled={!hasDataset} onClick={() => void previewExport(store)} title="Export every label (flags, review decisions, imports) to SQLite, Parquet, CSV, JSONL, CxC or ECCV Caption files">Export labels</button>
  );
}

export function ExportBanners() {
  const store = useLens();
  const preview = useLensState((s) => s.exportPreview);
  const exported = useLensState((s) => s.exported);
  const [format, setFormat] = useState<ExportFormat>('sqlite');
  return (
    <>
      {preview && <ExportConfirm preview={preview} format={format} onFormat={setFormat} onConfirm={() => void writeExport(store, format)} onCancel={() => store.set({ exportPreview: null })} />}
      {exported && (
        <div className="banner ok" data-testid="export-result">
          Exported {exported.labels} labels ({exported.flags} flags, {exported.reviews} review decisions, {exported.imports} imports; {exported.images} images, {exported.captions} captions) to <code>{exported.path}</code>
          {exported.downloadUrl && (
            <> · <a href={exported.downloadUrl} download>download</a></>
          )}
          <button type="button" className="x" aria-label="dismiss" onClick={() => store.set({ exported: null })}>×</button>
        </div>
      )}
    </>
  );
}
