// The map's glyph card: show the variance glyphs, their exaggeration, their legend, and colouring
// points by Σσ².
import type { GlyphLodStore } from './GlyphLodNote';
import { GlyphLodNote } from './GlyphLodNote';
import { EXAG_STEPS } from './glyph_scale';
import type { GlyphState } from './useGlyphs';

export function GlyphControls({ glyphs, probabilistic, lod, uncertaintyShown, colourByUncertainty, onColourByUncertainty }: {
  glyphs: GlyphState;
  probabilistic: boolean;
  lod: GlyphLodStore;
  /** Σσ² is known for the map's space (the colour checkbox is offered). */
  uncertaintyShown: boolean;
  colourByUncertainty: boolean;
  onColourByUncertainty: (on: boolean) => void;
}) {
  const { show, exaggeration } = glyphs;
  return (
    <div className="overlay-card glyph-overlay" data-testid="glyph-controls">
      {glyphs.ready ? (
        <>
          <label>
            <input type="checkbox" data-testid="show-glyphs" checked={show} onChange={(e) => glyphs.setShow(e.target.checked)} /> variance glyphs
          </label>
          <div className="row tight">
            <span>exaggeration</span>
            <input type="range" data-testid="glyph-exaggeration" aria-label="glyph exaggeration" min={0} max={EXAG_STEPS.length - 1} step={1} value={glyphs.step} onChange={(e) => glyphs.setStep(Number(e.target.value))} disabled={!show} />
            <strong data-testid="glyph-exaggeration-value">×{exaggeration}</strong>
            {glyphs.auto && <span className="muted small" data-testid="glyph-exaggeration-auto" title="The variances are large next to the map's spread, so the glyphs start scaled down; move the slider to change it.">auto</span>}
          </div>
          {show && (
            <div className="glyph-legend" data-testid="glyph-legend">
              <svg width="92" height="22" aria-hidden="true">
                <circle cx="11" cy="11" r="8" fill="rgba(59,130,246,0.1)" stroke="#3b82f6" />
                <ellipse cx="38" cy="11" rx="10" ry="5" transform="rotate(-25 38 11)" fill="none" stroke="#111827" />
                <circle cx="70" cy="11" r="8" fill="none" stroke="#f59e0b" strokeDasharray="3 3" />
              </svg>
              <div>disk: radius = √(Σσ²) in local map units{exaggeration !== 1 ? ` × ${exaggeration} (${exaggeration < 1 ? 'scaled down' : 'exaggerated'})` : ''}</div>
              <div>ellipse: in-map shape of the variance (shown where the local fit R² ≥ 0.5 and anisotropic)</div>
              <div>dashed / hatched: local fit poor (R² &lt; 0.5)</div>
              <GlyphLodNote store={lod} />
            </div>
          )}
        </>
      ) : probabilistic ? (
        <span className="muted">computing glyphs…</span>
      ) : null}
      {uncertaintyShown && (
        <label className="row tight">
          <input type="checkbox" data-testid="color-uncertainty" checked={colourByUncertainty} onChange={(e) => onColourByUncertainty(e.target.checked)} /> colour points by Σσ²
        </label>
      )}
    </div>
  );
}
