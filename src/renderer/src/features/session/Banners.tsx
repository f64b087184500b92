// Messages above the map: the error banner, running jobs (with Cancel), and the map's own error.
import { useLens, useLensState } from '../../store/react';
import { ProgressBar } from '../../ui/ProgressBar';

export function ErrorBanner() {
  const store = useLens();
  const error = useLensState((s) => s.error);
  if (!error) return null;
  return (
    <div className="banner error" role="alert" data-testid="error">
      {error} <button type="button" className="x" aria-label="dismiss" onClick={() => store.setError(null)}>×</button>
    </div>
  );
}

export function JobBars() {
  const store = useLens();
  const jobs = useLensState((s) => s.jobs);
  return (
    <>
      {Object.values(jobs).map((j) => (
        <ProgressBar key={j.jobId} job={j} onCancel={() => void store.api.jobs.cancel({ jobId: j.jobId })} />
      ))}
    </>
  );
}

export function ProjectionErrorBanner() {
  const store = useLens();
  const error = useLensState((s) => s.projectionError);
  const session = useLensState((s) => s.session);
  if (!error || !session?.spaces.length) return null;
  return (
    <div className="banner warn" data-testid="projection-error">
      {error} {session.dataset?.embeddings && <button type="button" onClick={() => void store.computeProjection(true)}>Compute map</button>}
    </div>
  );
}
