// The scene grammar of the sample dataset (SCIENCE.md §6.1): 1–4 objects on a 3×3 grid, each with
// a shape, colour and size drawn independently, shape and colour with Zipf(0.8) frequencies.
import type { Rng } from './rng.js';

export const SHAPES = ['circle', 'square', 'triangle', 'star', 'heart', 'hexagon', 'cross', 'diamond'] as const;
export const COLOURS = ['red', 'blue', 'green', 'yellow', 'purple', 'orange', 'pink', 'brown'] as const;
export const SIZES = ['small', 'large'] as const;
export const COLUMNS = ['left', 'center', 'right'] as const;
export const ROWS = ['top', 'middle', 'bottom'] as const;

export type Shape = (typeof SHAPES)[number];
export type Colour = (typeof COLOURS)[number];
export type Size = (typeof SIZES)[number];
export type Column = (typeof COLUMNS)[number];
export type Row = (typeof ROWS)[number];

/** Fixed high-contrast palette (RGB), in COLOURS order. */
export const PALETTE: Readonly<Record<Colour, readonly [number, number, number]>> = {
  red: [220, 30, 40],
  blue: [40, 80, 220],
  green: [30, 160, 60],
  yellow: [245, 200, 0],
  purple: [130, 40, 170],
  orange: [250, 120, 20],
  pink: [250, 100, 180],
  brown: [130, 80, 30],
};
export const BACKGROUND: readonly [number, number, number] = [222, 222, 222];

/** Object-count distribution 1..4. */
export const OBJECT_COUNT_P = [0.3, 0.35, 0.25, 0.1];
/** Zipf weights ∝ 1/rank^0.8 over 8 values (rank = list order). */
export const ZIPF_8 = Array.from({ length: 8 }, (_, r) => 1 / (r + 1) ** 0.8);

/** Radii and jitter at 128 px; the 224 canvas scales them by 224/128. */
export const RADIUS_128: Readonly<Record<Size, number>> = { small: 9, large: 16 };
export const JITTER_128 = 4;

export interface SceneObject {
  shape: Shape;
  colour: Colour;
  size: Size;
  column: Column;
  row: Row;
  /** Centre in pixels of the rendered canvas. */
  x: number;
  y: number;
  /** Radius in pixels of the rendered canvas. */
  r: number;
  /** Degrees; never mentioned by captions. */
  rotation: number;
}

export interface Scene {
  objects: SceneObject[];
}

/** Objects sit in distinct cells; the centre jitter (integer px at 128) keeps them inside their cell. */
export function generateScene(rng: Rng, canvas: number): Scene {
  const n = 1 + rng.weighted(OBJECT_COUNT_P);
  const cells = rng.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8]).slice(0, n);
  const k = canvas / 128;
  const objects: SceneObject[] = cells.map((cell) => {
    const shape = SHAPES[rng.weighted(ZIPF_8)];
    const colour = COLOURS[rng.weighted(ZIPF_8)];
    const size = SIZES[rng.int(2)];
    const col = cell % 3;
    const row = Math.floor(cell / 3);
    const jx = rng.range(-JITTER_128, JITTER_128);
    const jy = rng.range(-JITTER_128, JITTER_128);
    const rotation = rng.int(360);
    return {
      shape,
      colour,
      size,
      column: COLUMNS[col],
      row: ROWS[row],
      x: round2(((col + 0.5) * 128) / 3 * k + jx * k),
      y: round2(((row + 0.5) * 128) / 3 * k + jy * k),
      r: round2(RADIUS_128[size] * k),
      rotation,
    };
  });
  // Reading order (row, then column) so scene lines are easy to scan.
  objects.sort((a, b) => cellOf(a) - cellOf(b));
  return { objects };
}

export function cellOf(o: Pick<SceneObject, 'column' | 'row'>): number {
  return ROWS.indexOf(o.row) * 3 + COLUMNS.indexOf(o.column);
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
