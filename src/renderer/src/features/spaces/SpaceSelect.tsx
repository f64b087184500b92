// The top bar's space selector (shown when the dataset has more than one space).
import { useLens, useLensState } from '../../store/react';
import { spaceLabel } from './names';

export function SpaceSelect() {
  const store = useLens();
  const session = useLensState((s) => s.session);
  if (!session || session.spaces.length <= 1) return null;
  return (
    <label className="space-select">
      space{' '}
      <select data-testid="space-select" value={session.spaceId ?? ''} onChange={(e) => store.switchSpace(e.target.value)} title="The space the map, the neighbours and the push use">
        {session.spaces.map((sp) => (
          <option key={sp.id} value={sp.id}>{spaceLabel(sp)} ({sp.dims}-d{sp.probabilistic ? ', probabilistic' : ''})</option>
        ))}
      </select>
    </label>
  );
}
