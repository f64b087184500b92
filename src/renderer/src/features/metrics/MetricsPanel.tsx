// The Metrics tab: retrieval metrics of every space against annotated, verified (annotated plus
// reviewed positives and imports) and true positives, both directions, recomputed as reviews arrive;
// the Kendall τ of the spaces' ranking under R@1 versus mAP@R; a plot to export; positive imports.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useDebouncedSignal, useLens, useLensState, useSignal } from '../../store/react';
import { VerifiedCountsLine } from './VerifiedCounts';
import type { MetricsTableView, MetricsValues } from '../../../../shared/views/metrics';
import type { ImportResultView } from '../../../../shared/views/review';
import { GroupedBars } from '../../charts/charts';
import { downloadPng, downloadSvg } from '../../charts/export';
import { spaceNamer } from '../spaces/names';

type Ties = 'expected' | 'stable' | 'optimistic' | 'pessimistic';

const POS_ORDER = ['annotated', 'verified', 'truth'];
const POS_TEXT: Record<string, string> = { annotated: 'annotated', verified: 'verified', truth: 'true' };
const SERIES = [
  { name: 'R@1 i→t', color: '#2f6fd6' },
  { name: 'R@1 t→i', color: '#8fb3ee' },
  { name: 'mAP@R i→t', color: '#e0662a' },
  { name: 'mAP@R t→i', color: '#f2b08d' },
];

const pct = (v: number | null | undefined) => (v == null || Number.isNaN(v) ? '—' : (v * 100).toFixed(1));

