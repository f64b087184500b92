// The open unit: its heading, the label toolbar, the grid (keyboard first), p̂'s calibration, the
// key list, and the focused pair large with its push.
import { useMemo, type KeyboardEvent, type RefObject } from 'react';
import type { ItemTable } from '../../../../shared/api';
import type { CalibrationView, ReviewLabel } from '../../../../shared/views/review';
import { REVIEW_LABEL_TEXT } from '../../../../shared/views/review';
import { PairPush } from '../metrics/PushPanel';
import { CalibrationCard } from './CalibrationCard';
import { firstCell, move, pairKey, type Direction } from './grid';
import { ReviewGrid, type CellText } from './ReviewGrid';
import type { ReviewController } from './useReview';

const LABEL_KEYS: Record<string, ReviewLabel> = { '1': 1, '2': 2, '3': 3, '4': 4, i: 'invalid_image', I: 'invalid_caption' };
const DIRS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

export function ReviewUnitPanel({ review, calibration, items, imageUrl, revealTruth, gridRef }: { review: ReviewController; calibration: CalibrationView | null; items: ItemTable; imageUrl: (path: string) => string; revealTruth: boolean; gridRef: RefObject<HTMLDivElement | null> }) {
  const { unit, grid, focus, focused, setFocus, labelCell, labelLine } = review;
  const calibrated = calibration?.calibrated === true;
  // Until p̂ is calibrated the grid shows each pair's rank by p̂ within the unit, not a probability.
  const rankInUnit = useMemo(() => {
    const m = new Map<string, number>();
    [...(unit?.candidates ?? [])].sort((a, b) => b.p - a.p).forEach((c, i) => m.set(pairKey(c.image, c.caption), i + 1));
    return m;
  }, [unit]);
  const text: CellText = {
    pText: (c) => (calibrated ? c.p.toFixed(2).replace(/^0/, '') : `#${rankInUnit.get(pairKey(c.image, c.caption)) ?? '?'}`),
    pTitle: (c) => (calibrated ? `p̂ ${c.p.toFixed(3)} (calibrated)` : `rank by p̂ (${c.p.toFixed(3)}); ${calibration?.reason ?? 'not calibrated yet'}`),
  };
  if (!unit || !grid) return null;

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z' && !e.shiftKey) {
        e.preventDefault();
        e.stopPropagation();
        void review.undo();
      }
      return;
    }
    let handled = true;
    if (DIRS[e.key]) setFocus((f) => (f ? move(grid, f, DIRS[e.key]) : firstCell(grid)));
    else if (LABEL_KEYS[e.key] !== undefined) labelCell(LABEL_KEYS[e.key]);
    else if (e.key === 'r') labelLine('row');
    else if (e.key === 'c') labelLine('col');
    else if (e.key === 'Enter' || e.key === 'n') void review.submit();
    else if (e.key === 'u') void review.undo();
    else if (e.key === 'p') review.previous();
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const reviewedInUnit = unit.candidates.filter((c) => c.decision != null).length;
  return (
    <div data-testid="review-unit" data-cluster-id={unit.cluster.id}>
      <div className="unit-head">
        <strong>Unit #{unit.cluster.id}</strong> <span className="badge">{unit.cluster.kind.replace('_', ' ')}</span>{' '}
        {grid.captions.length} caption{grid.captions.length === 1 ? '' : 's'} × {grid.images.length} image{grid.images.length === 1 ? '' : 's'} ·{' '}
        {calibrated ? (
          <span data-testid="unit-expected">expected valid {unit.cluster.expectedValid.toFixed(1)}</span>
        ) : (
          <span data-testid="unit-expected" className="muted" title="the sum of p̂ over the unit's pairs is an expected count only once p̂ is calibrated (the card below says why it is not yet)">expected valid: after calibration</span>
        )}{' '}
        · served by {unit.cluster.servedBy} ·{' '}
        <span data-testid="unit-progress">{reviewedInUnit}/{unit.candidates.length} decided</span> · {unit.pending} pending units
      </div>
      {unit.cluster.kind === 'check' && (
        <p className="muted small" data-testid="check-note">
          Calibration check: these pairs were drawn at random from every candidate, whatever their p̂, so most are likely not valid. Judge them as
          carefully as the others: they are what calibrates p̂ and the ECE where the queue never looks.
        </p>
      )}
      <div className="toolbar" role="toolbar" aria-label="label actions">
        <span className="muted">cell</span>
        {[1, 2, 3, 4].map((l) => (
          <button key={l} type="button" className={`lab lab-${l}`} title={REVIEW_LABEL_TEXT[String(l)]} onClick={() => labelCell(l as ReviewLabel)} tabIndex={-1}>{l}</button>
        ))}
        <button type="button" onClick={() => labelCell('invalid_image')} tabIndex={-1} title="invalid image (i)">inv img</button>
        <button type="button" onClick={() => labelCell('invalid_caption')} tabIndex={-1} title="invalid caption (Shift+I)">inv cap</button>
        <span className="muted">row</span>
        {[1, 4].map((l) => (
          <button key={l} type="button" className={`lab lab-${l}`} data-testid={`row-${l}`} onClick={() => labelLine('row', l as ReviewLabel)} tabIndex={-1} title={`whole row: ${REVIEW_LABEL_TEXT[String(l)]}`}>{l}</button>
        ))}
        <span className="muted">col</span>
        {[1, 4].map((l) => (
          <button key={l} type="button" className={`lab lab-${l}`} data-testid={`col-${l}`} onClick={() => labelLine('col', l as ReviewLabel)} tabIndex={-1} title={`whole column: ${REVIEW_LABEL_TEXT[String(l)]}`}>{l}</button>
        ))}
        <span className="spacer" />
        <button type="button" onClick={() => void review.undo()} tabIndex={-1} data-testid="review-undo" title="undo the last review step: a decision batch, a unit sent from the map, or accepted same-text pairs (u)">undo</button>
        <button type="button" onClick={() => void review.submit()} tabIndex={-1} data-testid="review-submit" title="submit and go to the next unit (Enter or n)">next ⏎</button>
      </div>
      <ReviewGrid grid={grid} items={items} imageUrl={imageUrl} focus={focus} onFocus={setFocus} saving={review.saving} revealTruth={revealTruth} text={text} gridRef={gridRef} onKey={onKey} />
      <CalibrationCard cal={calibration} />
      <div className="keys muted">
        <kbd>←↑→↓</kbd> move · <kbd>1</kbd>–<kbd>4</kbd> label (1 clearly correct … 4 wrong) · <kbd>i</kbd> invalid image · <kbd>⇧I</kbd> invalid caption · <kbd>r</kbd>/<kbd>c</kbd> whole row/column · <kbd>⏎</kbd>/<kbd>n</kbd> next unit · <kbd>u</kbd> undo · <kbd>p</kbd> previous unit
      </div>
      {focused && (
        <div className="focus-pair" data-testid="focus-pair">
          <figure>
            <img src={imageUrl(items.images[focused.image].path)} alt={`candidate image #${focused.image}`} />
            <figcaption>candidate #{focused.image}</figcaption>
          </figure>
          <figure>
            <img src={imageUrl(items.images[items.captions[focused.caption].imageIndex].path)} alt="annotated image" />
            <figcaption>annotated #{items.captions[focused.caption].imageIndex}</figcaption>
          </figure>
          <div className="focus-text">
            <blockquote>“{items.captions[focused.caption].text}”</blockquote>
            <div className="muted">
              caption #{focused.caption} · {calibrated ? `p̂ ${focused.p.toFixed(3)}` : `rank ${text.pText(focused)} by p̂ (not calibrated)`} · agreement {focused.agreement} · {focused.decision != null ? REVIEW_LABEL_TEXT[String(focused.decision)] : 'undecided'}
              {revealTruth && focused.truth != null && <> · truth: {focused.truth ? 'valid' : 'not valid'}</>}
            </div>
            <PairPush compact pair={focused} />
          </div>
        </div>
      )}
    </div>
  );
}
