// The hovered point: an image's thumbnail or a caption's text, next to the cursor.
import { useLens, useLensState } from '../../store/react';

export interface Hover {
  index: number;
  x: number;
  y: number;
}

export function MapTooltip({ hover }: { hover: Hover | null }) {
  const store = useLens();
  const items = useLensState((s) => s.items);
  if (!hover || !items) return null;
  const it = store.itemOf(hover.index);
  return (
    <div className="tooltip" data-testid="tooltip" style={{ left: hover.x + 14, top: hover.y + 14 }}>
      {it.kind === 'image' ? (
        <>
          <img className="thumb" src={store.imageUrl(items.images[it.index].path, 256)} alt="" />
          <div className="muted">image #{it.index}</div>
        </>
      ) : (
        <>
          <div>“{items.captions[it.index].text}”</div>
          <div className="muted">caption #{it.index}</div>
        </>
      )}
    </div>
  );
}
