// CPU picking in data space: a uniform grid over the points for nearest-point queries, and
// point-to-segment distance for edges. Pure TypeScript; no DOM, no GL.

/** The cell of coordinate v in a uniform grid starting at min with `inv` cells per unit, clamped to 0..n−1. */
export function gridCell(v: number, min: number, inv: number, n: number): number {
  const c = Math.floor((v - min) * inv);
  return c < 0 ? 0 : c >= n ? n - 1 : c;
}

/**
 * A uniform grid over the finite points of an interleaved x,y array, built once per point set
 * (O(n), counting sort). `nearest` searches outward ring by ring from the query's cell and stops as
 * soon as no unvisited cell can hold a closer point, so a query costs O(1) cells on average.
 */
export class PointGrid {
  /** Number of points indexed (the finite ones). */
  readonly count: number;
  readonly cols: number;
  readonly rows: number;
  readonly cellSize: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly maxX: number;
  private readonly maxY: number;
  private readonly inv: number;
  /** cellStart[c]..cellStart[c+1] indexes `ids`/`px`/`py` for cell c = row * cols + col. */
  private readonly cellStart: Uint32Array;
  private readonly ids: Uint32Array;
  private readonly px: Float64Array;
  private readonly py: Float64Array;

  constructor(xy: ArrayLike<number>, pointsPerCell = 2) {
    const n = Math.floor(xy.length / 2);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i];
      const y = xy[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    this.count = count;
    if (count === 0) {
      minX = minY = maxX = maxY = 0;
    }
    const rx = maxX - minX;
    const ry = maxY - minY;
    const cells = Math.max(1, Math.ceil(count / Math.max(pointsPerCell, 0.1)));
    // Square cells of about `pointsPerCell` points each; for very elongated sets, no more cells
    // along the long side than there are cells in all.
    let cs = Math.max(Math.sqrt((rx * ry) / cells), Math.max(rx, ry) / cells);
    if (!(cs > 0) || !Number.isFinite(cs)) cs = 1;
    const inv = 1 / cs;
    const cols = Math.min(Math.floor(rx * inv) + 1, cells + 1);
    const rows = Math.min(Math.floor(ry * inv) + 1, cells + 1);
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    this.cellSize = cs;
    this.inv = inv;
    this.cols = cols;
    this.rows = rows;

    const cellOf = new Int32Array(n);
    const cellStart = new Uint32Array(cols * rows + 1);
    for (let i = 0; i < n; i++) {
      const x = xy[2 * i];
      const y = xy[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        cellOf[i] = -1;
        continue;
      }
      const c = this.row(y) * cols + this.col(x);
      cellOf[i] = c;
      cellStart[c + 1]++;
    }
    for (let c = 0; c < cols * rows; c++) cellStart[c + 1] += cellStart[c];
    const fill = cellStart.slice(0, cols * rows);
    const ids = new Uint32Array(count);
    const px = new Float64Array(count);
    const py = new Float64Array(count);
    for (let i = 0; i < n; i++) {
      const c = cellOf[i];
      if (c < 0) continue;
      const k = fill[c]++;
      ids[k] = i;
      px[k] = xy[2 * i];
      py[k] = xy[2 * i + 1];
    }
    this.cellStart = cellStart;
    this.ids = ids;
    this.px = px;
    this.py = py;
  }

  private col(x: number): number {
    return gridCell(x, this.minX, this.inv, this.cols);
  }

  private row(y: number): number {
    return gridCell(y, this.minY, this.inv, this.rows);
  }

  /**
   * Calls fn(index, x, y) for every indexed point in the cells that overlap the rectangle (a
   * superset of the points inside it: the caller tests exactly). Lasso and marquee selection.
   */
  forEachInRect(minX: number, minY: number, maxX: number, maxY: number, fn: (index: number, x: number, y: number) => void): void {
    if (this.count === 0 || !(minX <= maxX) || !(minY <= maxY)) return;
    if (maxX < this.minX || minX > this.maxX || maxY < this.minY || minY > this.maxY) return;
    const c0 = this.col(minX);
    const c1 = this.col(maxX);
    const r0 = this.row(minY);
    const r1 = this.row(maxY);
    for (let r = r0; r <= r1; r++) {
      const start = this.cellStart[r * this.cols + c0];
      const end = this.cellStart[r * this.cols + c1 + 1];
      // Cells of one row are contiguous in the sorted order, so a row span is one run.
      for (let k = start; k < end; k++) fn(this.ids[k], this.px[k], this.py[k]);
    }
  }

