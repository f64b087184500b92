// Before an export writes anything: what it will hold, by kind (flags by label, review decisions
// by key, imported positives). Nothing to export says so instead of writing an empty file.
import { EXPORT_FORMATS, type ExportFormat, type ExportPreview } from '../../../../shared/labels';

/** What each format writes (the CLI's `mlens export --format`). */
const FORMAT_TEXT: Record<ExportFormat, string> = {
  sqlite: 'SQLite (every table, documented schema)',
  parquet: 'Parquet',
  csv: 'CSV',
  jsonl: 'JSON Lines',
  cxc: 'CxC (Crisscrossed Captions) similarity files',
  eccv: 'ECCV Caption positives (image → captions and caption → images)',
};

const FLAG_TEXT: Record<string, string> = { false_negative: 'false negative', wrong_annotation: 'wrong annotation', ambiguous: 'ambiguous', invalid_item: 'invalid item' };

function parts(rec: Partial<Record<string, number>>, text: (k: string) => string): string {
  return Object.entries(rec)
    .filter(([, n]) => n)
    .map(([k, n]) => `${n} ${text(k)}`)
    .join(', ');
}

export function ExportConfirm({
  preview,
  format = 'sqlite',
  onFormat,
  onConfirm,
  onCancel,
}: {
  preview: ExportPreview;
  format?: ExportFormat;
  onFormat?: (f: ExportFormat) => void;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  if (!preview.total) {
    return (
      <div className="banner" data-testid="export-confirm" data-total={0}>
        Nothing to export yet: flag a pair in Inspect or review a unit first.
        <button type="button" className="x" aria-label="dismiss" onClick={onCancel}>×</button>
      </div>
    );
  }
  const nFlags = Object.values(preview.flags).reduce<number>((a, b) => a + (b ?? 0), 0);
  const nReviews = Object.values(preview.reviews).reduce<number>((a, b) => a + (b ?? 0), 0);
  return (
    <div className="banner" data-testid="export-confirm" data-total={preview.total}>
      Export {preview.total} labels: {nFlags} flags{nFlags ? ` (${parts(preview.flags, (k) => FLAG_TEXT[k] ?? k)}; ${preview.bySource.lasso} from lasso selections)` : ''}, {nReviews} review
      decisions{nReviews ? ` (${parts(preview.reviews, (k) => (/^\d$/.test(k) ? `rated ${k}` : k.replace('_', ' ')))})` : ''}, {preview.imports} imported positives.{' '}
      <label>
        as{' '}
        <select data-testid="export-format" value={format} onChange={(e) => onFormat?.(e.target.value as ExportFormat)}>
          {EXPORT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {FORMAT_TEXT[f]}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="button" data-testid="export-confirm-ok" onClick={onConfirm}>Export</button>{' '}
      <button type="button" onClick={onCancel}>Cancel</button>
    </div>
  );
}
