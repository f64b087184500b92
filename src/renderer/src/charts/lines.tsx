// Small inline SVG charts for the Train and Uncertainty tabs: line curves over epochs and a
// histogram of continuous values. Styled with attributes, like charts.tsx.

const FONT = 'system-ui, sans-serif';

export interface LineSeries {
  name: string;
  color: string;
  /** Points (x, y); drawn in order. */
  points: Array<[number, number]>;
  dashed?: boolean;
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(1) : a >= 0.01 ? v.toFixed(2) : v.toExponential(1);
}

/** fmt, unless it would print both ends of [lo, hi] alike (a narrow range): then enough decimals to tell them apart. */
export function rangeFormatter(lo: number, hi: number): (v: number) => string {
  if (!(hi > lo) || fmt(lo) !== fmt(hi)) return fmt;
  const decimals = Math.min(10, Math.max(0, Math.ceil(-Math.log10(hi - lo)) + 1));
  return (v) => v.toFixed(decimals);
}

export function LineChart({ title, series, width = 340, height = 170, xLabel = 'epoch', yMin, yMax, testid }: { title: string; series: LineSeries[]; width?: number; height?: number; xLabel?: string; yMin?: number; yMax?: number; testid?: string }) {
  const top = 34;
  const bottom = 26;
  const left = 40;
  const right = 8;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const all = series.flatMap((s) => s.points);
  const xmax = Math.max(1, ...all.map((p) => p[0]));
  const xmin = Math.min(xmax, ...all.map((p) => p[0]), 1);
  const ys = all.map((p) => p[1]).filter(Number.isFinite);
  const lo = yMin ?? Math.min(0, ...ys);
  const hi = yMax ?? niceMax(Math.max(...ys, lo + 1e-9));
  const x = (v: number) => left + (xmax === xmin ? plotW / 2 : ((v - xmin) / (xmax - xmin)) * plotW);
  const y = (v: number) => top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;
  const ticks = [lo, (lo + hi) / 2, hi];
  return (
    <svg xmlns="http://www.w3.org/2000/svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid={testid} role="img" aria-label={title} fontFamily={FONT} fontSize={10}>
      <rect x={0} y={0} width={width} height={height} fill="#ffffff" />
      <text x={left} y={12} fontSize={11} fontWeight="bold" fill="#222">{title}</text>
      {series.map((s, i) => (
        <g key={s.name} transform={`translate(${left + i * 120}, 17)`}>
          <line x1={0} x2={12} y1={5} y2={5} stroke={s.color} strokeWidth={2} strokeDasharray={s.dashed ? '3 2' : undefined} />
          <text x={15} y={8} fill="#333">{s.name.length > 18 ? `${s.name.slice(0, 17)}…` : s.name}</text>
        </g>
      ))}
      {ticks.map((t, i) => (
        <g key={i}>
          <line x1={left} x2={width - right} y1={y(t)} y2={y(t)} stroke="#eee" />
          <text x={left - 4} y={y(t) + 3} textAnchor="end" fill="#666">{fmt(t)}</text>
        </g>
      ))}
      <line x1={left} x2={width - right} y1={top + plotH} y2={top + plotH} stroke="#888" />
      <text x={left} y={height - 6} fill="#666">{fmt(xmin)}</text>
      <text x={width - right} y={height - 6} textAnchor="end" fill="#666">{fmt(xmax)}</text>
      <text x={left + plotW / 2} y={height - 6} textAnchor="middle" fill="#666">{xLabel}</text>
      {series.map((s) => (
        <g key={s.name} data-series={s.name}>
          <polyline fill="none" stroke={s.color} strokeWidth={1.8} strokeDasharray={s.dashed ? '4 3' : undefined} points={s.points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')} />
          {s.points.map((p, k) => (
            <circle key={k} data-testid={testid ? `${testid}-point` : undefined} cx={x(p[0])} cy={y(p[1])} r={2.2} fill={s.color} />
          ))}
        </g>
      ))}
    </svg>
  );
}

export interface ValueSeries {
  name: string;
  color: string;
  values: ArrayLike<number>;
}

/** Overlaid histograms of continuous values on a shared linear range (nBins bins). */
export function ValueHistogram({ title, xLabel, series, nBins = 30, width = 380, height = 170, testid }: { title: string; xLabel: string; series: ValueSeries[]; nBins?: number; width?: number; height?: number; testid?: string }) {
  const top = 34;
  const bottom = 28;
  const left = 36;
  const right = 8;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi <= lo) hi = lo + 1e-6;
  const fx = rangeFormatter(lo, hi);
  const counts = series.map((s) => {
    const c = new Array<number>(nBins).fill(0);
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (!Number.isFinite(v)) continue;
      c[Math.min(nBins - 1, Math.floor(((v - lo) / (hi - lo)) * nBins))]++;
    }
    return c;
  });
  const ymax = Math.max(1, ...counts.flat());
  const bw = plotW / nBins;
  const sw = Math.max(1, (bw * 0.9) / Math.max(1, series.length));
  const y = (v: number) => top + plotH - (v / ymax) * plotH;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid={testid} role="img" aria-label={title} fontFamily={FONT} fontSize={10}>
      <rect x={0} y={0} width={width} height={height} fill="#ffffff" />
      <text x={left} y={12} fontSize={11} fontWeight="bold" fill="#222">{title}</text>
      {series.map((s, i) => (
        <g key={s.name} transform={`translate(${left + i * 120}, 17)`}>
          <rect width={9} height={9} fill={s.color} />
          <text x={12} y={8} fill="#333">{s.name} (n={s.values.length})</text>
        </g>
      ))}
      {[0, Math.round(ymax / 2), ymax].map((t) => (
        <g key={t}>
          <line x1={left} x2={width - right} y1={y(t)} y2={y(t)} stroke="#eee" />
          <text x={left - 4} y={y(t) + 3} textAnchor="end" fill="#666">{t}</text>
        </g>
      ))}
      {counts.map((c, si) =>
        c.map((v, k) =>
          v === 0 ? null : (
            <rect key={`${si}-${k}`} data-series={series[si].name} x={left + k * bw + bw * 0.05 + si * sw} y={y(v)} width={Math.max(0.8, sw - 0.4)} height={top + plotH - y(v)} fill={series[si].color} opacity={0.85}>
              <title>{`${series[si].name}: ${v} in [${fx(lo + (k * (hi - lo)) / nBins)}, ${fx(lo + ((k + 1) * (hi - lo)) / nBins)})`}</title>
            </rect>
          ),
        ),
      )}
      <line x1={left} x2={width - right} y1={top + plotH} y2={top + plotH} stroke="#888" />
      <text x={left} y={height - 8} fill="#666" data-axis="lo">{fx(lo)}</text>
      <text x={width - right} y={height - 8} textAnchor="end" fill="#666" data-axis="hi">{fx(hi)}</text>
      <text x={left + plotW / 2} y={height - 8} textAnchor="middle" fill="#666">{xLabel}</text>
    </svg>
  );
}
