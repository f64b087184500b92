// Axis labels that never overlap: each label gets its group's slot; a label too wide for it goes
// to a second, staggered row (where it may use two slots), and one too wide even there is cut with
// an ellipsis (the full text stays in a tooltip).

export type Measure = (text: string) => number;

export interface FittedLabel {
  /** What to draw (maybe cut with …). */
  text: string;
  /** 0: first row, 1: the staggered second row. */
  row: 0 | 1;
  /** The label was cut: show `full` as a tooltip. */
  cut: boolean;
  full: string;
}

/** Cuts `text` to fit `max` px with a trailing ellipsis. */
export function cutToFit(text: string, max: number, measure: Measure): string {
  if (measure(text) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(text.slice(0, mid).trimEnd() + '…') <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? text.slice(0, lo).trimEnd() + '…' : '…';
}

/**
 * Labels centred on slots `slot` px wide. When any label is wider than its slot, labels alternate
 * between two rows, so each has two slots of room (its neighbours are on the other row).
 */
export function fitLabels(labels: readonly string[], slot: number, measure: Measure, gap = 4): FittedLabel[] {
  const room1 = Math.max(0, slot - gap);
  const stagger = labels.length > 1 && labels.some((l) => measure(l) > room1);
  const room = stagger ? Math.max(0, 2 * slot - gap) : room1;
  return labels.map((full, i) => {
    const text = cutToFit(full, room, measure);
    return { text, row: stagger ? ((i % 2) as 0 | 1) : 0, cut: text !== full, full };
  });
}
