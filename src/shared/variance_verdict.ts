// What Σσ² says about multiplicity on this space, in one sentence: the Uncertainty tab and
// `mlens train` print the same words from the same diagnostics (views/heads.ts VarianceDiagnostics).
import type { VarianceDiagnostics } from './views/heads.js';

/** The bound Σσ² has to reach before the app calls it a multiplicity signal (caption Spearman ρ). */
export const VARIANCE_SIGNAL_RHO = 0.3;
/** The same for images: image Σσ² against the number of captions valid for the image (the bound the science protocol judges). */
export const IMAGE_VARIANCE_SIGNAL_RHO = 0.2;

export interface VarianceVerdict {
  /** 'signal': ρ ≥ 0.3; 'inverse': ρ ≤ −0.3; 'nearest': Σσ² follows the nearest-partner distance instead; 'weak'. */
  kind: 'signal' | 'inverse' | 'nearest' | 'weak';
  text: string;
  /** The multiplicity ρ the verdict read (held-out captions when there are any). */
  rho: number;
}

/** The verdict on caption Σσ², or null without the multiplicity and nearest-distance correlations. */
export function varianceVerdict(d: VarianceDiagnostics): VarianceVerdict | null {
  const num = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);
  const find = (against: string, scope: string) => d.captions.find((x) => x.against === against && (x.scope ?? 'all') === scope)?.rho;
  const held = find('multiplicity', 'val+test');
  const m = num(held) ? held : find('multiplicity', 'all');
  const near = find('nearest', 'all');
  if (!num(m) || !num(near)) return null;
  const where = num(held) ? ' on validation and test captions' : '';
  if (m >= VARIANCE_SIGNAL_RHO) return { kind: 'signal', rho: m, text: `Caption Σσ² rises with the number of valid images${where}: it can serve as a multiplicity signal.` };
  if (m <= -VARIANCE_SIGNAL_RHO)
    return { kind: 'inverse', rho: m, text: `Caption Σσ² falls as the number of valid images rises${where}: the most generic captions get the smallest variance here, the opposite of a multiplicity signal.` };
  if (Math.abs(near) > Math.abs(m) + 0.1) return { kind: 'nearest', rho: m, text: 'Caption Σσ² here mostly follows how close a caption’s nearest image is, not how many images it fits.' };
  return { kind: 'weak', rho: m, text: `Caption Σσ² is only weakly related to multiplicity${where}.` };
}

/**
 * The verdict on image Σσ² against the captions valid per image (the truth): at or above
 * IMAGE_VARIANCE_SIGNAL_RHO it is called a signal; null without that correlation.
 */
export function imageVarianceVerdict(d: VarianceDiagnostics): { signal: boolean; rho: number; text: string } | null {
  const rho = d.images.find((x) => x.against === 'multiplicity' && (x.scope ?? 'all') === 'all')?.rho;
  if (typeof rho !== 'number' || !Number.isFinite(rho)) return null;
  const r = rho.toFixed(2);
  if (rho >= IMAGE_VARIANCE_SIGNAL_RHO) return { signal: true, rho, text: `Image Σσ² rises with the number of valid captions (ρ ${r} ≥ ${IMAGE_VARIANCE_SIGNAL_RHO}): it can serve as a multiplicity signal.` };
  return { signal: false, rho, text: `Image Σσ² does not reach ρ ${IMAGE_VARIANCE_SIGNAL_RHO} with the number of valid captions (ρ ${r}): not a multiplicity signal for images here.` };
}
