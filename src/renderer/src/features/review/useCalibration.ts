// p̂'s calibration, asked for when the open unit changes and after reviews or a mining run. The refit
// runs just after a review batch is saved, so it asks once at once and once it has had time.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CalibrationView } from '../../../../shared/views/review';
import { useLens, useSignal } from '../../store/react';

const REFIT_WAIT_MS = 1500;

export function useCalibration(unitId: number | null): CalibrationView | null {
  const store = useLens();
  const [cal, setCal] = useState<CalibrationView | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const seq = useRef(0);

  const refresh = useCallback(() => {
    const my = ++seq.current;
    const ask = (): void => {
      store.api.mining.calibration().then(
        (c) => my === seq.current && setCal(c),
        () => undefined,
      );
    };
    if (timer.current) clearTimeout(timer.current);
    ask();
    timer.current = setTimeout(ask, REFIT_WAIT_MS);
  }, [store]);

  useEffect(() => {
    refresh();
  }, [refresh, unitId]);
  useEffect(
    () => () => {
      seq.current++;
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useSignal(['reviews', 'mining', 'refit'], refresh);
  return cal;
}
