// Props and data shapes of the point map (re-exported from MapView.tsx).

export interface MapPoints {
  /** Interleaved x,y in data units, length 2n. */
  xy: Float32Array;
  /** 0 = image, 1 = caption, per point. */
  kind: Uint8Array;
  /** Optional per-point flag state for colouring: 0 none, 1 flagged. */
  flagged?: Uint8Array;
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
}

/** What the map puts on `window.__mlensMap` for end-to-end tests. */
export interface MapDebug {
  /** Client (CSS px) coordinates of point `index`; throws RangeError for an unknown index. */
  project(index: number): { x: number; y: number };
  /** Number of points currently shown. */
  readonly pointCount: number;
  /** Frames drawn so far. */
  readonly frames: number;
  /** CPU time (ms) spent issuing the last frame's GL calls. */
  readonly lastFrameMs: number;
  /** Fits the view to the data. */
  fit(): void;
}
