// The colour-by menu and its key: swatches with counts for categories, a gradient bar with its end
// values for a number. Both come from the colours the points are drawn with.
import type { ColourKey as Key, ColourMode, ColourOption } from './colour_by';
import { rampGradient } from './palette';

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e5)) return v.toExponential(2);
  return Number.isInteger(v) ? v.toLocaleString() : v.toPrecision(3);
}

export function ColourByControl({ mode, options, onMode, keyView }: { mode: ColourMode; options: ColourOption[]; onMode: (m: ColourMode) => void; keyView: Key | null }) {
  return (
    <div className="colour-by" data-testid="colour-by">
      <label className="row tight">
        colour by{' '}
        <select data-testid="colour-by-select" aria-label="colour points by" value={mode} onChange={(e) => onMode(e.target.value as ColourMode)}>
          {options.map((o) => (
            <option key={o.mode} value={o.mode}>{o.label}</option>
          ))}
        </select>
      </label>
      {keyView && <ColourKeyView keyView={keyView} />}
    </div>
  );
}

export function ColourKeyView({ keyView }: { keyView: Key }) {
  if (keyView.kind === 'categories') {
    return (
      <ul className="colour-key" data-testid="colour-legend" aria-label={`colours: ${keyView.title}`}>
        {keyView.entries.map((e) => (
          <li key={e.label} data-testid="colour-legend-entry" title={`${e.label}: ${e.count.toLocaleString()} points`}>
            <span className="swatch" style={{ background: e.css }} />
            <span className="colour-key-label">{e.label}</span>
            <span className="muted"> {e.count.toLocaleString()}</span>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <div className="colour-scale" data-testid="colour-scale" data-lo={keyView.lo} data-hi={keyView.hi}>
      <div className="colour-scale-title">{keyView.title}</div>
      <div className="colour-scale-bar" style={{ background: rampGradient() }} />
      <div className="colour-scale-ticks">
        <span data-testid="colour-scale-lo">{keyView.clipped ? '≤ ' : ''}{fmt(keyView.lo)}</span>
        <span>{fmt((keyView.lo + keyView.hi) / 2)}</span>
        <span data-testid="colour-scale-hi">{keyView.clipped ? '≥ ' : ''}{fmt(keyView.hi)}</span>
      </div>
      <div className="muted small">
        {keyView.count.toLocaleString()} items{keyView.missing ? `, ${keyView.missing.toLocaleString()} without a value (grey)` : ''}
        {keyView.clipped ? ` · range ${fmt(keyView.min)}–${fmt(keyView.max)}; ends at the 2nd and 98th percentile` : ''}
      </div>
    </div>
  );
}
