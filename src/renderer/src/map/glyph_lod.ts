// Level of detail for the variance glyphs (SCIENCE §3.3 glyphs on the WebGL2 map). Pure TypeScript;
// no DOM, no GL.
//
// Why: under software GL (SwiftShader, what Chromium and Electron fall back to without a GPU) every
// glyph instance costs vertex work even when it collapses to nothing, and each one on screen costs
// fill. 100k glyph quads took 5.5–8.4 s a frame. So only the glyphs a user can see are drawn as glyph
// quads: on screen, at least `minRadiusPx` in radius, at most `budget` of them (the largest first,
// the selection and its neighbourhood before everything else; among glyphs at the size cap, those
// nearest the centre of the view) and at most `maxAreaPx` of quad area in all. Every point is still drawn as an ordinary point sprite, so a glyph left out is never missing
// data. `GlyphLod` indexes the points in a uniform grid once per data set; `select` visits only the
// cells under the viewport and writes the chosen point indices into a caller-owned array.
import { gridCell } from './picking';

/** The camera as the map has it: centre (data units), CSS px per data unit, viewport CSS px. */
export interface GlyphLodView {
  cx: number;
  cy: number;
  scale: number;
  width: number;
  height: number;
}

export interface GlyphLodOptions {
  /** Most glyph instances drawn in one frame. */
  budget: number;
  /** Glyphs smaller than this (screen radius, CSS px, after exaggeration) stay plain points. */
  minRadiusPx: number;
  /** Screen radius (CSS px) at which a glyph is capped; it is drawn at this size, shape kept. */
  maxRadiusPx: number;
  /** Also cap the radius at this fraction of the viewport's smaller side (so no glyph fills it). */
  maxRadiusFrac?: number;
  /** Most total quad area (CSS px²) of the glyphs drawn in one frame. */
  maxAreaPx: number;
  /** Points whose glyphs come first when on screen and large enough (e.g. selected, neighbours). */
  priority?: ArrayLike<number>;
  /** Glyphs within `focusRadiusPx` (CSS px) of this data point rank before the rest. */
  focus?: { x: number; y: number } | null;
  focusRadiusPx?: number;
}

/** What one selection did; the map's legend turns it into a note (`glyphLodNote`). */
export interface GlyphLodStats {
  /** Glyph instances selected (written to `out`). */
  drawn: number;
  /** Glyphs on screen and at least `minRadiusPx`: what would be drawn without a budget. */
  candidates: number;
  /** Glyphs whose point is on screen but whose radius is under `minRadiusPx` (drawn as points). */
  small: number;
  /** Drawn glyphs capped at `maxRadiusPx`. */
  capped: number;
  /** Drawn glyphs ranked first because they are in `priority` or near `focus`. */
  preferred: number;
  /** Why fewer than `candidates` were drawn: not at all, the instance budget, or the area budget. */
  limit: 'none' | 'count' | 'area';
  /** The settings in force (for the legend's wording); `maxRadiusPx` is the cap for this view. */
  minRadiusPx: number;
  maxRadiusPx: number;
}

/**
 * Settings under software GL (SwiftShader, llvmpipe), where filling glyph quads dominates the frame:
 * ~50–65 ms per million quad pixels on 2 cores, so 2 Mpx (about two 1280×800 viewports) adds
 * ~0.1–0.13 s to a frame.
 */
export const GLYPH_LOD_SOFTWARE: Readonly<GlyphLodOptions> = {
  budget: 3000,
  minRadiusPx: 1.5,
  maxRadiusPx: 256,
  maxRadiusFrac: 0.25,
  maxAreaPx: 2e6,
  focusRadiusPx: 160,
};

/** Settings on a hardware GPU: far more glyphs, still a bounded count, size and overdraw. */
export const GLYPH_LOD_HARDWARE: Readonly<GlyphLodOptions> = {
  budget: 20000,
  minRadiusPx: 1.5,
  maxRadiusPx: 1024,
  maxRadiusFrac: 0.25,
  maxAreaPx: 3e7,
  focusRadiusPx: 160,
};

