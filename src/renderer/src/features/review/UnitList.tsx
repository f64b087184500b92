// The list of review units (the queue's order), with pending-only and paging; hovering a row draws
// the unit's candidate edges on the map.
import { useLens } from '../../store/react';
import type { ReviewController } from './useReview';

const KIND_LETTER: Record<string, string> = { block: 'B', caption_card: 'C', image_card: 'I', check: 'K' };

/** `calibrated`: p̂ is calibrated, so a unit's Σ p̂ is an expected count of valid pairs (else a dash). */
export function UnitList({ review, calibrated }: { review: ReviewController; calibrated: boolean }) {
  const store = useLens();
  const { queue, queueLimit, pendingOnly, setPendingOnly, openUnit } = review;
  const unitId = review.unit?.cluster.id ?? null;
  return (
    <section className="panel">
      <h2>
        Units{' '}
        <label className="muted small"><input type="checkbox" checked={pendingOnly} onChange={(e) => setPendingOnly(e.target.checked)} /> pending only</label>
      </h2>
      {queue.length === 0 && <p className="muted">No units.</p>}
      <div className="unit-list-wrap">
        <table className="grid-table unit-list" data-testid="unit-list">
          {queue.length > 0 && (
            <thead>
              <tr><th>#</th><th>unit</th><th title={calibrated ? 'expected valid pairs (Σ p̂, calibrated)' : 'expected valid pairs: shown once p̂ is calibrated'}>exp.</th><th title="decided / pairs">done</th></tr>
            </thead>
          )}
          <tbody>
            {queue.map((u) => (
              <tr
                key={u.id}
                data-testid="unit-row"
                data-cluster-id={u.id}
                className={`${u.id === unitId ? 'current' : ''}${u.reviewed >= u.pairs ? ' done' : ''}`}
                onMouseEnter={() => store.set({ hoverUnit: u.id })}
                onMouseLeave={() => store.set({ hoverUnit: null })}
                onClick={() => void openUnit(u.id)}
                tabIndex={0}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') void openUnit(u.id);
                }}
              >
                <td className="num" title={u.source === 'selection' ? 'sent from a map selection' : undefined}>{u.source === 'selection' ? 'map' : u.position + 1}</td>
                <td className="unit-label" title={`${u.kind.replace('_', ' ')} · ${u.captions.length} captions × ${u.images.length} images · served by ${u.servedBy} · cost ${u.costSeconds.toFixed(0)} s`}>
                  <span className="kind">{KIND_LETTER[u.kind]}</span> {u.label}
                  {u.servedBy === 'uncertainty' && <span className="badge" title="served for uncertainty (trains the classifier)">?</span>}
                  {u.kind === 'check' && <span className="badge" data-testid="check-badge" title="calibration check: pairs drawn at random from every candidate, so that p̂ is calibrated where the queue never looks">✓?</span>}
                </td>
                <td className="num" data-testid="unit-exp">{calibrated ? u.expectedValid.toFixed(1) : '–'}</td>
                <td className="num" data-testid="unit-reviewed">{u.reviewed}/{u.pairs}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {queue.length >= queueLimit && (
        <button type="button" onClick={review.showMore}>show more</button>
      )}
    </section>
  );
}
