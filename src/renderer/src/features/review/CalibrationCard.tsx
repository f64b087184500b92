// Is p̂ a probability? The reliability diagram and ECE of mining's p̂ on the user's own reviews
// (cross-validated), and, until it is calibrated, why the grid shows ranks instead.
import type { CalibrationView } from '../../../../shared/views/review';
import { SCIENCE_RUNS } from '../../../../shared/science_findings';
import { targetSummary } from '../../../../shared/science_findings_types';

/** What mining's calibration reached on worlds with known truth (generated from the science JSON). */
function ProtocolTargets() {
  return (
    <div className="muted" data-testid="calibration-protocol">
      On worlds with known truth (built-in baseline encoder, 200 simulated reviews, seeds no setting was chosen on; docs/science.md): ECE ≤ 0.10 {targetSummary(SCIENCE_RUNS, 'ece')}. Precision of the top 1,000 ≥ 0.6 {targetSummary(SCIENCE_RUNS, 'precision_top_1000')}.
    </div>
  );
}

const W = 180;
const H = 120;
const PAD = 18;

export function CalibrationCard({ cal }: { cal: CalibrationView | null }) {
  if (!cal) {
    return (
      <div className="calibration muted small" data-testid="calibration-card" data-calibrated="false">
        p̂ is shown as a rank: it is not checked against your decisions until the classifier is refitted on 50 reviewed pairs.
        <ProtocolTargets />
      </div>
    );
  }
  const x = (p: number): number => PAD + p * (W - PAD - 4);
  const y = (p: number): number => H - PAD - p * (H - PAD - 4);
  const maxN = Math.max(1, ...cal.bins.map((b) => b.n));
  return (
    <div className="calibration small" data-testid="calibration-card" data-calibrated={cal.calibrated ? 'true' : 'false'}>
      <svg width={W} height={H} role="img" aria-label="reliability diagram of p̂ on the reviewed pairs" data-testid="reliability-diagram">
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} className="diag" stroke="#999" strokeDasharray="3 3" />
        <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(0)} stroke="#666" />
        <line x1={x(0)} y1={y(0)} x2={x(0)} y2={y(1)} stroke="#666" />
        {cal.bins.map((b) =>
          b.n ? (
            <g key={b.lo} data-testid="reliability-bin">
              <title>{`p̂ ${b.lo.toFixed(1)}–${b.hi.toFixed(1)}: ${b.n} pairs, mean p̂ ${b.meanP.toFixed(2)}, valid ${(b.observed * 100).toFixed(0)} %`}</title>
              <rect x={x(b.lo) + 1} y={y(b.observed)} width={x(b.hi) - x(b.lo) - 2} height={y(0) - y(b.observed)} fill="#4a7bd0" fillOpacity={0.25 + (0.6 * b.n) / maxN} />
              <circle cx={x(b.meanP)} cy={y(b.observed)} r={2.5} fill="#d0602a" />
            </g>
          ) : null,
        )}
        {[0, 0.5, 1].map((t) => (
          <g key={t} fontSize="8" fill="#666">
            <text x={x(t)} y={y(0) + 9} textAnchor="middle">{t}</text>
            <text x={x(0) - 2} y={y(t) + 3} textAnchor="end">{t}</text>
          </g>
        ))}
        <text x={x(0.5)} y={H - 1} textAnchor="middle" fontSize="9">p̂</text>
        <text x={4} y={y(0.5)} fontSize="9" transform={`rotate(-90 8 ${y(0.5)})`} textAnchor="middle">valid share</text>
      </svg>
      <div>
        ECE <strong data-testid="calibration-ece">{cal.ece.toFixed(3)}</strong> on {cal.reviewed} reviewed pairs (cross-validated; {cal.eceRaw.toFixed(3)} before the isotonic correction)
      </div>
      {cal.coverage != null ? (
        <div data-testid="calibration-coverage">
          Your reviews speak for {(cal.coverage * 100).toFixed(0)} % of the unreviewed candidates (their p̂ falls where ≥ 10 pairs were reviewed)
          {cal.ecePopulation != null && Number.isFinite(cal.ecePopulation) ? <>; weighted like them, ECE {cal.ecePopulation.toFixed(3)}</> : null}
          {cal.calibrated && cal.minCoverage != null && cal.coverage < cal.minCoverage && cal.eceChecks != null ? <> (under {(cal.minCoverage * 100).toFixed(0)} %: the calibration checks below vouch for the rest)</> : null}.
        </div>
      ) : null}
      <div data-testid="calibration-checks">
        {cal.eceChecks != null
          ? <>On the {cal.checks} calibration checks you reviewed (pairs drawn at random from every candidate, so they stand for the rest), ECE {cal.eceChecks.toFixed(3)}.</>
          : <>{cal.checks ?? 0} of the {cal.minChecks ?? 50} calibration checks (random candidates, marked K in the queue) needed to vouch for the unreviewed pairs directly.</>}
      </div>
      <div className={cal.calibrated ? '' : 'warn'} data-testid="calibration-status">
        {cal.calibrated ? `p̂ is shown as a probability: ECE ≤ ${cal.maxEce} with ≥ ${cal.minReviews} reviews.` : `p̂ is shown as a rank: ${cal.reason}.`}
      </div>
      <ProtocolTargets />
    </div>
  );
}
