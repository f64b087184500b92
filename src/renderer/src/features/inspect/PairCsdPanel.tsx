// The exact high-dimensional CSD and match probability of a pair in a probabilistic space.
import type { PairCsdView } from '../../../../shared/views/heads';

const f = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(4) : v.toExponential(2));

export function PairCsdPanel({ pair, csd, onClose }: { pair: { image: number; caption: number }; csd: PairCsdView | null; onClose: () => void }) {
  return (
    <section className="panel" data-testid="pair-csd">
      <h2>
        CSD · image #{pair.image} × caption #{pair.caption}{' '}
        <button type="button" className="x" aria-label="close" onClick={onClose}>×</button>
      </h2>
      {!csd ? <p className="muted">Computing…</p> : (
        <>
          <div className="formula">CSD = ‖μ<sub>v</sub> − μ<sub>t</sub>‖² + Σσ²<sub>v</sub> + Σσ²<sub>t</sub></div>
          <div className="formula" data-testid="pair-csd-values">
            = {f(csd.meanDistance2)} + {f(csd.imageTrace)} + {f(csd.textTrace)} = <strong>{f(csd.csd)}</strong>
          </div>
          <div>
            match probability p = sigmoid(−a·CSD + b) = <strong data-testid="pair-csd-p">{csd.probability.toFixed(4)}</strong>{' '}
            <span className="muted small">(a = {csd.a.toFixed(3)}, b = {csd.b.toFixed(3)}; cosine of means {csd.cosine.toFixed(3)})</span>
          </div>
          <p className="muted small">Exact, in the full D-dimensional space; the map only approximates it as s²·CSD ≈ ‖y<sub>v</sub> − y<sub>t</sub>‖² + ρ<sub>v</sub>² + ρ<sub>t</sub>².</p>
        </>
      )}
    </section>
  );
}
