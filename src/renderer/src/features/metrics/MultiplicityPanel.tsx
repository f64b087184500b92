// The Multiplicity tab: how many valid partners items have (annotated vs verified vs true), how
// precise each space's candidates are, and how many false negatives are still unfound
// (Chapman capture–recapture over two spaces' candidate sets; a lower bound, SCIENCE 4.2 step 8).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useDebouncedSignal, useLens, useLensState, useSignal } from '../../store/react';
import type { Histogram as Hist, MultiplicityView, PrecisionRow } from '../../../../shared/views/metrics';
import { Histogram, type HistSeries } from '../../charts/charts';
import { spaceNamer } from '../spaces/names';

const COLORS = { annotated: '#9aa0a6', verified: '#2f6fd6', true: '#1c9b4a' };
const pct = (v: number | null) => (v == null ? '—' : `${(v * 100).toFixed(1)} %`);

function series(h: { annotated: Hist; verified: Hist; true: Hist | null }): HistSeries[] {
  const out: HistSeries[] = [
    { name: 'annotated', color: COLORS.annotated, counts: h.annotated.counts },
    { name: 'verified', color: COLORS.verified, counts: h.verified.counts },
  ];
  if (h.true) out.push({ name: 'true', color: COLORS.true, counts: h.true.counts });
  return out;
}

function Stats({ h }: { h: { annotated: Hist; verified: Hist; true: Hist | null } }) {
  const rows: Array<[string, Hist | null]> = [['annotated', h.annotated], ['verified', h.verified], ['true', h.true]];
  return (
    <table className="grid-table small">
      <thead>
        <tr><th /><th>mean</th><th>median</th><th>max</th><th>n</th></tr>
      </thead>
      <tbody>
        {rows.filter(([, x]) => x).map(([name, x]) => (
          <tr key={name} data-testid={`mult-stat-${name}`}>
            <th>{name}</th><td>{x!.mean.toFixed(3)}</td><td>{x!.median}</td><td>{x!.max}</td><td>{x!.n.toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PrecisionTable({ rows, first, testid }: { rows: Array<PrecisionRow & { key: string; label?: string }>; first: string; testid: string }) {
  return (
    <table className="grid-table" data-testid={testid}>
      <thead>
        <tr><th>{first}</th><th>candidates</th><th>reviewed</th><th>confirmed</th><th title="confirmed / reviewed">precision</th><th title="candidates valid per truth.jsonl">vs truth</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th title={r.label && r.label !== r.key ? r.key : undefined}>{r.label ?? r.key}</th><td>{r.candidates.toLocaleString()}</td><td>{r.reviewed.toLocaleString()}</td><td>{r.confirmed.toLocaleString()}</td><td>{pct(r.precision)}</td><td>{pct(r.truthPrecision)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MultiplicityPanel() {
  const api = useLens().api;
  const session = useLensState((s) => s.session)!;
  const active = useLensState((s) => s.tab === 'multiplicity');
  const spaceName = spaceNamer(session.spaces);
  const [view, setView] = useState<MultiplicityView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [logY, setLogY] = useState(true);
  const stale = useRef(true);
  const seq = useRef(0);

  const compute = useCallback(async () => {
    const my = ++seq.current;
    try {
      const v = await api.metrics.multiplicity();
      if (my !== seq.current) return;
      setView(v);
      setError(null);
      stale.current = false;
    } catch (e) {
      if (my === seq.current) setError(e instanceof Error ? e.message : String(e));
    }
  }, [api]);

  useEffect(() => {
    stale.current = true;
    if (!active) return;
    const t = setTimeout(() => void compute(), 0);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs per dataset only; `active` and `compute` are left out because showing the panel is handled by the effect below, which recomputes only when stale
  }, [session.dataset?.hash]);

  // Reviews and mining runs change the counts: stale, and recomputed once they stop while shown.
  useSignal(['reviews', 'mining', 'refit'], () => {
    stale.current = true;
  });
  useDebouncedSignal(['reviews', 'mining', 'refit'], 500, () => {
    if (active) void compute();
  });

  useEffect(() => {
    if (active && stale.current) void compute();
  }, [active, compute]);

  if (!session.dataset) return null;
  return (
    <div className="multiplicity" data-testid="multiplicity-panel">
      {error && <section className="panel bad">{error}</section>}
      {view && (
        <>
          <section className="panel">
            <h2>
              Valid images per caption{' '}
              <label className="muted small"><input type="checkbox" checked={logY} onChange={(e) => setLogY(e.target.checked)} /> log count axis</label>
            </h2>
            <Histogram testid="hist-images-per-caption" title="images per caption" xLabel="valid images of a caption" series={series(view.imagesPerCaption)} logY={logY} />
            <Stats h={view.imagesPerCaption} />
          </section>
          <section className="panel">
            <h2>Valid captions per image</h2>
            <Histogram testid="hist-captions-per-image" title="captions per image" xLabel="valid captions of an image" series={series(view.captionsPerImage)} logY={logY} />
            <Stats h={view.captionsPerImage} />
          </section>
          <section className="panel">
            <h2>Candidate precision</h2>
            {view.perSpace.length === 0 ? (
              <p className="muted">No candidates yet: mine in the Review tab.</p>
            ) : (
              <>
                <PrecisionTable testid="precision-per-space" first="space" rows={view.perSpace.map((r) => ({ ...r, key: r.space, label: spaceName(r.space) }))} />
                <h3>By agreement (spaces that proposed the pair)</h3>
                <PrecisionTable testid="precision-by-agreement" first="agree" rows={view.byAgreement.filter((r) => r.candidates > 0).map((r) => ({ ...r, key: String(r.agreement) }))} />
              </>
            )}
          </section>
          <section className="panel" data-testid="capture-recapture">
            <h2>False negatives still unfound</h2>
            {view.captureRecapture.length === 0 ? (
              <p className="muted">The Chapman estimate needs two or more mined spaces and fully reviewed queries: N̂ = (n₁+1)(n₂+1)/(m+1) − 1 over the confirmed pairs each space proposed.</p>
            ) : (
              <table className="grid-table">
                <thead>
                  <tr><th>spaces</th><th title="fully reviewed queries the estimate uses">queries</th><th title="Chapman N̂ of valid unannotated pairs in those queries">N̂</th><th title="unfound, extrapolated to all queries">still unfound</th>{view.captureRecapture.some((c) => c.trueTotal != null) && <><th>true</th><th>bias</th></>}</tr>
                </thead>
                <tbody>
                  {view.captureRecapture.map((c) => (
                    <tr key={c.spaceIds.join('|')}>
                      <th>{c.spaceIds.map(spaceName).join(' × ')}</th><td>{c.queries}</td><td>{c.estimate.toFixed(1)}</td><td>{c.remainingExtrapolated.toFixed(0)}</td>
                      {c.trueTotal != null && <><td>{c.trueTotal}</td><td>{c.bias == null ? '—' : c.bias.toFixed(1)}</td></>}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p className="muted small">Spaces make correlated errors, so the estimate is a lower bound.</p>
          </section>
        </>
      )}
      {!view && !error && <section className="panel muted">computing…</section>}
    </div>
  );
}
