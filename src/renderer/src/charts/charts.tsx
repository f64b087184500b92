// Small inline-SVG charts for the metrics and multiplicity panels. Styles are attributes (not CSS
// classes) so an exported SVG file looks the same outside the app.
import { forwardRef } from 'react';
import { fitLabels } from './labels';
import { textWidth } from './measure';

const FONT = 'system-ui, -apple-system, Segoe UI, sans-serif';

export interface BarSeries {
  name: string;
  color: string;
}

export interface BarGroup {
  label: string;
  /** One value per series (null: absent). */
  values: Array<number | null>;
}

/** Grouped vertical bars with values in 0..max (fractions shown as percentages when percent). */
export const GroupedBars = forwardRef<SVGSVGElement, { title: string; series: BarSeries[]; groups: BarGroup[]; max?: number; percent?: boolean; width?: number; height?: number; testid?: string }>(
  function GroupedBars({ title, series, groups, max, percent = true, width = 520, height = 220, testid }, ref) {
    const top = 34;
    const bottom = 44;
    const left = 38;
    const right = 8;
    const plotW = width - left - right;
    const plotH = height - top - bottom;
    const vmax = max ?? Math.max(1e-9, ...groups.flatMap((g) => g.values.map((v) => v ?? 0)));
    const gw = plotW / Math.max(1, groups.length);
    const bw = Math.max(2, (gw * 0.8) / Math.max(1, series.length));
    const y = (v: number) => top + plotH - (v / vmax) * plotH;
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => t * vmax);
    const fmt = (v: number) => (percent ? `${(v * 100).toFixed(0)}` : v >= 100 ? v.toFixed(0) : v.toPrecision(2));
    const labels = fitLabels(groups.map((g) => g.label), gw, textWidth);
    // Series keys side by side, each as wide as its name.
    const keyX: number[] = [];
    series.reduce((x, s) => (keyX.push(x), x + 12 + textWidth(s.name) + 14), left);
    return (
      <svg ref={ref} xmlns="http://www.w3.org/2000/svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid={testid} role="img" aria-label={title} fontFamily={FONT} fontSize={10}>
        <rect x={0} y={0} width={width} height={height} fill="#ffffff" />
        <text x={left} y={13} fontSize={12} fontWeight="bold" fill="#222">{title}</text>
        {series.map((s, i) => (
          <g key={s.name} transform={`translate(${keyX[i]}, 20)`}>
            <rect width={9} height={9} fill={s.color} />
            <text x={12} y={8} fill="#333">{s.name}</text>
          </g>
        ))}
        {ticks.map((t) => (
          <g key={t}>
            <line x1={left} x2={width - right} y1={y(t)} y2={y(t)} stroke="#e3e3e3" />
            <text x={left - 4} y={y(t) + 3} textAnchor="end" fill="#666">{fmt(t)}</text>
          </g>
        ))}
        {groups.map((g, gi) => (
          <g key={g.label + gi}>
            {g.values.map((v, si) =>
              v == null ? null : (
                <rect key={si} x={left + gi * gw + gw * 0.1 + si * bw} y={y(v)} width={bw - 1} height={Math.max(0, top + plotH - y(v))} fill={series[si].color}>
                  <title>{`${g.label} · ${series[si].name}: ${percent ? (v * 100).toFixed(1) + ' %' : v}`}</title>
                </rect>
              ),
            )}
            <text x={left + gi * gw + gw / 2} y={top + plotH + 13 + labels[gi].row * 12} textAnchor="middle" fill="#333" data-testid="chart-label">
              {labels[gi].text}
              {labels[gi].cut && <title>{labels[gi].full}</title>}
            </text>
          </g>
        ))}
        <line x1={left} x2={width - right} y1={top + plotH} y2={top + plotH} stroke="#888" />
        {percent && <text x={4} y={top - 4} fill="#666">%</text>}
      </svg>
    );
  },
);