/** The cap on a glyph's screen radius (CSS px) for a viewport of width × height. */
export function glyphCapPx(opts: Pick<GlyphLodOptions, 'maxRadiusPx' | 'maxRadiusFrac'>, width: number, height: number): number {
  const frac = opts.maxRadiusFrac;
  const rel = frac !== undefined && frac > 0 ? Math.max(8, Math.round(frac * Math.min(width, height))) : Infinity;
  return Math.min(opts.maxRadiusPx, rel);
}

/** The default settings: the software ones (the conservative choice). */
export const DEFAULT_GLYPH_LOD = GLYPH_LOD_SOFTWARE;

/** True when the WebGL renderer string names a CPU rasteriser. */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
}

/** Room (CSS px) around a glyph's outline inside its quad; must match the vertex shader. */
export const GLYPH_PAD_PX = 2;

/**
 * The on-map extent of each glyph in data units before exaggeration: the CSD radius, or the
 * ellipse's larger semi-axis where the ellipse is shown and larger. Non-finite or negative → 0.
 */
export function glyphExtents(radius: ArrayLike<number>, ellipse: ArrayLike<number>, shown: ArrayLike<number>, n: number): Float32Array {
  const ext = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = radius[i];
    let e = Number.isFinite(r) && r > 0 ? r : 0;
    if (shown[i]) {
      const a = ellipse[3 * i];
      const b = ellipse[3 * i + 1];
      if (Number.isFinite(a) && a > e) e = a;
      if (Number.isFinite(b) && b > e) e = b;
    }
    ext[i] = e;
  }
  return ext;
}

const RANK_FOCUS = 1e12;
const RANK_PRIORITY = 2e12;

/** A uniform grid over the points that have a glyph, built once per data set (O(n)). */
export class GlyphLod {
  /** Points with a glyph (finite position, positive extent). */
  readonly count: number;
  /** Largest extent (data units, before exaggeration). */
  readonly maxExtent: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly inv: number;
  private readonly cellStart: Uint32Array;
  private readonly ids: Uint32Array;
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  private readonly pe: Float64Array;
  // Scratch for one selection (reused).
  private readonly candIdx: Uint32Array;
  private readonly candKey: Float64Array;
  private readonly candExt: Float64Array;
  private readonly isPriority: Uint8Array;

  constructor(xy: ArrayLike<number>, extent: ArrayLike<number>, pointsPerCell = 16) {
    const n = Math.min(Math.floor(xy.length / 2), extent.length);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    let count = 0;
    let maxE = 0;
    const ok = (i: number): boolean => {
      const e = extent[i];
      return Number.isFinite(xy[2 * i]) && Number.isFinite(xy[2 * i + 1]) && Number.isFinite(e) && e > 0;
    };
    for (let i = 0; i < n; i++) {
      if (!ok(i)) continue;
      const x = xy[2 * i];
      const y = xy[2 * i + 1];
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (extent[i] > maxE) maxE = extent[i];
    }
    if (count === 0) minX = minY = maxX = maxY = 0;
    this.count = count;
    this.maxExtent = maxE;
    const rx = maxX - minX;
    const ry = maxY - minY;
    const cells = Math.min(65536, Math.max(1, Math.ceil(count / pointsPerCell)));
    let cs = Math.max(Math.sqrt((rx * ry) / cells), Math.max(rx, ry) / cells);
    if (!(cs > 0) || !Number.isFinite(cs)) cs = 1;
    this.inv = 1 / cs;
    this.cols = Math.min(Math.floor(rx * this.inv) + 1, cells + 1);
    this.rows = Math.min(Math.floor(ry * this.inv) + 1, cells + 1);
    this.minX = minX;
    this.minY = minY;

    const nc = this.cols * this.rows;
    const cellOf = new Int32Array(n);
    const cellStart = new Uint32Array(nc + 1);
    for (let i = 0; i < n; i++) {
      if (!ok(i)) {
        cellOf[i] = -1;
        continue;
      }
      const c = this.row(xy[2 * i + 1]) * this.cols + this.col(xy[2 * i]);
      cellOf[i] = c;
      cellStart[c + 1]++;
    }
    for (let c = 0; c < nc; c++) cellStart[c + 1] += cellStart[c];
    const fill = cellStart.slice(0, nc);
    this.ids = new Uint32Array(count);
    this.px = new Float64Array(count);
    this.py = new Float64Array(count);
    this.pe = new Float64Array(count);
    for (let i = 0; i < n; i++) {
      const c = cellOf[i];
      if (c < 0) continue;
      const k = fill[c]++;
      this.ids[k] = i;
      this.px[k] = xy[2 * i];
      this.py[k] = xy[2 * i + 1];
      this.pe[k] = extent[i];
    }
    this.cellStart = cellStart;
    this.candIdx = new Uint32Array(count);
    this.candKey = new Float64Array(count);
    this.candExt = new Float64Array(count);
    this.isPriority = new Uint8Array(n);
  }

