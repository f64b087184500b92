// Uncertainty tab (probabilistic spaces): histograms of Σσ² per modality and the most / least
// uncertain captions and images (click selects the item on the map).
import { useMemo, useState } from 'react';
import type { ItemTable } from '../../../../shared/api';
import type { UncertaintyView, VarianceAgainst, VarianceDiagnostics } from '../../../../shared/views/heads';
import { ValueHistogram } from '../../charts/lines';
import { imageVarianceVerdict, varianceVerdict } from '../../../../shared/variance_verdict';
import { SCIENCE_RUNS } from '../../../../shared/science_findings';
import { targetSummary } from '../../../../shared/science_findings_types';

/**
 * What the protocol measured on worlds with known truth (docs/science.md), from the generated
 * findings: which Σσ² targets each head met or missed, and where.
 */
function ProtocolFindings() {
  return (
    <div className="muted small" data-testid="variance-protocol-findings">
      On worlds with known truth, with the built-in baseline encoder, over seeds no setting was chosen on (docs/science.md):
      <ul>
        <li data-testid="findings-pcme-caption">PCME++ caption Σσ² ranking with multiplicity at ρ ≥ 0.3: {targetSummary(SCIENCE_RUNS, 'caption_variance_rho')}.</li>
        <li data-testid="findings-pcme-image">PCME++ image Σσ² ranking with captions per image at ρ ≥ 0.2: {targetSummary(SCIENCE_RUNS, 'image_variance_rho')}. The inclusion option lifts the images&apos; ρ at a cost in retrieval (docs/variance.md).</li>
        <li data-testid="findings-residual-caption">Residual-variance head (Train → Residual variance), caption Σσ²: {targetSummary(SCIENCE_RUNS, 'residual_caption_variance_rho')}.</li>
        <li data-testid="findings-residual-image">Residual-variance head, image Σσ²: {targetSummary(SCIENCE_RUNS, 'residual_image_variance_rho')}.</li>
      </ul>
      Effective partners (map → colour by → effective partners, or <code>mlens partners</code>) read multiplicity from the space itself, with no head; the residual head blends them with the items&apos; coverage by the captions&apos; words.
    </div>
  );
}

interface Props {
  uncertainty: UncertaintyView | null;
  probabilistic: boolean;
  items: ItemTable;
  onSelect: (kind: 'image' | 'caption', index: number) => void;
}

function order(v: Float32Array): number[] {
  const idx = Array.from({ length: v.length }, (_, i) => i).filter((i) => Number.isFinite(v[i]));
  return idx.sort((a, b) => v[b] - v[a] || a - b);
}