export interface HistSeries {
  name: string;
  color: string;
  /** counts[v] = number of items with value v. */
  counts: number[];
}

/**
 * Overlaid histograms of small counts (value 0..max on x). Large ranges are binned so at most
 * ~40 bins show; bars of the series sit side by side within a bin.
 */
export function Histogram({ title, xLabel, series, width = 520, height = 200, testid, logY = false }: { title: string; xLabel: string; series: HistSeries[]; width?: number; height?: number; testid?: string; logY?: boolean }) {
  const top = 34;
  const bottom = 34;
  const left = 40;
  const right = 8;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const maxV = Math.max(0, ...series.map((s) => s.counts.length - 1));
  const binW = Math.max(1, Math.ceil((maxV + 1) / 40));
  const nBins = Math.floor(maxV / binW) + 1;
  const binned = series.map((s) => {
    const b = new Array<number>(nBins).fill(0);
    s.counts.forEach((c, v) => (b[Math.floor(v / binW)] += c));
    return b;
  });
  const ymax = Math.max(1, ...binned.flat());
  const bw = plotW / nBins;
  const sw = Math.max(1, (bw * 0.9) / Math.max(1, series.length));
  const f = (v: number) => (logY ? Math.log10(1 + v) : v);
  const y = (v: number) => top + plotH - (f(v) / f(ymax)) * plotH;
  const yTicks = logY ? [1, 10, 100, 1000, 10_000, 100_000, 1_000_000].filter((t) => t <= ymax) : [0, Math.round(ymax / 2), ymax];
  const labelEvery = Math.max(1, Math.ceil(nBins / 12));
  const keyX: number[] = [];
  series.reduce((x, s) => (keyX.push(x), x + 12 + textWidth(s.name) + 14), left);
  return (
    <svg xmlns="http://www.w3.org/2000/svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} data-testid={testid} role="img" aria-label={title} fontFamily={FONT} fontSize={10}>
      <rect x={0} y={0} width={width} height={height} fill="#ffffff" />
      <text x={left} y={13} fontSize={12} fontWeight="bold" fill="#222">{title}{logY ? ' (log count axis)' : ''}</text>
      {series.map((s, i) => (
        <g key={s.name} transform={`translate(${keyX[i]}, 20)`}>
          <rect width={9} height={9} fill={s.color} />
          <text x={12} y={8} fill="#333">{s.name}</text>
        </g>
      ))}
      {yTicks.map((t) => (
        <g key={t}>
          <line x1={left} x2={width - right} y1={y(t)} y2={y(t)} stroke="#eee" />
          <text x={left - 4} y={y(t) + 3} textAnchor="end" fill="#666">{t.toLocaleString()}</text>
        </g>
      ))}
      {binned.map((b, si) =>
        b.map((c, k) =>
          c === 0 ? null : (
            <rect key={`${si}-${k}`} data-series={series[si].name} x={left + k * bw + bw * 0.05 + si * sw} y={y(c)} width={Math.max(0.8, sw - 0.5)} height={top + plotH - y(c)} fill={series[si].color}>
              <title>{`${series[si].name}: ${c} with ${binW === 1 ? k : `${k * binW}–${k * binW + binW - 1}`}`}</title>
            </rect>
          ),
        ),
      )}
      <line x1={left} x2={width - right} y1={top + plotH} y2={top + plotH} stroke="#888" />
      {Array.from({ length: nBins }, (_, k) => k)
        .filter((k) => k % labelEvery === 0)
        .map((k) => (
          <text key={k} x={left + k * bw + bw / 2} y={top + plotH + 12} textAnchor="middle" fill="#555">{k * binW}</text>
        ))}
      <text x={left + plotW / 2} y={height - 4} textAnchor="middle" fill="#444">{xLabel}{binW > 1 ? ` (bins of ${binW})` : ''}</text>
    </svg>
  );
}
