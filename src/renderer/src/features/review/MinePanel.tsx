// Mining false-negative candidates: which spaces take part, the run (a job with progress in the
// job bar), and the last run's summary with precision and recall against truth when there is one.
import { useState } from 'react';
import type { ClusterSummary } from '../../../../shared/views/review';
import { newJobId } from '../../jobs';
import { useLens, useLensState } from '../../store/react';
import { spaceNamer } from '../spaces/names';
import { defaultMiningSpaceIds, sharesParentMeans } from '../../../../shared/mining_spaces';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

export function MinePanel({ queue, queueLoaded, queueLimit, reviewer }: { queue: ClusterSummary[]; queueLoaded: boolean; queueLimit: number; reviewer: string }) {
  const store = useLens();
  const session = useLensState((s) => s.session)!;
  const mineSummary = useLensState((s) => s.mineSummary);
  const decisions = useLensState((s) => s.decisions);
  const [spaces, setSpaces] = useState<string[] | null>(null);
  const [mining, setMining] = useState(false);
  const [multiplicityPrior, setMultiplicityPrior] = useState<'auto' | 'on' | 'off'>('auto');
  const [accepting, setAccepting] = useState(false);
  const [accepted, setAccepted] = useState<string | null>(null);
  const sessionSpaces = session.spaces;
  // Until the user ticks a box, the boxes show what a run mines by default (the oracle left out).
  const chosen = spaces ?? defaultMiningSpaceIds(sessionSpaces);
  // Residual-variance heads whose parent is ticked: they keep its means (a note says what ticking them does).
  const residualsBeside = sessionSpaces.filter((s) => sharesParentMeans(s) && chosen.includes(s.parent));

  const mine = async () => {
    setMining(true);
    try {
      const ids = spaces ?? undefined;
      const s = await store.api.mining.run({ jobId: newJobId('mining'), ...(ids && ids.length ? { spaceIds: ids } : {}), multiplicityPrior: multiplicityPrior === 'auto' ? 'auto' : multiplicityPrior === 'on' });
      store.set({ mineSummary: s });
      setAccepted(null);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/cancel/i.test(msg)) store.notify('Mining cancelled');
      else store.setError(msg);
    } finally {
      setMining(false);
    }
  };

  // Same-text pairs are valid by the annotation: one click flags them all (one batch, one undo).
  const acceptSameText = async () => {
    setAccepting(true);
    try {
      const r = await store.api.review.acceptSameText(reviewer.trim() ? { who: reviewer.trim() } : {});
      setAccepted(r.message);
      store.notify(r.message);
    } catch (e) {
      store.setError(e instanceof Error ? e.message : String(e));
    } finally {
      setAccepting(false);
    }
  };

  // The same button after a run and on a reopened project's stored queue.
  const acceptButton = (
    <>
      <button
        type="button"
        data-testid="accept-same-text"
        disabled={accepting}
        onClick={() => void acceptSameText()}
        title="Flag every same-text candidate as a false negative (valid, unannotated) in one batch; pairs already labelled, and pairs whose annotated twin is judged wrong, are left alone. Undo (u in the review grid) takes the batch back."
      >
        {accepting ? 'accepting…' : 'accept them as valid'}
      </button>
      {accepted && <span data-testid="accept-same-text-result"> {accepted}</span>}
    </>
  );

  return (
    <section className="panel">
      <h2>Mine false-negative candidates</h2>
      {sessionSpaces.length > 1 && (
        <div className="row" data-testid="mine-spaces">
          spaces:
          {sessionSpaces.map((s) => (
            <label key={s.id} title={`${s.encoder}, ${s.dims}-d`}>
              <input
                type="checkbox"
                checked={chosen.includes(s.id)}
                data-space-id={s.id}
                onChange={(e) => setSpaces(e.target.checked ? [...chosen, s.id] : chosen.filter((x) => x !== s.id))}
              />{' '}
              {s.name}
            </label>
          ))}
        </div>
      )}
      <div className="row">
        <button type="button" data-testid="mine-button" disabled={mining || !sessionSpaces.length || !chosen.length} onClick={() => void mine()} title="Candidates from every selected space: ranks both ways, z-scores, agreement, RRF, margin, transitivity, prior p̂; clustered into review units">
          {mining ? 'Mining…' : queue.length ? 'Mine again' : 'Mine candidates'}
        </button>
        <label title="Before any review, weigh each pair by how many images its caption fits (its effective partners): a caption is annotated with one of its valid images, so a very generic caption's valid pairs are rarely the annotated one. It helps where captions range from very generic to very specific (the digits world) and hurts where the space ranks captions' multiplicity poorly (the sample worlds at 1,000 images). Auto weighs it only where the captions' text and the space agree on which captions are generic (docs/science.md).">
          weigh p̂ by caption multiplicity{' '}
          <select data-testid="mine-multiplicity-prior" value={multiplicityPrior} onChange={(e) => setMultiplicityPrior(e.target.value as 'auto' | 'on' | 'off')}>
            <option value="auto">auto (where text and space agree)</option>
            <option value="on">on</option>
            <option value="off">off</option>
          </select>
        </label>
        {!sessionSpaces.length && <span className="muted">needs embeddings (a space)</span>}
        {sessionSpaces.length > 0 && !chosen.length && <span className="muted" data-testid="mine-no-space">tick at least one space</span>}
        {chosen.some((id) => sessionSpaces.find((x) => x.id === id)?.fromTruth) && (
          <span className="muted" data-testid="mine-oracle-note">
            a ticked space is built from the truth (the oracle, or a head on it): its candidates are an upper bound, not what an encoder finds
            {sessionSpaces.every((x) => x.fromTruth) ? '; encode with the built-in encoder (Spaces tab) to mine what an encoder finds' : ''}
          </span>
        )}
        {residualsBeside.length > 0 && (
          <span className="muted" data-testid="mine-residual-note">
            {residualsBeside.some((s) => chosen.includes(s.id))
              ? 'a ticked residual-variance head keeps its ticked parent\'s means: a pair both propose counts as two spaces agreeing'
              : 'a residual-variance head keeps its parent\'s means: mined only when ticked, so that its pairs do not count as a second space agreeing'}
          </span>
        )}
        {decisions != null && <span className="muted" data-testid="decision-count">{decisions.toLocaleString()} decisions recorded</span>}
      </div>
      {mineSummary && (
        <div data-testid="mine-summary" className="mine-summary">
          <div>
            <strong data-testid="mine-candidates">{mineSummary.candidates.toLocaleString()}</strong> candidates in <strong data-testid="mine-units">{mineSummary.clusters.toLocaleString()}</strong> units from {mineSummary.spaces.map(spaceNamer(sessionSpaces)).join(', ')} · {mineSummary.seconds.toFixed(1)} s
          </div>
          {mineSummary.prior && mineSummary.prior !== 'platt' && (
            <div className="muted small" data-testid="mine-prior" data-prior={mineSummary.prior}>
              {mineSummary.prior === 'pu-multiplicity'
                ? "Before any review, p̂ ranks pairs by how much they look like annotated pairs, weighted by how many images the caption fits (its effective partners): a caption is annotated with one of its valid images, so a generic caption's valid pairs are rarely the annotated one."
                : 'Before any review, p̂ ranks pairs by how much they look like annotated pairs, as if every valid pair had the same chance of being the annotated one.'}
              {mineSummary.multiplicity && (
                <span data-testid="mine-multiplicity" data-applied={String(mineSummary.multiplicity.applied)} data-mode={mineSummary.multiplicity.mode}>
                  {' '}
                  {mineSummary.multiplicity.mode === 'auto' ? `Auto: ${mineSummary.multiplicity.reason}.` : `Multiplicity weighting ${mineSummary.multiplicity.mode === 'on' ? 'asked for' : 'turned off'}.`}
                </span>
              )}
            </div>
          )}
          {mineSummary.sameText && mineSummary.sameText.pairs > 0 && (
            <div className="muted small" data-testid="mine-same-text" data-pairs={mineSummary.sameText.pairs}>
              {`${mineSummary.sameText.pairs.toLocaleString()} candidates (${(100 * mineSummary.sameText.share).toFixed(1)} %) read exactly like a caption annotated on their image, so they are valid by the annotation itself (where that annotation is right); they make ${(100 * mineSummary.sameText.topShare).toFixed(1)} % of the first ${mineSummary.sameText.top.toLocaleString()} by p̂. The review queue leaves them out (calibration checks may still show some). `}
              {acceptButton}
            </div>
          )}
          {mineSummary.precisionRecall && (
            <table className="grid-table" data-testid="mine-pr">
              <thead>
                <tr><th>review budget (pairs)</th>{Object.keys(mineSummary.precisionRecall).map((b) => <th key={b}>{Number(b).toLocaleString()}</th>)}</tr>
              </thead>
              <tbody>
                <tr><th>precision vs truth</th>{Object.values(mineSummary.precisionRecall).map((v, i) => <td key={i}>{pct(v.precision)}</td>)}</tr>
                <tr><th title="True unannotated pairs whose image and caption share a split: the pairs mining can propose">recall of {mineSummary.trueUnannotated?.toLocaleString() ?? '?'} true unannotated (within splits)</th>{Object.values(mineSummary.precisionRecall).map((v, i) => <td key={i}>{pct(v.recall)}</td>)}</tr>
                <tr><th>pairs taken</th>{Object.values(mineSummary.precisionRecall).map((v, i) => <td key={i}>{v.taken.toLocaleString()}</td>)}</tr>
                {mineSummary.precisionRecallNeedingReview && (
                  <tr data-testid="mine-pr-needing-review" title="The same budgets in p̂'s order with the same-text candidates left out: what a reviewer judges once they are accepted">
                    <th>precision, same-text pairs left out</th>
                    {Object.keys(mineSummary.precisionRecall).map((b) => <td key={b}>{mineSummary.precisionRecallNeedingReview![b] ? pct(mineSummary.precisionRecallNeedingReview![b].precision) : '–'}</td>)}
                  </tr>
                )}
              </tbody>
            </table>
          )}
          {mineSummary.precisionRecall && mineSummary.trueUnannotatedCrossSplit != null && (
            <div className="muted small" data-testid="mine-cross-split" data-pairs={mineSummary.trueUnannotatedCrossSplit}>
              {mineSummary.trueUnannotatedCrossSplit > 0
                ? `${mineSummary.trueUnannotatedCrossSplit.toLocaleString()} more true unannotated pairs join an image and a caption of different splits: mining proposes pairs within a split only, so they are counted here, not in the recall.`
                : 'No true unannotated pair joins an image and a caption of different splits: the recall counts every true pair.'}
            </div>
          )}
        </div>
      )}
      {!mineSummary && queueLoaded && queue.length > 0 && (
        <p className="muted">
          A mined queue is stored in this project ({queue.length}
          {queue.length >= queueLimit ? '+' : ''} units). Candidates whose caption reads exactly like one annotated on their image are left out of it:{' '}
          {acceptButton}
        </p>
      )}
    </section>
  );
}
