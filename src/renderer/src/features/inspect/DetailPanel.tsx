import type { ItemDetail, ItemTable } from '../../../../shared/api';
import type { Flag, FlagLabel, FlagTarget } from '../../../../shared/flags';
import { FLAG_LABEL_TEXT } from '../../../../shared/flags';
import { FlagControls } from '../labels/FlagControls';
import type { PairCsdView } from '../../../../shared/views/heads';

interface Props {
  detail: ItemDetail;
  items: ItemTable;
  flags: Flag[];
  imageUrl: (path: string, size?: number) => string;
  focusPair: { image: number; caption: number } | null;
  onSelect: (kind: 'image' | 'caption', index: number) => void;
  onFlag: (target: FlagTarget, label: FlagLabel, note: string) => void;
  /** Show the training push of a pair (the Push panel above). */
  onPushPair?: (pair: { image: number; caption: number }) => void;
  /** Exact CSD and match probability per neighbour pair (`image:caption`), in probabilistic spaces. */
  csd?: Map<string, PairCsdView> | null;
}

function pairFlags(flags: Flag[], image: number, caption: number): Flag[] {
  return flags.filter((f) => f.target.kind === 'pair' && f.target.image === image && f.target.caption === caption);
}

export function DetailPanel({ detail, items, flags, imageUrl, focusPair, onSelect, onFlag, onPushPair, csd }: Props) {
  const isImage = detail.kind === 'image';
  const Item = ({ kind, index }: { kind: 'image' | 'caption'; index: number }) =>
    kind === 'image' ? (
      <button type="button" className="link thumb-link" onClick={() => onSelect('image', index)} title={items.images[index]?.path}>
        <img className="thumb" src={imageUrl(items.images[index].path, 256)} alt={items.images[index].path} loading="lazy" />
        <span className="muted">#{index}</span>
      </button>
    ) : (
      <button type="button" className="link caption-link" onClick={() => onSelect('caption', index)}>
        “{items.captions[index].text}” <span className="muted">#{index}</span>
      </button>
    );
  const itemFlags = flags.filter((f) => f.target.kind === 'item' && f.target.modality === detail.kind && f.target.index === detail.index);
  const pairOf = (other: number) => (isImage ? { image: detail.index, caption: other } : { image: other, caption: detail.index });
  return (
    <section className="panel detail" data-testid="detail-panel">
      <h2>{isImage ? 'Image' : 'Caption'} #{detail.index}</h2>
      {isImage ? (
        <figure>
          <img className="big" src={imageUrl(items.images[detail.index].path)} alt={items.images[detail.index].path} />
          <figcaption>{items.images[detail.index].path}{items.images[detail.index].missing ? ' (missing on disk)' : ''}</figcaption>
        </figure>
      ) : (
        <blockquote data-testid="detail-caption">{items.captions[detail.index].text}</blockquote>
      )}
      <div className="row">
        <span>Flag this {detail.kind}:</span>
        <FlagControls testid="item-flag" defaultLabel="invalid_item" compact onFlag={(label, note) => onFlag({ kind: 'item', modality: detail.kind, index: detail.index }, label, note)} />
      </div>
      {itemFlags.map((f) => (
        <div key={f.id} className="badge flagged">flagged: {FLAG_LABEL_TEXT[f.label]}</div>
      ))}
      <h3>Annotated {isImage ? 'captions' : 'image'} ({detail.partners.length}){detail.truePartners != null && <span className="muted"> · valid per truth: {detail.truePartners}</span>}</h3>
      <ul className="partners">
        {detail.partners.map((p) => (
          <li key={p} data-testid="partner-row"><Item kind={isImage ? 'caption' : 'image'} index={p} /></li>
        ))}
      </ul>
      <h3>Nearest {isImage ? 'captions' : 'images'} in the embedding space</h3>
      {detail.neighbors.length === 0 && <p className="muted">No embeddings: neighbours need a space.</p>}
      <ol className="neighbors">
        {detail.neighbors.map((n) => {
          const pair = pairOf(n.index);
          const fl = pairFlags(flags, pair.image, pair.caption);
          const focused = focusPair && focusPair.image === pair.image && focusPair.caption === pair.caption;
          const c = csd?.get(`${pair.image}:${pair.caption}`);
          return (
            <li key={n.index} data-testid="neighbor-row" data-index={n.index} className={focused ? 'focused' : ''}>
              <div className="neighbor-head">
                <Item kind={n.kind} index={n.index} />
                <span className="sim" title="cosine similarity in the original space">{n.similarity.toFixed(3)}</span>
                {n.annotated ? <span className="badge annotated">annotated</span> : <span className="badge">not annotated</span>}
                {n.valid === true && !n.annotated && <span className="badge fn" title="valid per truth.jsonl but not annotated">valid (truth)</span>}
                {n.valid === false && <span className="badge" title="not valid per truth.jsonl">invalid (truth)</span>}
                {fl.map((f) => (
                  <span key={f.id} className="badge flagged" data-testid="pair-flag-badge">{FLAG_LABEL_TEXT[f.label]}</span>
                ))}
                {onPushPair && (
                  <button type="button" className="mini" data-testid="push-button" onClick={() => onPushPair(pair)} title="How hard InfoNCE / BCE training pushes this pair apart">push</button>
                )}
              </div>
              {c && (
                <div className="csd-line small" data-testid="neighbor-csd" title="exact D-dimensional CSD = ‖μv − μt‖² + Σσ²v + Σσ²t; p = sigmoid(−a·CSD + b)">
                  CSD {c.csd.toFixed(3)} = {c.meanDistance2.toFixed(3)} + {c.imageTrace.toFixed(3)} + {c.textTrace.toFixed(3)} · match p <strong>{c.probability.toFixed(3)}</strong>
                </div>
              )}
              <FlagControls testid="pair-flag" defaultLabel={n.annotated ? 'ambiguous' : 'false_negative'} onFlag={(label, note) => onFlag({ kind: 'pair', ...pair }, label, note)} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}