  private col(x: number): number {
    return gridCell(x, this.minX, this.inv, this.cols);
  }

  private row(y: number): number {
    return gridCell(y, this.minY, this.inv, this.rows);
  }

  /**
   * Chooses the glyphs to draw for `view` at `exaggeration` and writes their point indices to `out`
   * (largest first, so smaller glyphs are drawn on top). `out` must hold `opts.budget` entries.
   */
  select(view: GlyphLodView, exaggeration: number, opts: GlyphLodOptions, out: Uint32Array): GlyphLodStats {
    const maxPx = glyphCapPx(opts, view.width, view.height);
    const stats: GlyphLodStats = { drawn: 0, candidates: 0, small: 0, capped: 0, preferred: 0, limit: 'none', minRadiusPx: opts.minRadiusPx, maxRadiusPx: maxPx };
    const budget = Math.max(0, Math.min(Math.floor(opts.budget), out.length));
    const s = view.scale * exaggeration; // CSS px per data unit of extent
    if (this.count === 0 || !(view.scale > 0) || !(view.width > 0) || !(view.height > 0) || !(s >= 0) || !Number.isFinite(s)) return stats;
    const minPx = opts.minRadiusPx;
    const hw = view.width / 2;
    const hh = view.height / 2;
    const diag = Math.sqrt(hw * hw + hh * hh);
    const inv = 1 / view.scale;
    // The viewport in data units, grown by the largest glyph's quad so edge-straddling glyphs count.
    const grow = (Math.min(this.maxExtent * s, maxPx) + GLYPH_PAD_PX) * inv;
    const x0 = view.cx - hw * inv - grow;
    const x1 = view.cx + hw * inv + grow;
    const y0 = view.cy - hh * inv - grow;
    const y1 = view.cy + hh * inv + grow;
    if (x1 < this.minX || y1 < this.minY || x0 > this.minX + this.cols / this.inv || y0 > this.minY + this.rows / this.inv) return stats;

    const pri = opts.priority;
    if (pri) for (let k = 0; k < pri.length; k++) if (pri[k] >= 0 && pri[k] < this.isPriority.length) this.isPriority[pri[k]] = 1;
    const focus = opts.focus && Number.isFinite(opts.focus.x) && Number.isFinite(opts.focus.y) ? opts.focus : null;
    const fr = (opts.focusRadiusPx ?? 0) * inv;
    const fr2 = fr * fr;

    const { px, py, pe, ids, cellStart, candIdx, candKey, candExt } = this;
    let m = 0;
    const c0 = this.col(x0);
    const c1 = this.col(x1);
    const r0 = this.row(y0);
    const r1 = this.row(y1);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = r * this.cols + c;
        const end = cellStart[cell + 1];
        for (let k = cellStart[cell]; k < end; k++) {
          const dx = (px[k] - view.cx) * view.scale;
          const dy = (py[k] - view.cy) * view.scale;
          const ext = pe[k] * s;
          if (!(ext >= minPx)) {
            if (Math.abs(dx) <= hw && Math.abs(dy) <= hh) stats.small++;
            continue;
          }
          const h = Math.min(ext, maxPx) + GLYPH_PAD_PX;
          if (Math.abs(dx) > hw + h || Math.abs(dy) > hh + h) continue;
          const id = ids[k];
          // Rank by drawn size; glyphs at the cap all look the same size, so the central ones first.
          let key = ext < maxPx ? ext : maxPx + 0.999 * (1 - Math.min(1, Math.sqrt(dx * dx + dy * dy) / diag));
          if (this.isPriority[id]) key += RANK_PRIORITY;
          else if (focus) {
            const fx = px[k] - focus.x;
            const fy = py[k] - focus.y;
            if (fx * fx + fy * fy <= fr2) key += RANK_FOCUS;
          }
          candIdx[m] = id;
          candKey[m] = key;
          candExt[m] = ext;
          m++;
        }
      }
    }
    if (pri) for (let k = 0; k < pri.length; k++) if (pri[k] >= 0 && pri[k] < this.isPriority.length) this.isPriority[pri[k]] = 0;
    stats.candidates = m;

    let take = m;
    if (m > budget) {
      selectTop(candKey, candIdx, candExt, m, budget);
      take = budget;
      stats.limit = 'count';
    }
    // Rank order (highest key first; ties → lower point index), then the area budget.
    const order = new Array<number>(take);
    for (let k = 0; k < take; k++) order[k] = k;
    order.sort((a, b) => candKey[b] - candKey[a] || candIdx[a] - candIdx[b]);
    const areaBudget = opts.maxAreaPx;
    let area = 0;
    let drawn = 0;
    for (let k = 0; k < take; k++) {
      const j = order[k];
      const ext = candExt[j];
      const side = 2 * (Math.min(ext, maxPx) + GLYPH_PAD_PX);
      if (area + side * side > areaBudget && drawn > 0) {
        stats.limit = 'area';
        break;
      }
      area += side * side;
      if (ext > maxPx) stats.capped++;
      if (candKey[j] >= RANK_FOCUS) stats.preferred++;
      out[drawn++] = candIdx[j];
    }
    stats.drawn = drawn;
    return stats;
  }
}

