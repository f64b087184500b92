// Beside the metrics: how the labels changed the verified positives (label model), so a
// researcher sees that a false-negative flag added a pair and a wrong-annotation flag removed one.
import type { VerifiedCounts } from '../../../../shared/views/metrics';

export function VerifiedCountsLine({ counts }: { counts: VerifiedCounts | undefined }) {
  if (!counts) return null;
  const added = counts.from_flags + counts.from_reviews + counts.from_imports + counts.from_dataset;
  const removed = counts.removed_by_flags + counts.dropped_invalid + counts.dropped_rejected;
  return (
    <p className="small" data-testid="verified-counts" data-added={added} data-removed={removed} data-from-flags={counts.from_flags} data-removed-by-flags={counts.removed_by_flags}>
      verified = {counts.annotated} annotated <strong>+{added}</strong> added ({counts.from_flags} by false-negative flags, {counts.from_reviews} by reviews, {counts.from_imports} imported
      {counts.from_dataset ? `, ${counts.from_dataset} from positives.jsonl` : ''}) <strong>−{removed}</strong> removed ({counts.removed_by_flags} by wrong-annotation flags, {counts.dropped_invalid} with invalid items
      {counts.dropped_rejected ? `, ${counts.dropped_rejected} rejected` : ''}) = {counts.total} pairs
    </p>
  );
}
