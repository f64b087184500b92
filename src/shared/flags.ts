// Flags: what a researcher marks on a pair or an item (DESIGN.md "pair" statuses).

export const FLAG_LABELS = ['ambiguous', 'false_negative', 'wrong_annotation', 'invalid_item'] as const;
export type FlagLabel = (typeof FLAG_LABELS)[number];

export const FLAG_LABEL_TEXT: Record<FlagLabel, string> = {
  ambiguous: 'Ambiguous',
  false_negative: 'False negative (valid, unannotated)',
  wrong_annotation: 'Wrong annotation',
  invalid_item: 'Invalid item',
};

/**
 * How a flag was made: a click in Inspect, a lasso selection on the map, an import, or a rule the
 * researcher applied (the Review tab's "accept same-text pairs": valid by the annotation itself).
 */
export const FLAG_SOURCES = ['click', 'lasso', 'import', 'rule'] as const;
export type FlagSource = (typeof FLAG_SOURCES)[number];

export type FlagTarget =
  | { kind: 'pair'; image: number; caption: number }
  | { kind: 'item'; modality: 'image' | 'caption'; index: number };

export interface Flag {
  id: number;
  target: FlagTarget;
  label: FlagLabel;
  note: string;
  /** ISO time the flag was made. */
  createdAt: string;
  /** Whether the pair is an annotated one (pair flags only). */
  annotated: boolean | null;
  /** Where the flag came from (stores older than schema 2: 'click'). */
  source?: FlagSource;
  /** The lasso selection or import file the flag came from, when it has one. */
  provenance?: string | null;
  /** Who made the flag, when known. */
  who?: string | null;
}