/**
 * Moves the `k` largest keys of key[0..m) (with their idx/ext) into positions 0..k-1, in no
 * particular order. Hoare-partition quickselect; O(m) on average, fine with many equal keys.
 */
export function selectTop(key: Float64Array, idx: Uint32Array, ext: Float64Array, m: number, k: number): void {
  if (k <= 0 || k >= m) return;
  const swap = (a: number, b: number): void => {
    const t = key[a];
    key[a] = key[b];
    key[b] = t;
    const u = idx[a];
    idx[a] = idx[b];
    idx[b] = u;
    const e = ext[a];
    ext[a] = ext[b];
    ext[b] = e;
  };
  let lo = 0;
  let hi = m - 1;
  const target = k - 1; // after selection, position target holds the k-th largest
  while (lo < hi) {
    // Median of three as the pivot (descending order: larger keys to the left).
    const mid = (lo + hi) >>> 1;
    const a = key[lo];
    const b = key[mid];
    const c = key[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (key[i] > pivot) i++;
      while (key[j] < pivot) j--;
      if (i <= j) {
        swap(i, j);
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return;
  }
}

/** Formats a count the way the rest of the UI does (1,234). */
function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The legend's note about the level of detail, or null when every glyph on screen is drawn as a
 * glyph. Tells the user that a glyph left out is a level of detail, not missing data.
 */
export function glyphLodNote(stats: GlyphLodStats | null): string | null {
  if (!stats) return null;
  const parts: string[] = [];
  if (stats.limit !== 'none') {
    const shown = stats.preferred > 0
      ? `${fmt(stats.drawn)} of ${fmt(stats.candidates)} on screen (around the selection, then the largest)`
      : `the ${fmt(stats.drawn)} largest of ${fmt(stats.candidates)} on screen`;
    parts.push(`glyphs shown for ${shown}; zoom in for more`);
  }
  if (stats.small > 0) {
    parts.push(`${fmt(stats.small)} ${stats.small === 1 ? 'glyph' : 'glyphs'} under ${stats.minRadiusPx} px radius shown as plain points${stats.drawn === 0 ? '; zoom in or raise the exaggeration to see them' : ''}`);
  }
  if (stats.capped > 0) {
    parts.push(`${fmt(stats.capped)} drawn at the ${stats.maxRadiusPx} px cap (larger in truth)`);
  }
  return parts.length ? parts.join(' · ') : null;
}

/** True when two selections would give the same legend note (so the UI re-renders only then). */
export function sameLodNote(a: GlyphLodStats | null, b: GlyphLodStats | null): boolean {
  if (a === null || b === null) return a === b;
  return a.limit === b.limit && a.minRadiusPx === b.minRadiusPx && a.maxRadiusPx === b.maxRadiusPx && a.small === b.small && a.capped === b.capped && (a.limit === 'none' || (a.drawn === b.drawn && a.candidates === b.candidates && (a.preferred > 0) === (b.preferred > 0)));
}
