import { useState } from 'react';
import { FLAG_LABELS, FLAG_LABEL_TEXT, type FlagLabel } from '../../../../shared/flags';

/** A label choice, an optional note and a Flag button: used for pairs and for items. */
export function FlagControls({ onFlag, defaultLabel, testid, compact }: { onFlag: (label: FlagLabel, note: string) => void; defaultLabel: FlagLabel; testid: string; compact?: boolean }) {
  const [label, setLabel] = useState<FlagLabel>(defaultLabel);
  const [note, setNote] = useState('');
  return (
    <span className="flag-controls" data-testid={testid}>
      <select aria-label="flag label" data-testid="flag-label" value={label} onChange={(e) => setLabel(e.target.value as FlagLabel)}>
        {FLAG_LABELS.map((l) => (
          <option key={l} value={l}>{FLAG_LABEL_TEXT[l]}</option>
        ))}
      </select>
      {!compact && <input aria-label="note" data-testid="flag-note" placeholder="note (optional)" value={note} onChange={(e) => setNote(e.target.value)} />}
      <button
        type="button"
        data-testid="flag-button"
        onClick={() => {
          onFlag(label, note);
          setNote('');
        }}
      >
        Flag
      </button>
    </span>
  );
}
