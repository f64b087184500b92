// Summaries for the science protocol: every numeric leaf of the per-seed claim records, flattened to
// a dotted path, summarised as mean ± sd, median and the per-seed values. Generic on purpose: a
// field another part of the app adds to a train, mine or eval result flows through unnamed.

export interface Summary {
  mean: number | null;
  sd: number | null;
  median: number | null;
  n: number;
  values: Array<number | null>;
}

/** Numeric leaves of `x` under dotted paths. Arrays of {against, scope?} records are keyed by those. */
export function flatten(x: unknown, prefix = '', out: Map<string, number | null> = new Map()): Map<string, number | null> {
  if (typeof x === 'number') out.set(prefix, Number.isFinite(x) ? x : null);
  else if (typeof x === 'boolean') out.set(prefix, x ? 1 : 0);
  else if (Array.isArray(x)) {
    x.forEach((v, i) => {
      const o = v as Record<string, unknown> | null;
      const key = o && typeof o === 'object' && typeof o.against === 'string' ? `${o.against}${typeof o.scope === 'string' ? `@${o.scope}` : ''}` : String(i);
      flatten(v, prefix ? `${prefix}.${key}` : key, out);
    });
  } else if (x && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      if (k === 'values' || k === 'recall_at' || k === 'epochs_detail') continue;
      flatten(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (x === null && prefix) out.set(prefix, null);
  return out;
}

/** The median of the finite values (nulls and NaN left out), or null when there are none. */
export function median(values: ReadonlyArray<number | null>): number | null {
  const s = values.filter((x): x is number => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function summarise(values: Array<number | null>): Summary {
  const v = values.filter((x): x is number => x != null && Number.isFinite(x));
  if (!v.length) return { mean: null, sd: null, median: null, n: 0, values };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return { mean: r(mean), sd: r(sd), median: r(median(v)!), n: v.length, values: values.map((x) => (x == null ? null : r(x))) };
}

/** Path → summary over the per-seed records (paths present in any seed). */
export function summariseSeeds(records: unknown[]): Record<string, Summary> {
  const flats = records.map((r) => flatten(r));
  const paths = new Set<string>();
  for (const f of flats) for (const k of f.keys()) paths.add(k);
  const out: Record<string, Summary> = {};
  for (const p of [...paths].sort()) out[p] = summarise(flats.map((f) => f.get(p) ?? null));
  return out;
}
