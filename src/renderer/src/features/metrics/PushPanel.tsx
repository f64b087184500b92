// How hard training pushes the selected pair apart (SCIENCE 4.3): InfoNCE beside pairwise BCE.
import type { PairPushView } from '../../../../shared/views/metrics';

import type { PushParams } from '../../store/state';
import { useLens, useLensState } from '../../store/react';

export type { PushParams };

const sci = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(4) : v.toExponential(2));
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

export function PushPanel({ pair, push, error, params, onParams, onClose, compact }: {
  pair: { image: number; caption: number };
  push: PairPushView | null;
  error: string | null;
  params: PushParams;
  onParams: (p: PushParams) => void;
  onClose?: () => void;
  compact?: boolean;
}) {
  const current = push && push.image === pair.image && push.caption === pair.caption ? push : null;
  if (compact) {
    return (
      <div className="push-compact muted" data-testid="push-compact" title="How hard training pushes this pair apart (details in Inspect)">
        {current ? (
          <>push: InfoNCE E[F] {sci(current.infoNce.expectedForce)} · share {pct(current.infoNce.pushShareRow)} · grad. error {pct(current.infoNce.gradientErrorRow)} · BCE {current.bce.push.toFixed(3)}</>
        ) : error ? (
          <span className="bad">{error}</span>
        ) : (
          'push: …'
        )}
      </div>
    );
  }
  return (
    <section className="panel push" data-testid="push-panel">
      <h2>
        Push on image #{pair.image} × caption #{pair.caption}
        {onClose && (
          <button type="button" className="x" aria-label="close push panel" onClick={onClose}>×</button>
        )}
      </h2>
      <div className="row">
        <label>τ <input type="number" step="0.01" min="0.001" max="10" value={params.temperature} aria-label="temperature" onChange={(e) => Number(e.target.value) > 0 && onParams({ ...params, temperature: Number(e.target.value) })} style={{ width: 64 }} /></label>
        <label>batch B <input type="number" min="2" step="1" value={params.batchSize} aria-label="batch size" onChange={(e) => Number(e.target.value) >= 2 && onParams({ ...params, batchSize: Math.round(Number(e.target.value)) })} style={{ width: 70 }} /></label>
      </div>
      {error && <p className="bad">{error}</p>}
      {!current && !error && <p className="muted">computing…</p>}
      {current && (
        <>
          <p className="muted">
            cos {current.cos.toFixed(3)} · |V| from {current.validFrom === 'truth' ? 'truth.jsonl' : 'annotated ∪ verified'} · P(co-batched) {pct(current.infoNce.coBatchProbability)}
          </p>
          <table className="kv push-table">
            <thead>
              <tr><th /><th>value</th><th>what it means</th></tr>
            </thead>
            <tbody>
              <tr><th colSpan={3} className="group">InfoNCE (CLIP)</th></tr>
              <tr data-testid="push-expected"><th>expected force E[F]</th><td>{sci(current.infoNce.expectedForce)}</td><td>per training step, averaged over batches: how hard the logit of this valid pair is lowered</td></tr>
              <tr><th>force when co-batched</th><td>{sci(current.infoNce.conditionalForce)}</td><td>(p̃ row + p̃ column)/2B when both items are in the same batch</td></tr>
              <tr data-testid="push-share"><th>push share (row / col)</th><td>{pct(current.infoNce.pushShareRow)} / {pct(current.infoNce.pushShareCol)}</td><td>share of the image’s (caption’s) whole repulsion spent on this valid pair = pull budget wasted</td></tr>
              <tr data-testid="push-error"><th>gradient error (row / col)</th><td>{pct(current.infoNce.gradientErrorRow)} / {pct(current.infoNce.gradientErrorCol)}</td><td>erroneous push 1/E|V∩B| versus the multi-positive target, for the batch size above</td></tr>
              <tr><th colSpan={3} className="group">Pairwise BCE (PCME++, SigLIP)</th></tr>
              <tr data-testid="push-bce"><th>push σ(logit)</th><td>{current.bce.push.toFixed(4)}</td><td>independent of B and of other items (logit {current.bce.logit.toFixed(2)}, CSD {current.bce.csd.toFixed(3)})</td></tr>
              <tr><th>with pseudo-positives</th><td>{current.bce.ppPush.toFixed(4)}</td><td>PCME++ PP: (1+α)σ − α when the pair outranks the annotated one; negative = a pull</td></tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The push of the selected pair, from the store (Inspect shows it in full, Review compactly). */
export function PairPush({ pair, compact, onClose }: { pair: { image: number; caption: number }; compact?: boolean; onClose?: () => void }) {
  const store = useLens();
  const push = useLensState((s) => s.push);
  const error = useLensState((s) => s.pushError);
  const params = useLensState((s) => s.pushParams);
  return <PushPanel pair={pair} push={push} error={error} params={params} onParams={(pushParams) => store.set({ pushParams })} onClose={onClose} compact={compact} />;
}
