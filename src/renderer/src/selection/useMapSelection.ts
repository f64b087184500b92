// The lasso selection's state for one map: the mask, the drag tool and the combining mode. The mask
// is cleared whenever the map's points change (another dataset or space), since indices would lie.

import { useCallback, useState } from 'react';
import { combineSelection, countSelected, type SelectionOp } from './algebra';
import type { LassoResult } from '../map/MapView';

export type SelectTool = 'pan' | 'lasso' | 'marquee';

export interface MapSelection {
  mask: Uint8Array | null;
  count: number;
  tool: SelectTool;
  op: SelectionOp;
  setTool(t: SelectTool): void;
  setOp(o: SelectionOp): void;
  onLasso(r: LassoResult): void;
  clear(): void;
}

export function useMapSelection(points: Float32Array | null): MapSelection {
  const [state, setState] = useState<{ mask: Uint8Array | null; count: number }>({ mask: null, count: 0 });
  const [tool, setTool] = useState<SelectTool>('pan');
  const [op, setOp] = useState<SelectionOp>('replace');

  // Other points: the old mask's indices would lie, so it goes in the same render.
  const [shownPoints, setShownPoints] = useState(points);
  if (points !== shownPoints) {
    setShownPoints(points);
    setState({ mask: null, count: 0 });
  }

  const onLasso = useCallback((r: LassoResult) => {
    setState((s) => {
      const prev = s.mask && s.mask.length === r.inside.length ? s.mask : null;
      const mask = combineSelection(prev, r.inside, r.op);
      const count = countSelected(mask);
      // An empty result clears the selection, so nothing stays greyed.
      return count === 0 ? { mask: null, count: 0 } : { mask, count };
    });
  }, []);

  const clear = useCallback(() => setState({ mask: null, count: 0 }), []);
  return { mask: state.mask, count: state.count, tool, op, setTool, setOp, onLasso, clear };
}
