import type { ItemTable } from '../../../../shared/api';
import { FLAG_LABEL_TEXT, type Flag } from '../../../../shared/flags';

/**
 * Flags listed at most: a same-text acceptance on a large dataset flags hundreds of thousands of
 * pairs at once, and a list that long is no use to read and slow to draw. The latest are listed;
 * the count, the map, Metrics and the export hold them all.
 */
export const FLAGS_LISTED = 300;

export function FlagsList({ flags, items, onRemove, onSelect }: { flags: Flag[]; items: ItemTable | null; onRemove: (id: number) => void; onSelect: (kind: 'image' | 'caption', index: number) => void }) {
  return (
    <section className="panel" data-testid="flags-list">
      <h2>Flags ({flags.length})</h2>
      {flags.length === 0 && <p className="muted">Click a point, then flag a pair or an item. Flags are saved at once.</p>}
      {flags.length > FLAGS_LISTED && (
        <p className="muted small" data-testid="flags-more">
          The latest {FLAGS_LISTED.toLocaleString()} are listed; {(flags.length - FLAGS_LISTED).toLocaleString()} earlier ones are on the map and in the export.
        </p>
      )}
      <ul className="flags">
        {(flags.length > FLAGS_LISTED ? flags.slice(-FLAGS_LISTED) : flags).map((f) => (
          <li key={f.id} data-testid="flag-item" data-label={f.label}>
            <span className="badge flagged">{FLAG_LABEL_TEXT[f.label]}</span>{' '}
            {f.source === 'rule' && (
              <span className="muted" title={f.provenance ?? 'made by a rule'}>
                (same text){' '}
              </span>
            )}
            {f.target.kind === 'pair' ? (
              <>
                <button type="button" className="link" onClick={() => onSelect('image', (f.target as { image: number }).image)}>image #{f.target.image}</button> ×{' '}
                <button type="button" className="link" onClick={() => onSelect('caption', (f.target as { caption: number }).caption)} title={items?.captions[f.target.caption]?.text}>caption #{f.target.caption}</button>
                {f.annotated ? ' (annotated)' : ''}
              </>
            ) : (
              <button type="button" className="link" onClick={() => f.target.kind === 'item' && onSelect(f.target.modality, f.target.index)}>{f.target.modality} #{f.target.index}</button>
            )}
            {f.note && <span className="muted"> — {f.note}</span>}
            <button type="button" className="x" aria-label="remove flag" title="Remove (undoable)" onClick={() => onRemove(f.id)}>×</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
