// The review grid of one unit (ECCV Caption style): rows are the unit's captions, columns its
// candidate images. Only some cells are candidates (a block is C_k × I_k restricted to p ≥ pMin);
// the keyboard moves between candidate cells only. Pure: no React, no DOM.
import type { ReviewCandidate, ReviewLabel, ReviewUnitView } from '../../../../shared/views/review';

export interface Cell {
  row: number;
  col: number;
}

export interface Grid {
  /** Caption index per row. */
  captions: number[];
  /** Image index per column. */
  images: number[];
  /** Candidate index (into unit.candidates) per cell, −1 where the pair is not a candidate. */
  cell: Int32Array;
  candidates: ReviewCandidate[];
}

export function buildGrid(unit: ReviewUnitView): Grid {
  const captions = [...unit.cluster.captions];
  const images = [...unit.cluster.images];
  // Candidates whose caption or image the cluster does not list still get a row / column.
  for (const c of unit.candidates) {
    if (!captions.includes(c.caption)) captions.push(c.caption);
    if (!images.includes(c.image)) images.push(c.image);
  }
  const rowOf = new Map(captions.map((c, r) => [c, r]));
  const colOf = new Map(images.map((i, k) => [i, k]));
  const cell = new Int32Array(captions.length * images.length).fill(-1);
  unit.candidates.forEach((c, k) => {
    cell[rowOf.get(c.caption)! * images.length + colOf.get(c.image)!] = k;
  });
  // Drop rows and columns without any candidate (nothing to decide there).
  const keepRow = captions.map((_, r) => images.some((_, k) => cell[r * images.length + k] >= 0));
  const keepCol = images.map((_, k) => captions.some((_, r) => cell[r * images.length + k] >= 0));
  const rows = captions.filter((_, r) => keepRow[r]);
  const cols = images.filter((_, k) => keepCol[k]);
  const out = new Int32Array(rows.length * cols.length).fill(-1);
  let r2 = 0;
  captions.forEach((_, r) => {
    if (!keepRow[r]) return;
    let k2 = 0;
    images.forEach((_, k) => {
      if (!keepCol[k]) return;
      out[r2 * cols.length + k2] = cell[r * images.length + k];
      k2++;
    });
    r2++;
  });
  return { captions: rows, images: cols, cell: out, candidates: unit.candidates };
}

export function candidateAt(g: Grid, at: Cell): number {
  if (at.row < 0 || at.col < 0 || at.row >= g.captions.length || at.col >= g.images.length) return -1;
  return g.cell[at.row * g.images.length + at.col];
}

/** The first candidate cell in reading order, preferring an undecided one. */
export function firstCell(g: Grid): Cell | null {
  let first: Cell | null = null;
  for (let r = 0; r < g.captions.length; r++) {
    for (let c = 0; c < g.images.length; c++) {
      const k = candidateAt(g, { row: r, col: c });
      if (k < 0) continue;
      if (g.candidates[k].decision == null) return { row: r, col: c };
      first ??= { row: r, col: c };
    }
  }
  return first;
}

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The next candidate cell from `at` in a direction: along the row (left/right) or the column
 * (up/down); when the column has no candidate further on, the nearest candidate of the next row
 * that has one. Stays put at an edge.
 */
export function move(g: Grid, at: Cell, dir: Direction): Cell {
  const nR = g.captions.length;
  const nC = g.images.length;
  if (dir === 'left' || dir === 'right') {
    const step = dir === 'left' ? -1 : 1;
    for (let c = at.col + step; c >= 0 && c < nC; c += step) if (candidateAt(g, { row: at.row, col: c }) >= 0) return { row: at.row, col: c };
    return at;
  }
  const step = dir === 'up' ? -1 : 1;
  for (let r = at.row + step; r >= 0 && r < nR; r += step) {
    if (candidateAt(g, { row: r, col: at.col }) >= 0) return { row: r, col: at.col };
    let best = -1;
    for (let c = 0; c < nC; c++) {
      if (candidateAt(g, { row: r, col: c }) < 0) continue;
      if (best < 0 || Math.abs(c - at.col) < Math.abs(best - at.col)) best = c;
    }
    if (best >= 0) return { row: r, col: best };
  }
  return at;
}

/** The next candidate cell in reading order after `at` (wrapping), preferring undecided ones. */
export function nextUndecided(g: Grid, at: Cell): Cell {
  const n = g.captions.length * g.images.length;
  const start = at.row * g.images.length + at.col;
  for (let s = 1; s <= n; s++) {
    const i = (start + s) % n;
    const k = g.cell[i];
    if (k >= 0 && g.candidates[k].decision == null) return { row: Math.floor(i / g.images.length), col: i % g.images.length };
  }
  return at;
}

/** Candidate indices of a row or a column. */
export function lineCandidates(g: Grid, line: 'row' | 'col', index: number): number[] {
  const out: number[] = [];
  if (line === 'row') for (let c = 0; c < g.images.length; c++) out.push(candidateAt(g, { row: index, col: c }));
  else for (let r = 0; r < g.captions.length; r++) out.push(candidateAt(g, { row: r, col: index }));
  return out.filter((k) => k >= 0);
}

export const LABEL_SHORT: Record<string, string> = {
  '1': '1',
  '2': '2',
  '3': '3',
  '4': '4',
  invalid_image: '⊘i',
  invalid_caption: '⊘c',
};

/** ECCV Caption counts 1 and 2 as positive (1 only when strict). */
export function isPositive(label: ReviewLabel | null): boolean {
  return label === 1 || label === 2;
}

export function pairKey(image: number, caption: number): string {
  return `${image}:${caption}`;
}
