// Before an export writes anything: what it will hold, by kind (flags by label, review decisions
// by key, imported positives). Nothing to export says so instead of writing an empty file.
import type { ExportPreview } from '../../../../shared/labels';

const FLAG_TEXT: Record<string, string> = { false_negative: 'false negative', wrong_annotation: 'wrong annotation', ambiguous: 'ambiguous', invalid_item: 'invalid item' };

function parts(rec: Partial<Record<string, number>>, text: (k: string) => string): string {
  return Object.entries(rec)
    .filter(([, n]) => n)
    .map(([k, n]) => `${n} ${text(k)}`)
    .join(', ');
}

export function ExportConfirm({ preview, onConfirm, onCancel }: { preview: ExportPreview; onConfirm: () => void; onCancel: () => void }) {
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
      <button type="button" data-testid="export-confirm-ok" onClick={onConfirm}>Export</button>{' '}
      <button type="button" onClick={onCancel}>Cancel</button>
    </div>
  );
}
