import type { JobEvent } from '../../../shared/api';

export function ProgressBar({ job, onCancel }: { job: JobEvent; onCancel?: () => void }) {
  const frac = job.total > 0 ? Math.min(1, job.done / job.total) : 0;
  return (
    <div className="progress" data-testid="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
      <div className="progress-label">
        {/* Some steps report a fraction of a step done (the bar uses it); the label counts whole steps. */}
        {job.phase} {job.total > 1 ? `${Math.floor(job.done).toLocaleString()} / ${job.total.toLocaleString()}` : ''}
      </div>
      <div className="progress-track">
        <div className="progress-fill" style={{ width: `${(frac * 100).toFixed(1)}%` }} />
      </div>
      {onCancel && (
        <button type="button" data-testid="cancel-job" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
