// What the map can be coloured by, and the per-point colours plus the key for one choice. The key
// is built from the same colours that go to the GPU, and counts the points drawn in each colour.
import type { ItemTable } from '../../../shared/api';
import type { ClusterSummary } from '../../../shared/views/review';
import { FLAG_LABELS, FLAG_LABEL_TEXT, type Flag, type FlagLabel } from '../../../shared/flags';
import { CATEGORY_COLORS, NONE_COLOR, css, rampRgb, type Rgb } from './palette';

/** A choice in the colour-by menu. */
export interface ColourOption {
  mode: ColourMode;
  label: string;
}

export type ColourMode = 'default' | 'modality' | 'split' | 'unit' | 'label' | `value:${string}`;

export interface CategoryKey {
  kind: 'categories';
  title: string;
  entries: Array<{ label: string; css: string; count: number }>;
}

export interface ScaleKey {
  kind: 'scale';
  title: string;
  /** Values at the two ends of the bar (values beyond are drawn at the end colour). */
  lo: number;
  hi: number;
  /** The ends cut off outliers (2nd and 98th percentile) rather than the minimum and maximum. */
  clipped: boolean;
  min: number;
  max: number;
  /** Items with a value / without one (drawn grey). */
  count: number;
  missing: number;
}

export type ColourKey = CategoryKey | ScaleKey;

export interface Colouring {
  /** RGBA bytes per map point (images first, then captions). */
  rgba: Uint8Array;
  key: ColourKey;
}

/** A numeric per-item value: per image and per caption, NaN where it does not apply. */
export interface NumericColumn {
  id: string;
  name: string;
  image: Float32Array;
  caption: Float32Array;
}

export interface ColourInputs {
  items: ItemTable;
  flags: readonly Flag[];
  units: readonly ClusterSummary[];
  columns: readonly NumericColumn[];
}

const ALPHA = 220;
/** Units beyond this many share one colour ("other units"): a palette of 10 cannot tell 300 apart. */
export const MAX_UNIT_COLOURS = CATEGORY_COLORS.length - 1;

function paint(rgba: Uint8Array, i: number, c: Rgb, alpha = ALPHA): void {
  rgba[4 * i] = c[0];
  rgba[4 * i + 1] = c[1];
  rgba[4 * i + 2] = c[2];
  rgba[4 * i + 3] = alpha;
}

/** Colours by a category per point (null: none), categories in first-seen order unless `order` is given. */
function categorical(n: number, title: string, categoryOf: (p: number) => string | null, order?: string[], noneLabel = 'none'): Colouring {
  const rgba = new Uint8Array(4 * n);
  const names = order ? [...order] : [];
  const counts = new Map<string, number>();
  const cats: Array<string | null> = new Array(n);
  for (let p = 0; p < n; p++) {
    const c = categoryOf(p);
    cats[p] = c;
    if (c != null && !names.includes(c)) names.push(c);
  }
  const colourOf = new Map(names.map((name, k) => [name, CATEGORY_COLORS[k % CATEGORY_COLORS.length]] as const));
  let none = 0;
  for (let p = 0; p < n; p++) {
    const c = cats[p];
    if (c == null) {
      none++;
      paint(rgba, p, NONE_COLOR, 150);
    } else {
      paint(rgba, p, colourOf.get(c)!);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
  }
  const entries = names.filter((name) => (counts.get(name) ?? 0) > 0).map((name) => ({ label: name, css: css(colourOf.get(name)!), count: counts.get(name)! }));
  if (none > 0) entries.push({ label: noneLabel, css: css(NONE_COLOR), count: none });
  return { rgba, key: { kind: 'categories', title, entries } };
}

function quantile(sorted: Float32Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Colours by a number per point on the shared ramp; the ends are the 2nd/98th percentiles when the tails are long. */
export function numeric(values: Float32Array, title: string): Colouring {
  const n = values.length;
  const rgba = new Uint8Array(4 * n);
  const finite = values.filter((v) => Number.isFinite(v)).sort();
  const missing = n - finite.length;
  if (finite.length === 0) {
    for (let p = 0; p < n; p++) paint(rgba, p, NONE_COLOR, 150);
    return { rgba, key: { kind: 'scale', title, lo: NaN, hi: NaN, clipped: false, min: NaN, max: NaN, count: 0, missing } };
  }
  const min = finite[0];
  const max = finite[finite.length - 1];
  let lo = quantile(finite, 0.02);
  let hi = quantile(finite, 0.98);
  // Small integer ranges (multiplicity, partner counts) read best end to end.
  const clipped = hi > lo && (hi - lo) * 1.5 < max - min;
  if (!clipped) {
    lo = min;
    hi = max;
  }
  const span = hi - lo;
  for (let p = 0; p < n; p++) {
    const v = values[p];
    if (!Number.isFinite(v)) paint(rgba, p, NONE_COLOR, 150);
    else paint(rgba, p, rampRgb(span > 0 ? (v - lo) / span : 0.5));
  }
  return { rgba, key: { kind: 'scale', title, lo, hi, clipped, min, max, count: finite.length, missing } };
}

export function colourBy(mode: ColourMode, inp: ColourInputs): Colouring | null {
  const nI = inp.items.images.length;
  const nC = inp.items.captions.length;
  const n = nI + nC;
  switch (mode) {
    case 'default':
      return null;
    case 'modality':
      return categorical(n, 'modality', (p) => (p < nI ? 'image' : 'caption'), ['image', 'caption']);
    case 'split':
      return categorical(n, 'split', (p) => (p < nI ? inp.items.images[p].split : inp.items.captions[p - nI].split), undefined, 'no split');
    case 'unit': {
      const unitOf = new Map<number, string>();
      const named = inp.units.slice(0, MAX_UNIT_COLOURS);
      const order = named.map((u) => `#${u.id} ${u.label}`);
      inp.units.forEach((u, rank) => {
        const name = rank < MAX_UNIT_COLOURS ? order[rank] : 'other units';
        for (const i of [...u.images, ...u.referenceImages]) if (!unitOf.has(i)) unitOf.set(i, name);
        for (const c of u.captions) if (!unitOf.has(nI + c)) unitOf.set(nI + c, name);
      });
      if (inp.units.length > MAX_UNIT_COLOURS) order.push('other units');
      return categorical(n, 'review unit', (p) => unitOf.get(p) ?? null, order, 'in no unit');
    }
    case 'label': {
      const labelOf = new Map<number, FlagLabel>();
      for (const f of inp.flags) {
        if (f.target.kind === 'pair') {
          labelOf.set(f.target.image, f.label);
          labelOf.set(nI + f.target.caption, f.label);
        } else labelOf.set(f.target.modality === 'image' ? f.target.index : nI + f.target.index, f.label);
      }
      const order = FLAG_LABELS.map((l) => FLAG_LABEL_TEXT[l]);
      return categorical(n, 'flag', (p) => {
        const l = labelOf.get(p);
        return l ? FLAG_LABEL_TEXT[l] : null;
      }, order, 'not flagged');
    }
    default: {
      const id = mode.slice('value:'.length);
      const col = inp.columns.find((c) => c.id === id);
      if (!col || col.image.length !== nI || col.caption.length !== nC) return null;
      const v = new Float32Array(n);
      v.set(col.image, 0);
      v.set(col.caption, nI);
      return numeric(v, col.name);
    }
  }
}
