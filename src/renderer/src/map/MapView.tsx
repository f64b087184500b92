// The point map: images and captions of a dataset drawn together on one 2-D projection (WebGL2).
// A thin React wrapper around MapEngine (engine.ts), which owns the GL context and the input.

import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type JSX } from 'react';
import { MapEngine } from './engine';
import type { MapViewProps } from './types';

export type { GlyphLodStats, LassoResult, MapDebug, MapEdge, MapGlyphs, MapPoints, MapViewProps, SelectShape } from './types';
export { DEFAULT_GLYPH_LOD, glyphLodNote } from './glyph_lod';
export { MAP_COLORS, MAP_LEGEND, type MapSwatch, type RGBA } from './colors';

const FILL: CSSProperties = { position: 'relative', width: '100%', height: '100%', overflow: 'hidden' };
const CANVAS: CSSProperties = {
  position: 'absolute',
  inset: 0,
  width: '100%',
  height: '100%',
  display: 'block',
  touchAction: 'none',
  userSelect: 'none',
  cursor: 'grab',
};

/**
 * Draws `points` (coloured by modality and flag), `edges`, the `highlighted` points and a ring on
 * `selected`. Drag pans, the wheel zooms about the cursor, double-click or `0` fits, `+`/`-` zoom
 * and the arrow keys pan while the canvas has focus. The container must be given a size.
 */
export function MapView(props: MapViewProps): JSX.Element {
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const propsRef = useRef(props);
  const engineRef = useRef<MapEngine | null>(null);
  const [error, setError] = useState<string | null>(null);

  useLayoutEffect(() => {
    propsRef.current = props;
  });

  useEffect(() => {
    const canvas = canvasRef.current;
    const box = boxRef.current;
    if (!canvas || !box) return;
    const engine = new MapEngine(canvas, box, () => propsRef.current);
    if (engine.error) {
      engine.destroy();
      setError(engine.error);
      return;
    }
    engineRef.current = engine;
    window.__mlensMap = engine.debug;
    engine.sync();
    return () => {
      if (window.__mlensMap === engine.debug) delete window.__mlensMap;
      engine.destroy();
      engineRef.current = null;
    };
  }, []);

  // Cheap when nothing changed: the engine compares what it last uploaded.
  useEffect(() => {
    engineRef.current?.sync();
  });

  const firstFitKey = useRef(true);
  useEffect(() => {
    if (firstFitKey.current) {
      firstFitKey.current = false;
      return;
    }
    engineRef.current?.fit();
  }, [props.fitKey]);

  if (error) {
    return (
      <div className={props.className} style={props.className ? undefined : FILL}>
        <div role="alert" data-testid="map-unavailable" style={{ padding: '1rem', maxWidth: '40rem' }}>
          <strong>The map cannot be shown.</strong> {error}
        </div>
      </div>
    );
  }

  return (
    <div className={props.className} style={props.className ? { overflow: 'hidden' } : FILL}>
      <div ref={boxRef} style={FILL}>
        <canvas
          ref={canvasRef}
          data-testid="map-canvas"
          tabIndex={0}
          aria-label="Map of images and captions. Drag to pan, scroll or +/- to zoom, arrow keys to pan, 0 or double-click to fit. Shift-drag lassos points into the selection, Alt-drag subtracts, Shift+Alt-drag intersects; the Lasso and Marquee tools select on a plain drag."
          style={CANVAS}
        />
      </div>
    </div>
  );
}