  /**
   * Index of the point nearest to (x, y) within `radius` (inclusive, data units), or null.
   * Ties go to the lower index.
   */
  nearest(x: number, y: number, radius: number): number | null {
    if (this.count === 0 || !(radius >= 0) || !Number.isFinite(x) || !Number.isFinite(y)) return null;
    const r2 = radius * radius;
    const ox = Math.max(this.minX - x, 0, x - this.maxX);
    const oy = Math.max(this.minY - y, 0, y - this.maxY);
    if (ox * ox + oy * oy > r2) return null;

    const { cols, rows, cellSize: cs, minX, minY } = this;
    const ci = this.col(x);
    const cj = this.row(y);
    const maxK = Math.max(ci, cols - 1 - ci, cj, rows - 1 - cj);
    const eps = cs * 1e-9 + Math.abs(x) * 1e-12 + Math.abs(y) * 1e-12;
    let bestD = Infinity;
    let bestI = -1;

    const scan = (c: number): void => {
      const end = this.cellStart[c + 1];
      for (let k = this.cellStart[c]; k < end; k++) {
        const dx = this.px[k] - x;
        const dy = this.py[k] - y;
        const d = dx * dx + dy * dy;
        if (d < bestD || (d === bestD && this.ids[k] < bestI)) {
          bestD = d;
          bestI = this.ids[k];
        }
      }
    };

    for (let k = 0; k <= maxK; k++) {
      if (k === 0) {
        scan(cj * cols + ci);
      } else {
        const i0 = Math.max(ci - k, 0);
        const i1 = Math.min(ci + k, cols - 1);
        if (cj - k >= 0) for (let i = i0; i <= i1; i++) scan((cj - k) * cols + i);
        if (cj + k < rows) for (let i = i0; i <= i1; i++) scan((cj + k) * cols + i);
        const j0 = Math.max(cj - k + 1, 0);
        const j1 = Math.min(cj + k - 1, rows - 1);
        if (ci - k >= 0) for (let j = j0; j <= j1; j++) scan(j * cols + ci - k);
        if (ci + k < cols) for (let j = j0; j <= j1; j++) scan(j * cols + ci + k);
      }
      // Lower bound on the squared distance of any point in a cell not yet visited: beyond one
      // side of the visited block, a point is at least that side's gap away along one axis and at
      // least the query's offset from the grid (ox/oy, zero inside it) along the other. Sides
      // already at the grid's edge have nothing beyond them.
      let bound = Infinity;
      if (ci - k > 0) bound = Math.min(bound, gap(x - (minX + (ci - k) * cs), eps) + oy * oy);
      if (ci + k < cols - 1) bound = Math.min(bound, gap(minX + (ci + k + 1) * cs - x, eps) + oy * oy);
      if (cj - k > 0) bound = Math.min(bound, gap(y - (minY + (cj - k) * cs), eps) + ox * ox);
      if (cj + k < rows - 1) bound = Math.min(bound, gap(minY + (cj + k + 1) * cs - y, eps) + ox * ox);
      if (bound === Infinity || bound > r2 || bound > bestD) break;
    }
    return bestI >= 0 && bestD <= r2 ? bestI : null;
  }
}

/** Squared gap, shrunk by `eps` against rounding at cell borders. */
function gap(v: number, eps: number): number {
  const g = Math.max(0, v - eps);
  return g * g;
}

/** Reference O(n) nearest-point search with the same contract as PointGrid.nearest. */
export function nearestBrute(xy: ArrayLike<number>, x: number, y: number, radius: number): number | null {
  const n = Math.floor(xy.length / 2);
  let bestD = Infinity;
  let bestI = -1;
  for (let i = 0; i < n; i++) {
    const px = xy[2 * i];
    const py = xy[2 * i + 1];
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const d = (px - x) * (px - x) + (py - y) * (py - y);
    if (d < bestD) {
      bestD = d;
      bestI = i;
    }
  }
  return bestI >= 0 && bestD <= radius * radius ? bestI : null;
}

/** Euclidean distance from point p to the segment a–b (a point when a = b). */
export function pointSegmentDistance(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  let t = len2 > 0 ? ((px - ax) * vx + (py - ay) * vy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const dx = ax + t * vx - px;
  const dy = ay + t * vy - py;
  return Math.sqrt(dx * dx + dy * dy);
}

export interface EdgeLike {
  a: number;
  b: number;
}

/**
 * Index (into `edges`) of the edge whose segment passes nearest to (x, y), within `radius`
 * (inclusive, data units), or null. Edges naming missing or non-finite points are skipped.
 * Ties go to the lower index. Linear in the number of edges (edge lists are short).
 */
export function nearestEdge(
  xy: ArrayLike<number>,
  edges: ReadonlyArray<EdgeLike>,
  x: number,
  y: number,
  radius: number,
): number | null {
  const n = Math.floor(xy.length / 2);
  let best = Infinity;
  let bestI = -1;
  for (let e = 0; e < edges.length; e++) {
    const { a, b } = edges[e];
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= n || b >= n) continue;
    const ax = xy[2 * a];
    const ay = xy[2 * a + 1];
    const bx = xy[2 * b];
    const by = xy[2 * b + 1];
    if (!Number.isFinite(ax) || !Number.isFinite(ay) || !Number.isFinite(bx) || !Number.isFinite(by)) continue;
    const d = pointSegmentDistance(x, y, ax, ay, bx, by);
    if (d < best) {
      best = d;
      bestI = e;
    }
  }
  return bestI >= 0 && best <= radius ? bestI : null;
}
