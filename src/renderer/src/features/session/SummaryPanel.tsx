import type { DatasetSummary, SampleInfo } from '../../../../shared/dataset';

const sampled = (n: SampleInfo): string =>
  n.rows >= n.of ? `all ${n.of.toLocaleString()} rows` : `a sample of ${n.rows.toLocaleString()} of ${n.of.toLocaleString()} rows (seed ${n.seed}): ${n.reason}`;
const mib = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
import type { SpaceInfo } from '../../../../shared/views/spaces';
import { spaceLabel } from '../spaces/names';

export function SummaryPanel({ summary, space }: { summary: DatasetSummary; space?: SpaceInfo | null }) {
  const errors = summary.problems.filter((p) => p.severity === 'error').length;
  return (
    <section className="panel" data-testid="summary">
      <h2 title={summary.root}>{summary.name}</h2>
      <table className="kv">
        <tbody>
          <tr><th>Format</th><td>{summary.format}</td></tr>
          <tr><th>Images</th><td data-testid="count-images">{summary.images.toLocaleString()}</td></tr>
          <tr><th>Captions</th><td data-testid="count-captions">{summary.captions.toLocaleString()}</td></tr>
          <tr><th>Annotated pairs</th><td>{summary.annotatedPairs.toLocaleString()}</td></tr>
          {summary.missingImages > 0 && <tr><th>Missing images</th><td className="bad">{summary.missingImages}</td></tr>}
          {summary.extraPositives > 0 && <tr><th>Extra positives</th><td>{summary.extraPositives}</td></tr>}
          <tr><th>Truth</th><td>{summary.hasTruth ? 'complete many-to-many truth' : 'none'}</td></tr>
          <tr><th>Embeddings</th><td>{summary.embeddings ? `${summary.embeddings.source}, ${summary.embeddings.dims}-d ${summary.embeddings.dtype}${summary.embeddings.probabilistic ? ', probabilistic' : ''}` : 'none'}</td></tr>
          {summary.embeddings?.onDisk && (
            <>
              <tr data-testid="embeddings-on-disk"><th>On disk</th><td>{mib(summary.embeddings.onDisk.bytes)} as float32, over the memory budget of {mib(summary.embeddings.onDisk.budgetBytes)}: read shard by shard</td></tr>
              <tr data-testid="map-sample"><th>Map</th><td>{sampled(summary.embeddings.onDisk.mapSample)}</td></tr>
              <tr data-testid="knn-sample"><th>Exact kNN</th><td>{sampled(summary.embeddings.onDisk.knnSample)}</td></tr>
            </>
          )}
          {space && <tr><th>Space</th><td data-testid="summary-space" data-space-id={space.id}>{spaceLabel(space)} ({space.dims}-d{space.probabilistic ? ', probabilistic' : ''})</td></tr>}
          {Object.entries(summary.splits).map(([name, c]) => (
            <tr key={name}><th>Split {name}</th><td>{c.images} images, {c.captions} captions</td></tr>
          ))}
          {Object.keys(summary.splits).length > 0 && summary.withoutSplit && summary.withoutSplit.captions + summary.withoutSplit.images > 0 && (
            <tr data-testid="without-split"><th>No split</th><td>{summary.withoutSplit.images} images, {summary.withoutSplit.captions} captions</td></tr>
          )}
          {summary.noTrainSplit && <tr data-testid="no-train-split"><th>Training split</th><td>{summary.noTrainSplit}</td></tr>}
        </tbody>
      </table>
      {summary.problems.length > 0 && (
        <details className="problems" data-testid="problems" open={errors > 0}>
          <summary>{summary.problems.length} problem{summary.problems.length === 1 ? '' : 's'} found{errors ? ` (${errors} errors)` : ''}</summary>
          <ul>
            {summary.problems.slice(0, 200).map((p, i) => (
              <li key={i} className={p.severity}>
                <code>{p.file}{p.line != null ? `:${p.line}` : ''}</code> {p.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
