// The Review tab: mining, the open unit (ECCV Caption style grid, keyboard first) and the list of
// units. Every decision is sent to main as it is made (review.record per key press, durable on
// return), so a reload or a crash loses nothing that was acknowledged. State and actions: useReview.
import { useCallback, useRef, useState } from 'react';
import { useLens, useLensState } from '../../store/react';
import { MinePanel } from './MinePanel';
import { ReviewUnitPanel } from './ReviewUnitPanel';
import { UnitList } from './UnitList';
import { useReview, useReviewOptions } from './useReview';
import { useCalibration } from './useCalibration';

export function ReviewPanel() {
  const store = useLens();
  const session = useLensState((s) => s.session)!;
  const items = useLensState((s) => s.items)!;
  const [revealTruth, setRevealTruth] = useState(false);
  const options = useReviewOptions();
  const gridRef = useRef<HTMLDivElement>(null);
  const focusGrid = useCallback(() => {
    if (gridRef.current && gridRef.current.offsetParent !== null) gridRef.current.focus();
  }, []);
  const review = useReview(options, focusGrid);
  // One calibration state for the grid, the unit's header and the unit list: until p̂ is calibrated,
  // none of them reads it as a probability (ranks instead, and no expected count of valid pairs).
  const calibration = useCalibration(review.unit?.cluster.id ?? null);

  return (
    <div className="review" data-testid="review-panel">
      <MinePanel queue={review.queue} queueLoaded={review.queueLoaded} queueLimit={review.queueLimit} reviewer={options.reviewer} />

      <section className="panel">
        <div className="row review-options">
          <label>reviewer <input data-testid="reviewer-input" aria-label="reviewer name" placeholder="anonymous" value={options.reviewer} onChange={(e) => options.setReviewer(e.target.value)} style={{ width: 110 }} /></label>
          <label title="After a label, move to the next undecided cell"><input type="checkbox" checked={options.advance} onChange={(e) => options.setAdvance(e.target.checked)} /> advance</label>
          <label title="On Enter, undecided cells of the unit are recorded as 4 (wrong)"><input type="checkbox" data-testid="fill-wrong" checked={options.fillWrong} onChange={(e) => options.setFillWrong(e.target.checked)} /> Enter marks the rest 4</label>
          {session.dataset?.hasTruth && (
            <label title="Synthetic datasets ship the complete truth: show it on the cells"><input type="checkbox" data-testid="reveal-truth" checked={revealTruth} onChange={(e) => setRevealTruth(e.target.checked)} /> reveal truth</label>
          )}
        </div>
        {!review.unit && <p className="muted" data-testid="review-empty-queue">{review.queue.length ? 'Pick a unit below.' : 'No review unit yet: mine candidates first.'}</p>}
        <ReviewUnitPanel review={review} calibration={calibration} items={items} imageUrl={store.imageUrl} revealTruth={revealTruth} gridRef={gridRef} />
      </section>

      <UnitList review={review} calibrated={calibration?.calibrated === true} />
    </div>
  );
}
