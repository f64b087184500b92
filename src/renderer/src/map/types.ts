// Props and data shapes of the point map (re-exported from MapView.tsx).

import type { GlyphLodOptions, GlyphLodStats } from './glyph_lod';
import type { SelectionOp } from '../selection/algebra';
import type { LassoResult } from './lasso_gesture';

export type { GlyphLodStats } from './glyph_lod';
export type { LassoResult, SelectShape } from './lasso_gesture';

export interface MapPoints {
  /** Interleaved x,y in data units, length 2n. */
  xy: Float32Array;
  /** 0 = image, 1 = caption, per point. */
  kind: Uint8Array;
  /** Optional per-point flag state for colouring: 0 none, 1 flagged. */
  flagged?: Uint8Array;
  /** Optional per-point value 0..1 drawn with a sequential colour ramp (negative: default colour). */
  value?: Float32Array | null;
  /** Optional colour-by colours, RGBA bytes per point (length 4n; alpha 0: default colour). Wins over `value` and flags. */
  color?: Uint8Array | null;
  /** A layout still running (a partial map): drawn, but `data-ready` waits for the final points. */
  partial?: boolean;
}

/** Variance glyphs per point (SCIENCE §3.3), same order as the points. */
export interface MapGlyphs {
  /** CSD disk radius ρ = s·√T per point, in map (data) units. */
  radius: Float32Array;
  /** n × 3: anisotropy ellipse semi-axes a, b (map units) and angle (radians). */
  ellipse: Float32Array;
  /** 1 where the ellipse is drawn. */
  shown: Uint8Array;
  /** 1 where the local fit is poor (R² < 0.5): outline dashed, fill hatched. */
  lowFit: Uint8Array;
  /** Global exaggeration factor applied to every radius and axis. */
  exaggeration: number;
}

export interface MapEdge {
  a: number;
  b: number;
  /** 0..1 RGBA; defaults to MAP_COLORS.edge. */
  color?: [number, number, number, number];
}

export interface MapViewProps {
  points: MapPoints | null;
  /** Point index (highlight ring). */
  selected: number | null;
  /** E.g. the selected item's neighbours (drawn emphasised). */
  highlighted?: number[];
  /** E.g. annotated partners / neighbours of the selection; clickable. */
  edges?: MapEdge[];
  onHover?: (index: number | null, clientX: number, clientY: number) => void;
  onClick?: (index: number | null) => void;
  onEdgeClick?: (edge: MapEdge) => void;
  className?: string;
  /** Whenever this value changes (after the first render), the map fits the data again. */
  fitKey?: unknown;
  /** Variance glyphs (null or absent: none). */
  glyphs?: MapGlyphs | null;
  /**
   * When new positions arrive (another space), keep the zoom instead of refitting; with
   * `centerOn` the view centres on that point, else the camera stays where it was.
   */
  keepCamera?: boolean;
  /** Point to centre on when positions change under `keepCamera`. */
  centerOn?: number | null;
  /**
   * Called when the glyph level of detail changes in a way the legend would show (budget reached,
   * glyphs too small to draw, glyphs capped); null when no glyphs are drawn. Feed `glyphLodNote`.
   */
  onGlyphLod?: (stats: GlyphLodStats | null) => void;
  /** Overrides of the glyph level-of-detail settings (budget, sizes; DEFAULT_GLYPH_LOD otherwise). */
  glyphLod?: Partial<Pick<GlyphLodOptions, 'budget' | 'minRadiusPx' | 'maxRadiusPx' | 'maxRadiusFrac' | 'maxAreaPx'>>;
  /** 1 per selected point (lasso/marquee selection); points outside it are greyed. Null: none. */
  selection?: Uint8Array | null;
  /** What a plain drag does: pan (Shift/Alt-drag still lassos), lasso or marquee. */
  selectTool?: 'pan' | 'lasso' | 'marquee';
  /** How a drawn shape combines with the selection when no modifier is held. */
  selectOp?: SelectionOp;
  /** A lasso or marquee was drawn: the points inside it and the combining op (modifiers applied). */
  onLasso?: (result: LassoResult) => void;
  /** Points drawn per frame while the camera moves (every k-th point; all once still). */
  pointLod?: { movingBudget?: number };
  /** Animates the camera to centre point `index` (zooming in a little) whenever `key` changes. */
  flyTo?: { index: number; key: unknown; ms?: number } | null;
}

/** What the map puts on `window.__mlensMap` for end-to-end tests. */
export interface MapDebug {
  /** Client (CSS px) coordinates of point `index`; throws RangeError for an unknown index. */
  project(index: number): { x: number; y: number };
  /** Number of points currently shown. */
  readonly pointCount: number;
  /** Frames drawn so far. */
  readonly frames: number;
  /** Distinct point sets drawn so far (each partial layout a job streams, then the final map). */
  readonly positionSets: number;
  /** Of those, the partial layouts (`points.partial`) drawn. */
  readonly partialSets: number;
  /** CPU time (ms) spent issuing the last frame's GL calls. */
  readonly lastFrameMs: number;
  /** Points with a glyph (a positive CSD radius; 0 when glyphs are off). */
  readonly glyphCount: number;
  /** Glyph instances drawn in the last frame (the level of detail: on screen, visible, in budget). */
  readonly glyphsDrawn: number;
  /** What the last glyph selection did (null when glyphs are off). */
  readonly glyphLod: GlyphLodStats | null;
  /** Current camera scale (CSS px per map unit). */
  readonly scale: number;
  /** WebGL rasterises on the CPU here (SwiftShader, llvmpipe), so glyph budgets are tighter. */
  readonly softwareGL: boolean;
  /** Stride of the last frame's point draw: 1 = every point, k = every k-th (camera moving). */
  readonly pointStride: number;
  /** Camera centre (data units), scale, and whether a fly-to animation is running. */
  readonly camera: { cx: number; cy: number; scale: number; flying: boolean };
  /** Fits the view to the data. */
  fit(): void;
  /** Camera centre in map (data) units. */
  readonly center: { x: number; y: number };
}
