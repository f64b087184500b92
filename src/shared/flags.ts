// Flags: what a researcher marks on a pair or an item (DESIGN.md "pair" statuses).

export const FLAG_LABELS = ['ambiguous', 'false_negative', 'wrong_annotation', 'invalid_item'] as const;
export type FlagLabel = (typeof FLAG_LABELS)[number];

export const FLAG_LABEL_TEXT: Record<FlagLabel, string> = {
  ambiguous: 'Ambiguous',
  false_negative: 'False negative (valid, unannotated)',
  wrong_annotation: 'Wrong annotation',
  invalid_item: 'Invalid item',
};

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
}