export function UncertaintyPanel({ uncertainty, probabilistic, items, onSelect }: Props) {
  const [modality, setModality] = useState<'caption' | 'image'>('caption');
  const [dir, setDir] = useState<'most' | 'least'>('most');
  const [limit, setLimit] = useState(15);
  const [filter, setFilter] = useState('');
  const sorted = useMemo(() => {
    if (!uncertainty) return null;
    return { caption: order(uncertainty.text), image: order(uncertainty.image) };
  }, [uncertainty]);

  if (!probabilistic) {
    return <section className="panel muted" data-testid="uncertainty-panel">The active space is deterministic (one point per item). Train a PCME++ head in the Train tab, or open precomputed <code>*_logvar.npy</code> / <code>*_std.npy</code>, to see uncertainty. For a multiplicity estimate on this space as it is, colour the map by effective partners.</section>;
  }
  if (!uncertainty || !sorted) return <section className="panel muted" data-testid="uncertainty-panel">Loading uncertainty…</section>;
  const values = modality === 'caption' ? uncertainty.text : uncertainty.image;
  const q = filter.trim().toLowerCase();
  let list = sorted[modality];
  if (dir === 'least') list = list.slice().reverse();
  if (q && modality === 'caption') list = list.filter((i) => items.captions[i]?.text.toLowerCase().includes(q));
  list = list.slice(0, limit);
  return (
    <div data-testid="uncertainty-panel">
      <section className="panel">
        <h2>Uncertainty (Σσ²)</h2>
        <p className="muted small">Total variance T = Σσ² of each item in the active space. In the PCME++ argument, captions valid for many images get larger T; the table below shows what T follows in this space.</p>
        {/* One axis per modality: a head can give the two very different spreads (the residual head's
            images span a few per cent of its captions' range), which one shared axis hides in a bin. */}
        <div className="row wrap" data-testid="uncertainty-hist">
          <ValueHistogram title="Σσ² of images" xLabel="Σσ²" width={300} testid="uncertainty-hist-images" series={[{ name: 'images', color: '#3b82f6', values: uncertainty.image }]} />
          <ValueHistogram title="Σσ² of captions" xLabel="Σσ²" width={300} testid="uncertainty-hist-captions" series={[{ name: 'captions', color: '#f59e0b', values: uncertainty.text }]} />
        </div>
        {uncertainty.diagnostics && <VarianceFollows d={uncertainty.diagnostics} />}
      </section>
      <section className="panel">
        <div className="row wrap">
          <select aria-label="order" data-testid="uncertainty-order" value={dir} onChange={(e) => setDir(e.target.value as 'most' | 'least')}>
            <option value="most">most uncertain</option>
            <option value="least">least uncertain</option>
          </select>
          <select aria-label="modality" data-testid="uncertainty-modality" value={modality} onChange={(e) => setModality(e.target.value as 'caption' | 'image')}>
            <option value="caption">captions</option>
            <option value="image">images</option>
          </select>
          <select aria-label="how many" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {[15, 50, 200].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
          {modality === 'caption' && <input aria-label="filter captions" placeholder="filter text" value={filter} onChange={(e) => setFilter(e.target.value)} style={{ width: '8em' }} />}
        </div>
        <ol className="uncertainty-list">
          {list.map((i) => (
            <li key={i} data-testid="uncertain-item" data-kind={modality} data-index={i}>
              <button type="button" className="link" onClick={() => onSelect(modality, i)}>
                <span className="sim">{values[i].toPrecision(3)}</span>{' '}
                {modality === 'caption' ? `“${items.captions[i]?.text ?? ''}”` : items.images[i]?.path ?? `image #${i}`} <span className="muted">#{i}</span>
              </button>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

const AGAINST: Record<VarianceAgainst, { label: string; title: string }> = {
  multiplicity: { label: 'true multiplicity', title: 'captions: images valid for it (truth.jsonl); images: captions valid for it' },
  nearest: { label: 'distance to nearest partner', title: 'squared distance from the mean to the nearest mean of the other modality in the same split' },
  known: { label: 'known positives', title: '1 + false-negative flags and positives.jsonl pairs of the caption' },
};

function rhoText(rho: number | null | undefined): string {
  return typeof rho === 'number' && Number.isFinite(rho) ? rho.toFixed(2) : 'n/a';
}

/** The partial ρ given the nearest-partner distance, beside a multiplicity ρ. */
function PartialRho({ c, testId }: { c: VarianceDiagnostics['captions'][number] | undefined; testId: string }) {
  if (!c || c.partialRho === undefined) return null;
  return (
    <span className="muted" title="Partial Spearman ρ with multiplicity after controlling for the distance to the nearest partner">
      {' '}(partial <span data-testid={testId}>{rhoText(c.partialRho)}</span>)
    </span>
  );
}

/** Spearman ρ of Σσ² with multiplicity, nearest-partner distance and known positives, and what that means. */
function VarianceFollows({ d }: { d: VarianceDiagnostics }) {
  type Row = { against: VarianceAgainst; scope: 'all' | 'val+test' };
  const rows: Row[] = [];
  for (const a of ['multiplicity', 'nearest', 'known'] as const) {
    for (const scope of ['all', 'val+test'] as const) {
      const has = (list: VarianceDiagnostics['captions']) => list.some((x) => x.against === a && (x.scope ?? 'all') === scope);
      if (has(d.captions) || has(d.images)) rows.push({ against: a, scope });
    }
  }
  const get = (list: VarianceDiagnostics['captions'], r: Row) => list.find((x) => x.against === r.against && (x.scope ?? 'all') === r.scope);
  const verdict = [varianceVerdict(d)?.text, imageVarianceVerdict(d)?.text].filter(Boolean).join(' ') || null;
  const n = Math.max(0, ...d.captions.filter((x) => (x.scope ?? 'all') === 'all').map((x) => x.n));
  return (
    <div data-testid="variance-follows">
      <h3>What Σσ² follows (Spearman ρ)</h3>
      <table className="grid-table small">
        <thead>
          <tr>
            <th />
            <th>captions</th>
            <th>images</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const key = r.scope === 'all' ? r.against : `${r.against}-valtest`;
            return (
              <tr key={key} data-against={r.against} data-scope={r.scope} title={AGAINST[r.against].title}>
                <td>{AGAINST[r.against].label}{r.scope === 'val+test' ? (get(d.captions, r)?.derived ? ' (derived val + test captions)' : ' (val + test captions)') : ''}</td>
                <td>
                  <span data-testid={`follows-caption-${key}`}>{rhoText(get(d.captions, r)?.rho)}</span>
                  <PartialRho c={get(d.captions, r)} testId={`follows-caption-${key}-partial`} />
                </td>
                <td>
                  <span data-testid={`follows-image-${key}`}>{r.scope === 'all' ? rhoText(get(d.images, r)?.rho) : ''}</span>
                  {r.scope === 'all' ? <PartialRho c={get(d.images, r)} testId={`follows-image-${key}-partial`} /> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted small">
        {verdict ? `${verdict} ` : ''}Over {n.toLocaleString()} captions{d.sampled ? ' (a seeded sample)' : ''}; partners are searched within each split. A negative ρ with distance means items whose nearest partner is close get larger Σσ². “Partial” is ρ with multiplicity after controlling for the nearest-partner distance.
      </p>
      <ProtocolFindings />
    </div>
  );
}
