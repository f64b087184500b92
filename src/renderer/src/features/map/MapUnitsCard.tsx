// The map's card of pending units: outline the top N, hover one to see its candidates, click to
// review it.
import { useLens } from '../../store/react';
import { MAP_UNIT_CHOICES, type MapUnits } from './useMapUnits';

export function MapUnitsCard({ mapUnits, unitColors, reviewUnitId }: { mapUnits: MapUnits; unitColors: Map<number, string>; reviewUnitId: number | null }) {
  const store = useLens();
  const { units, show, setShow, count, setCount } = mapUnits;
  if (units.length === 0) return null;
  return (
    <div className="overlay-card unit-overlay" data-testid="map-units">
      <div className="row tight">
        <label>
          <input type="checkbox" data-testid="show-units" checked={show} onChange={(e) => setShow(e.target.checked)} /> outline the top
        </label>
        <select aria-label="units outlined" value={count} onChange={(e) => setCount(Number(e.target.value))}>
          {MAP_UNIT_CHOICES.map((n) => (
            <option key={n} value={n}>{n}</option>
          ))}
        </select>
        <span>pending units</span>
      </div>
      {show && (
        <ol>
          {units.map((u) => (
            <li
              key={u.id}
              data-testid="map-unit"
              data-cluster-id={u.id}
              className={reviewUnitId === u.id ? 'current' : ''}
              onMouseEnter={() => store.set({ hoverUnit: u.id })}
              onMouseLeave={() => store.set({ hoverUnit: null })}
              onClick={() => store.openInReview(u.id)}
              title={`${u.kind.replace('_', ' ')} · ${u.captions.length} captions × ${u.images.length} images · ${u.reviewed}/${u.pairs} decided · click to review`}
            >
              <span className="swatch" style={{ background: unitColors.get(u.id) }} />
              <span className="unit-name">{u.label}</span>
              <span className="muted"> {u.reviewed}/{u.pairs}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
