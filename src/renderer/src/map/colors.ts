// Colours of the point map, as CSS strings (for a legend) and as 0..1 RGBA (for the shaders).
// Chosen to read on both dark and light backgrounds (the canvas itself is transparent).

export type RGBA = [number, number, number, number];

export interface MapSwatch {
  /** Legend label. */
  label: string;
  /** CSS colour (#rrggbb). */
  css: string;
  /** The colour as drawn: 0..1 RGBA, straight (not premultiplied) alpha. */
  rgba: RGBA;
}

export function hexToRgba(hex: string, alpha = 1): RGBA {
  const h = hex.replace('#', '');
  const v = parseInt(h.length === 3 ? h.replace(/./g, (c) => c + c) : h, 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255, alpha];
}

function swatch(label: string, css: string, alpha = 1): MapSwatch {
  return { label, css, rgba: hexToRgba(css, alpha) };
}

export const MAP_COLORS = {
  image: swatch('Image', '#3b82f6', 0.8),
  caption: swatch('Caption', '#f59e0b', 0.8),
  flagged: swatch('Flagged', '#e11d48', 0.95),
  highlighted: swatch('Neighbour', '#10b981', 1),
  /** Inner band of the selection ring. */
  selected: swatch('Selected', '#ffffff', 1),
  /** Outer band of the selection ring (and outline of highlighted points). */
  outline: swatch('Outline', '#111827', 0.9),
  edge: swatch('Link', '#a855f7', 0.85),
} as const satisfies Record<string, MapSwatch>;

/** What a legend next to the map should list, in order. */
export const MAP_LEGEND: readonly MapSwatch[] = [MAP_COLORS.image, MAP_COLORS.caption, MAP_COLORS.flagged];
