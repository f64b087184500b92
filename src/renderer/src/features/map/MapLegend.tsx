// The map's legend: point kinds (unless coloured by something else), counts, how the map was made
// (and, for embeddings on disk, which sample it draws), and the key of the lines drawn.
import type { Projection } from '../../../../shared/api';
import { LineKey, type LineKind } from '../../colour/LineKey';

export function MapLegend({ projection, coloured, lineKinds }: { projection: Projection; coloured: boolean; lineKinds: LineKind[] }) {
  return (
    <div className="overlay-card legend" data-testid="map-legend">
      {coloured ? null : (
        <>
          <span className="dot image" /> images <span className="dot caption" /> captions <span className="dot flagged" /> flagged ·{' '}
        </>
      )}
      {projection.nImages.toLocaleString()} images + {projection.nCaptions.toLocaleString()} captions ·{' '}
      <span className="muted">UMAP {projection.cached ? '(cached)' : `${projection.seconds.toFixed(1)} s`}</span>
      {projection.sample ? (
        <div className="warn" data-testid="map-sample-note">
          drawn: a seeded sample of {projection.sample.rows.toLocaleString('en-US')} of {projection.sample.of.toLocaleString('en-US')} points (seed {projection.sample.seed}; {projection.sample.reason}); the embeddings stay on disk
        </div>
      ) : null}
      <LineKey kinds={lineKinds} />
    </div>
  );
}
