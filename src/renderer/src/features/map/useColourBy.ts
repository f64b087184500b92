// The map's colour-by state: which choices the open dataset offers, the data they need (fetched
// once per dataset or space), and the colours plus key of the current choice.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ItemTable } from '../../../../shared/api';
import { useLens, useSignal } from '../../store/react';
import type { PartnersView, UncertaintyView } from '../../../../shared/views/heads';
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
  /** The space on the map: effective partners are computed for it when that colouring is chosen. */
  spaceId?: string | null;
}): { mode: ColourMode; setMode: (m: ColourMode) => void; options: ColourOption[]; colouring: Colouring | null; partnersNote: string | null } {
  const { datasetHash, items, flags, uncertainty } = args;
  const spaceId = args.spaceId ?? null;
  const api = useLens().api;
  const [mode, setMode] = useState<ColourMode>('default');
  const [columns, setColumns] = useState<NumericColumn[]>([]);
  const [units, setUnits] = useState<ClusterSummary[]>([]);
  const [partners, setPartners] = useState<PartnersView | null>(null);

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

  // Effective partners: computed (in the main process, cached per space) only once chosen.
  useEffect(() => {
    if (!spaceId || mode !== 'value:partners' || partners?.spaceId === spaceId) return;
    let cancelled = false;
    const failed = (why: string): PartnersView => ({ spaceId, image: new Float32Array(0), text: new Float32Array(0), tau: 0, galleryImages: 0, galleryCaptions: 0, sampled: false, diagnostics: null, tooLarge: why });
    api.heads.partners({ spaceId }).then(
      (p) => !cancelled && setPartners(p ?? failed('no space to read effective partners from')),
      (e: unknown) => !cancelled && setPartners(failed(`effective partners failed: ${e instanceof Error ? e.message : String(e)}`)),
    );
    return () => {
      cancelled = true;
    };
  }, [api, spaceId, mode, partners]);

  const allColumns = useMemo(() => {
    const out = [...columns];
    if (uncertainty) out.unshift({ id: 'sigma2', name: "Σσ² (active space)", image: uncertainty.image, caption: uncertainty.text });
    if (partners && partners.spaceId === spaceId && !partners.tooLarge) out.push({ id: 'partners', name: `effective partners (τ ${partners.tau})`, image: partners.image, caption: partners.text });
    return out;
  }, [columns, uncertainty, partners, spaceId]);

  const options = useMemo<ColourOption[]>(
    () => [
      { mode: 'default', label: 'type and flags' },
      { mode: 'modality', label: 'modality' },
      { mode: 'split', label: 'split' },
      { mode: 'unit', label: 'review unit' },
      { mode: 'label', label: 'flag label' },
      ...allColumns.filter((c) => c.id !== 'partners').map((c) => ({ mode: `value:${c.id}` as ColourMode, label: c.name })),
      ...(spaceId ? [{ mode: 'value:partners' as ColourMode, label: 'effective partners (active space)' }] : []),
    ],
    [allColumns, spaceId],
  );

  // A numeric choice that went away (another space without Σσ²) falls back to the default.
  if (mode.startsWith('value:') && !options.some((o) => o.mode === mode)) setMode('default');

  const colouring = useMemo(() => (items ? colourBy(mode, { items, flags, units, columns: allColumns }) : null), [mode, items, flags, units, allColumns]);
  let partnersNote: string | null = null;
  if (mode === 'value:partners') {
    if (!partners || partners.spaceId !== spaceId) partnersNote = 'computing effective partners…';
    else if (partners.tooLarge) partnersNote = partners.tooLarge;
    else partnersNote = `effective partners: how many items of the other modality each one is about equally close to (exp of the entropy of its softmax at τ ${partners.tau}${partners.sampled ? `, against a sample of ${partners.galleryImages.toLocaleString('en-US')} images and ${partners.galleryCaptions.toLocaleString('en-US')} captions` : ''}); a multiplicity estimate read from the space, no head needed`;
  }
  return { mode, setMode, options, colouring, partnersNote };
}
