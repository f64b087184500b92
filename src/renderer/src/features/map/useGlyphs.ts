// Variance glyphs of the active (probabilistic) space on its current map: fetched per map, with an
// exaggeration the user can change (it starts scaled down when the disks would hide the map).
import { useEffect, useMemo, useState } from 'react';
import type { Projection } from '../../../../shared/api';
import type { GlyphsView } from '../../../../shared/views/heads';
import { newJobId } from '../../jobs';
import type { MapGlyphs } from '../../map/MapView';
import { useLens, useLensState } from '../../store/react';
import { autoExaggerationStep, EXAG_ONE, EXAG_STEPS } from './glyph_scale';

export function useGlyphs(probabilistic: boolean) {
  const store = useLens();
  const projection = useLensState((s) => s.projection);
  const projectionSpace = useLensState((s) => s.projectionSpace);
  const spaceId = useLensState((s) => s.session?.spaceId ?? null);
  // Kept with the map it was computed on: a new map shows no glyphs until its own arrive.
  const [fetched, setFetched] = useState<{ on: Projection; view: GlyphsView | null } | null>(null);
  const view = fetched && fetched.on === projection && probabilistic && projectionSpace === spaceId ? fetched.view : null;
  const [show, setShow] = useState(true);
  const [step, setStep] = useState(EXAG_ONE);
  /** The exaggeration was chosen for the glyph set, not by the user (cleared when the slider moves). */
  const [auto, setAuto] = useState(false);

  useEffect(() => {
    if (!probabilistic || !projection || projectionSpace !== spaceId) return;
    let cancelled = false;
    store.api.projection.glyphs({ jobId: newJobId('glyphs') }).then(
      (g) => {
        if (cancelled) return;
        setFetched({ on: projection, view: g });
        if (g) {
          const k = autoExaggerationStep(g.radius, projection.xy);
          setStep(k);
          setAuto(k !== EXAG_ONE);
        }
      },
      (e: unknown) => !cancelled && store.notify(`Glyphs unavailable: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      cancelled = true;
    };
  }, [store, probabilistic, projection, projectionSpace, spaceId]);

  const exaggeration = EXAG_STEPS[step];
  const arrays = useMemo(() => {
    if (!view || !projection || view.spaceId !== projectionSpace) return null;
    const n = projection.nImages + projection.nCaptions;
    if (view.radius.length !== n) return null;
    const lowFit = new Uint8Array(n);
    for (let i = 0; i < n; i++) lowFit[i] = view.r2[i] < 0.5 ? 1 : 0;
    return { radius: view.radius, ellipse: view.ellipse, shown: view.ellipseShown, lowFit };
  }, [view, projection, projectionSpace]);
  const mapGlyphs: MapGlyphs | null = useMemo(() => (arrays && show ? { ...arrays, exaggeration } : null), [arrays, show, exaggeration]);

  return {
    ready: arrays != null,
    mapGlyphs,
    show,
    setShow,
    step,
    setStep: (k: number) => {
      setStep(k);
      setAuto(false);
    },
    auto,
    exaggeration,
  };
}

export type GlyphState = ReturnType<typeof useGlyphs>;
