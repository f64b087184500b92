// The map's colour-by state: which choices the open dataset offers, the data they need (fetched
// once per dataset or space), and the colours plus key of the current choice.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ItemTable } from '../../../../shared/api';
import { useLens, useSignal } from '../../store/react';
import type { UncertaintyView } from '../../../../shared/views/heads';
import type { ClusterSummary } from '../../../../shared/views/review';
import type { Flag } from '../../../../shared/flags';
import { colourBy, type ColourMode, type ColourOption, type Colouring, type NumericColumn } from '../../colour/colour_by';


/** Review units shown by colour at most (the queue's order: most promising first). */
const UNIT_LIMIT = 500;

export function useColourBy(args: {
  datasetHash: string | null;
  items: ItemTable | null;
  flags: readonly Flag[];
  uncertainty: UncertaintyView | null;
}): { mode: ColourMode; setMode: (m: ColourMode) => void; options: ColourOption[]; colouring: Colouring | null } {
  const { datasetHash, items, flags, uncertainty } = args;
  const api = useLens().api;
  const [mode, setMode] = useState<ColourMode>('default');
  const [columns, setColumns] = useState<NumericColumn[]>([]);
  const [units, setUnits] = useState<ClusterSummary[]>([]);

  // Another dataset: its columns and the default colouring, in the same render.
  const [shownHash, setShownHash] = useState(datasetHash);
  if (datasetHash !== shownHash) {
    setShownHash(datasetHash);
    setColumns([]);
    setMode('default');
  }
  useEffect(() => {
    if (!datasetHash) return;
    let cancelled = false;
    api.datasets.itemValues().then((c) => !cancelled && setColumns(c), () => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, datasetHash]);

  const loadUnits = useCallback(() => {
    let cancelled = false;
    api.review.queue({ limit: UNIT_LIMIT }).then((u) => !cancelled && setUnits(u), () => undefined);
    return () => {
      cancelled = true;
    };
  }, [api]);
  // Units are fetched afresh for each dataset and each switch to unit colouring.
  const unitsKey = `${datasetHash ?? ''}\n${mode}`;
  const [shownUnitsKey, setShownUnitsKey] = useState(unitsKey);
  if (unitsKey !== shownUnitsKey) {
    setShownUnitsKey(unitsKey);
    setUnits([]);
  }
  useEffect(() => {
    if (!datasetHash || mode !== 'unit') return;
    return loadUnits();
  }, [loadUnits, datasetHash, mode]);
  // A mining run replaces the units.
  useSignal('mining', () => {
    if (datasetHash && mode === 'unit') loadUnits();
  });

  const allColumns = useMemo(() => {
    const out = [...columns];
    if (uncertainty) out.unshift({ id: 'sigma2', name: "Σσ² (active space)", image: uncertainty.image, caption: uncertainty.text });
    return out;
  }, [columns, uncertainty]);

  const options = useMemo<ColourOption[]>(
    () => [
      { mode: 'default', label: 'type and flags' },
      { mode: 'modality', label: 'modality' },
      { mode: 'split', label: 'split' },
      { mode: 'unit', label: 'review unit' },
      { mode: 'label', label: 'flag label' },
      ...allColumns.map((c) => ({ mode: `value:${c.id}` as ColourMode, label: c.name })),
    ],
    [allColumns],
  );

  // A numeric choice that went away (another space without Σσ²) falls back to the default.
  if (mode.startsWith('value:') && !options.some((o) => o.mode === mode)) setMode('default');

  const colouring = useMemo(() => (items ? colourBy(mode, { items, flags, units, columns: allColumns }) : null), [mode, items, flags, units, allColumns]);
  return { mode, setMode, options, colouring };
}
