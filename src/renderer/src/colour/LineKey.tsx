// The key of the lines on the map (partners and neighbours after a click, unit outlines, review
// candidates): only the kinds drawn right now, each in the colour it is drawn with.

export type Rgba = [number, number, number, number];

export interface LineKind {
  label: string;
  /** 0..1 RGBA as drawn; null: one colour per unit (shown as a small rainbow). */
  rgba: Rgba | null;
  dashed?: boolean;
}

function cssOf(c: Rgba): string {
  return `rgba(${Math.round(c[0] * 255)}, ${Math.round(c[1] * 255)}, ${Math.round(c[2] * 255)}, ${Math.max(0.6, c[3])})`;
}

export function LineKey({ kinds }: { kinds: LineKind[] }) {
  if (kinds.length === 0) return null;
  return (
    <div className="line-key" data-testid="line-key">
      {kinds.map((k) => (
        <span key={k.label} className="line-key-entry" data-testid="line-key-entry">
          <svg width="22" height="8" aria-hidden="true">
            {k.rgba ? (
              <line x1="1" y1="4" x2="21" y2="4" stroke={cssOf(k.rgba)} strokeWidth="2.5" strokeDasharray={k.dashed ? '3 2' : undefined} />
            ) : (
              <>
                <line x1="1" y1="4" x2="8" y2="4" stroke="#4e79a7" strokeWidth="2.5" />
                <line x1="8" y1="4" x2="15" y2="4" stroke="#f28e2b" strokeWidth="2.5" />
                <line x1="15" y1="4" x2="21" y2="4" stroke="#59a14f" strokeWidth="2.5" />
              </>
            )}
          </svg>
          {k.label}
        </span>
      ))}
    </div>
  );
}
