// The unit's grid (ECCV Caption style): rows are captions (with their annotated image), columns are
// candidate images; a cell is a candidate pair with its p̂ (or rank), decision, flag and save state.
import type { KeyboardEvent, RefObject } from 'react';
import type { ItemTable } from '../../../../shared/api';
import { REVIEW_LABEL_TEXT } from '../../../../shared/views/review';
import { LABEL_SHORT, move, pairKey, type Cell, type Grid } from './grid';

export interface CellText {
  pText: (c: { p: number; image: number; caption: number }) => string;
  pTitle: (c: { p: number }) => string;
}

export function ReviewGrid(props: {
  grid: Grid;
  items: ItemTable;
  imageUrl: (path: string, size?: number) => string;
  focus: Cell | null;
  onFocus: (c: Cell) => void;
  saving: Record<string, number>;
  revealTruth: boolean;
  text: CellText;
  gridRef: RefObject<HTMLDivElement | null>;
  onKey: (e: KeyboardEvent<HTMLDivElement>) => void;
}) {
  const { grid, items, imageUrl, focus, onFocus, saving, revealTruth, text, gridRef } = props;
  return (
    <div className="review-grid-wrap" ref={gridRef} tabIndex={0} data-testid="review-grid" onKeyDown={props.onKey} aria-label="Review grid. Arrows move, 1 to 4 label, i invalid image, Shift+I invalid caption, r and c label the whole row or column, Enter next unit, u undo, p previous unit.">
      <table className="review-grid">
        <thead>
          <tr>
            <th className="corner">caption \ candidate image</th>
            {grid.images.map((im, c) => (
              <th key={im} className={focus?.col === c ? 'col-focus' : ''} onClick={() => onFocus(move(grid, { row: -1, col: c }, 'down'))}>
                <img className="cell-thumb" src={imageUrl(items.images[im].path, 128)} alt={`image #${im}`} loading="lazy" />
                <div className="muted">#{im}</div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.captions.map((cap, r) => {
            const ref = items.captions[cap]?.imageIndex;
            return (
              <tr key={cap} className={focus?.row === r ? 'row-focus' : ''}>
                <th className="cap-head" title={items.captions[cap]?.text}>
                  {ref != null && <img className="ref-thumb" src={imageUrl(items.images[ref].path, 128)} alt={`annotated image #${ref}`} title={`annotated image #${ref} (reference)`} loading="lazy" />}
                  <span className="cap-text">{items.captions[cap]?.text}</span> <span className="muted">#{cap}</span>
                </th>
                {grid.images.map((im, c) => {
                  const k = grid.cell[r * grid.images.length + c];
                  if (k < 0) return <td key={im} className="cell none" data-testid="review-empty" />;
                  const cand = grid.candidates[k];
                  const isFocus = focus?.row === r && focus?.col === c;
                  const busy = saving[pairKey(cand.image, cand.caption)] != null;
                  return (
                    <td
                      key={im}
                      className={`cell${isFocus ? ' focus' : ''}${cand.decision != null ? ` lab-${cand.decision}` : ''}`}
                      data-testid="review-cell"
                      data-image={cand.image}
                      data-caption={cand.caption}
                      data-label={cand.decision ?? ''}
                      data-flag={cand.flag ?? undefined}
                      data-state={busy ? 'saving' : cand.decision != null ? 'saved' : 'open'}
                      data-focused={isFocus ? 'true' : undefined}
                      onClick={() => {
                        onFocus({ row: r, col: c });
                        gridRef.current?.focus();
                      }}
                      title={`${text.pTitle(cand)} · agreement ${cand.agreement}${cand.decision != null ? ` · ${REVIEW_LABEL_TEXT[String(cand.decision)]}` : ''}${cand.flag ? ` · flagged ${cand.flag.replace('_', ' ')}` : ''}`}
                    >
                      <span className="p" data-testid="review-p">{text.pText(cand)}</span>
                      {cand.decision != null && <span className="lab-badge">{LABEL_SHORT[String(cand.decision)]}</span>}
                      {cand.flag && <span className="flag-mark" data-testid="cell-flag" aria-label={`flagged ${cand.flag.replace('_', ' ')}`}>⚑</span>}
                      {busy && <span className="saving" aria-label="saving">•</span>}
                      {revealTruth && cand.truth != null && <span className={cand.truth ? 'truth yes' : 'truth no'} data-testid="truth-badge">{cand.truth ? 'T' : 'F'}</span>}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