export function MetricsPanel() {
  const store = useLens();
  const api = store.api;
  const session = useLensState((s) => s.session)!;
  const active = useLensState((s) => s.tab === 'metrics');
  const onNotice = store.notify;
  const onError = store.setError;
  const [ties, setTies] = useState<Ties>('expected');
  const [strict, setStrict] = useState(false);
  // null: the server's default (the test split where the dataset has one, as `mlens eval`).
  const [split, setSplit] = useState<string | null>(null);
  const [table, setTable] = useState<MetricsTableView | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [stamp, setStamp] = useState<{ at: string; ms: number } | null>(null);
  const [importPath, setImportPath] = useState('');
  const [importResult, setImportResult] = useState<ImportResultView | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const stale = useRef(true);
  const seq = useRef(0);
  const svgRef = useRef<SVGSVGElement>(null);

  const compute = useCallback(async () => {
    if (!session.spaces.length) return;
    const my = ++seq.current;
    setLoading(true);
    const t0 = performance.now();
    try {
      const t = await api.metrics.table({ ties, strict, ...(split ? { split } : {}) });
      if (my !== seq.current) return;
      setTable(t);
      setError(null);
      setVersion((v) => v + 1);
      setStamp({ at: new Date().toLocaleTimeString(), ms: performance.now() - t0 });
      stale.current = false;
    } catch (e) {
      if (my === seq.current) setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (my === seq.current) setLoading(false);
    }
  }, [api, ties, strict, split, session.spaces.length]);

  useEffect(() => {
    stale.current = true;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the table is recomputed (its loading flag set) when its inputs change while the panel is shown
    if (active) void compute();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs on the inputs and the dataset only; `active` and `compute` are left out so that showing the panel does not recompute a fresh table (the effect below does that when stale)
  }, [ties, strict, split, session.dataset?.hash, session.spaces.length]);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- another dataset has other splits: back to the server's default
    setSplit(null);
  }, [session.dataset?.hash]);

  useEffect(() => {
    if (active && stale.current) void compute();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs when the panel is shown; `compute` changes with the inputs, which the effect above handles
  }, [active]);

  // Reviews arrive (ours, an import, another window): stale, and recomputed once they stop while shown.
  useDebouncedSignal('reviews', 500, () => {
    if (active) void compute();
  });
  useSignal('reviews', () => {
    stale.current = true;
  });

  const doImport = async () => {
    setImportError(null);
    setImportResult(null);
    try {
      const r = await api.labels.importPositives({ path: importPath.trim() });
      setImportResult(r);
      onNotice(`Imported ${r.pairs} positive pairs from ${r.source}`);
      stale.current = true;
      void compute();
    } catch (e) {
      setImportError(e instanceof Error ? e.message : String(e));
    }
  };

  const exportChart = async (kind: 'svg' | 'png') => {
    const svg = svgRef.current;
    if (!svg) return;
    const name = `metrics-${table?.split ?? 'all'}-${ties}${strict ? '-strict' : ''}.${kind}`;
    try {
      if (kind === 'svg') downloadSvg(svg, name);
      else await downloadPng(svg, name);
      onNotice(`Exported ${name}`);
    } catch (e) {
      onError(e instanceof Error ? e.message : String(e));
    }
  };

  const rows = table ? [...table.rows].sort((a, b) => rank(a.positives) - rank(b.positives) || a.space.localeCompare(b.space)) : [];
  const multiSpace = new Set(rows.map((r) => r.space)).size > 1;
  const spaceName = spaceNamer(session.spaces);
  const hasPmrp = rows.some((r) => r.i2t.pmrp != null || r.t2i.pmrp != null);
  const annotatedOf = (space: string) => rows.find((r) => r.space === space && r.positives === 'annotated');

  const line = (v: MetricsValues, base: MetricsValues | undefined) => (
    <>
      <td>{pct(v.recall_at['1'])}</td>
      <td>{pct(v.recall_at['5'])}</td>
      <td>{pct(v.recall_at['10'])}</td>
      <td>{pct(v.r_precision)}</td>
      <td title={base ? `Δ vs annotated ${((v.map_at_r - base.map_at_r) * 100).toFixed(2)} points` : undefined}>{pct(v.map_at_r)}</td>
      {hasPmrp && <td>{pct(v.pmrp)}</td>}
      <td className="muted" title="queries evaluated / skipped (no positives)">{v.queries.evaluated}{v.queries.skipped_empty ? ` (−${v.queries.skipped_empty})` : ''}</td>
    </>
  );

  return (
    <div className="metrics" data-testid="metrics-panel">
      <section className="panel">
        <h2>Retrieval metrics</h2>
        <div className="row">
          <label>ties{' '}
            <select data-testid="ties-select" value={ties} onChange={(e) => setTies(e.target.value as Ties)} title="How tied scores are ranked (docs/metrics.md)">
              <option value="expected">expected (average over orders)</option>
              <option value="stable">stable (gallery order)</option>
              <option value="optimistic">optimistic (positives first)</option>
              <option value="pessimistic">pessimistic (positives last)</option>
            </select>
          </label>
          <label title="Queries and galleries come from this split only (like mlens eval); positives with one side outside it are left out">split{' '}
            <select data-testid="split-select" value={split ?? table?.split ?? ''} onChange={(e) => setSplit(e.target.value)} disabled={!table}>
              {!table && <option value="">…</option>}
              {(table?.splits ?? []).map((x) => (
                <option key={x.name} value={x.name}>{x.name === 'all' ? 'all items' : x.derived ? `${x.name}, derived` : x.name} ({x.images.toLocaleString('en-US')} images, {x.captions.toLocaleString('en-US')} captions)</option>
              ))}
            </select>
          </label>
          <label title="Verified positives: label 1 only (ECCV strict_pos) instead of 1 or 2"><input type="checkbox" checked={strict} onChange={(e) => setStrict(e.target.checked)} /> strict (1 only)</label>
          <button type="button" onClick={() => void compute()} disabled={loading}>Recompute</button>
          <span className="muted" data-testid="metrics-updated" data-version={version}>{loading ? 'computing…' : stamp ? `updated ${stamp.at} (${stamp.ms.toFixed(0)} ms)` : ''}</span>
        </div>
        {!session.spaces.length && <p className="muted">Metrics need embeddings (a space).</p>}
        {error && <p className="bad" data-testid="metrics-error">{error}</p>}
        {rows.length > 0 && (
          <div className="table-scroll">
            <table className="grid-table metrics-table" data-testid="metrics-table">
              <thead>
                <tr>
                  {multiSpace && <th>space</th>}
                  <th>positives</th><th>dir</th><th>R@1</th><th>R@5</th><th>R@10</th><th>R-P</th><th>mAP@R</th>{hasPmrp && <th>PMRP</th>}<th>queries</th>
                </tr>
              </thead>
              <tbody>
                {rows.flatMap((r) => {
                  const base = r.positives === 'annotated' ? undefined : annotatedOf(r.space);
                  return (['i2t', 't2i'] as const).map((dir) => (
                    <tr key={`${r.space}-${r.positives}-${dir}`} data-testid="metrics-row" data-space={r.space} data-positives={r.positives} data-dir={dir} className={dir === 'i2t' ? 'first' : ''}>
                      {multiSpace && <td title={r.space}>{dir === 'i2t' ? spaceName(r.space) : ''}</td>}
                      <td>{dir === 'i2t' ? POS_TEXT[r.positives] ?? r.positives : ''}</td>
                      <td className="muted">{dir === 'i2t' ? 'i→t' : 't→i'}</td>
                      {line(r[dir], base?.[dir])}
                    </tr>
                  ));
                })}
              </tbody>
            </table>
          </div>
        )}
        {table && (
          <p className="muted small" data-testid="metrics-split" data-split={table.split} data-derived={table.splitDerived ? 'true' : undefined}>
            {table.split === 'all'
              ? `Evaluated on every item (no test split, or “all items” chosen): heads trained on this dataset have seen some of these queries.${table.splitDescription && table.splitDescription !== 'all items' ? ` The split: ${table.splitDescription}.` : ''}`
              : table.splitDerived
                ? `Evaluated on the split ${table.splitDescription} only, the split by image that the built-in encoder and the heads follow: its images are the gallery for its captions and the other way round.`
                : `Evaluated on the ${table.split} split only: its images are the gallery for its captions and the other way round.`}
            {table.split !== 'all' && Object.values(table.droppedOutside).some((n) => n > 0) && ` Positives with one side outside it are left out (verified: ${(table.droppedOutside.verified ?? 0).toLocaleString('en-US')}); reviews in other splits change this table only under “all items”.`}
          </p>
        )}
        {table && <VerifiedCountsLine counts={table.verified} />}
        {table && (
          <p className="tau" data-testid="rank-correlation">
            Kendall τ of the spaces’ order under R@1 vs mAP@R (mean of both directions):{' '}
            {Object.entries(table.rankCorrelation).map(([k, v], i) => (
              <span key={k}>{i ? ' · ' : ''}{POS_TEXT[k] ?? k}: <strong>{v == null ? '—' : v.toFixed(2)}</strong></span>
            ))}
            {Object.values(table.rankCorrelation).every((v) => v == null) && <span className="muted"> (needs two or more spaces)</span>}
          </p>
        )}
        <p className="muted small">Values in %. R-P: R-Precision; mAP@R as in Musgrave et al.; verified = annotated ∪ every label that says valid (false-negative flags, reviews 1–2, imported positives), minus pairs flagged as wrong annotations, invalid items dropped. Hover mAP@R for the change against annotated.</p>
      </section>
      {rows.length > 0 && (
        <section className="panel">
          <GroupedBars
            ref={svgRef}
            testid="metrics-plot"
            title={`R@1 vs mAP@R by positive set (${table?.split === 'all' ? 'all items' : `${table?.splitDerived ? 'derived ' : ''}${table?.split} split`}; ties: ${ties}${strict ? ', strict' : ''})`}
            series={SERIES}
            groups={rows.map((r) => ({ label: multiSpace ? `${spaceName(r.space)} · ${POS_TEXT[r.positives] ?? r.positives}` : POS_TEXT[r.positives] ?? r.positives, values: [r.i2t.recall_at['1'], r.t2i.recall_at['1'], r.i2t.map_at_r, r.t2i.map_at_r] }))}
            max={1}
            width={Math.max(380, Math.min(640, 140 * rows.length + 80))}
          />
          <div className="row">
            <button type="button" data-testid="export-svg" onClick={() => void exportChart('svg')}>Export SVG</button>
            <button type="button" data-testid="export-png" onClick={() => void exportChart('png')}>Export PNG</button>
          </div>
        </section>
      )}
      <section className="panel">
        <h2>Import positives</h2>
        <p className="muted small">ECCV Caption JSON, CxC CSV (score ≥ 3) or positives.jsonl; the pairs join the verified set (a re-import of the same file name replaces it).</p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (importPath.trim()) void doImport();
          }}
        >
          <input data-testid="import-path" aria-label="positives file path" placeholder="/path/to/eccv.json | cxc.csv | positives.jsonl" value={importPath} onChange={(e) => setImportPath(e.target.value)} style={{ flex: 1, minWidth: 200 }} />
          <button type="submit" data-testid="import-button" disabled={!importPath.trim() || !session.dataset}>Import</button>
        </form>
        {importError && <p className="bad" role="alert" data-testid="import-error">{importError}</p>}
        {importResult && (
          <div data-testid="import-result">
            {importResult.pairs.toLocaleString()} positive pairs from <code>{importResult.source}</code>
            {importResult.skipped > 0 && <> · {importResult.skipped} references matched no item</>}
            {importResult.problems.length > 0 && (
              <ul className="small">
                {importResult.problems.map((p, i) => (
                  <li key={i}>{p}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </section>
    </div>
  );
}

function rank(p: string): number {
  const i = POS_ORDER.indexOf(p);
  return i < 0 ? POS_ORDER.length : i;
}
