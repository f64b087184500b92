// What Σσ² says about multiplicity on this space, in one sentence: the Uncertainty tab and
// `mlens train` print the same words from the same diagnostics (views/heads.ts VarianceDiagnostics).
import type { VarianceDiagnostics } from './views/heads.js';

/** The bound Σσ² has to reach before the app calls it a multiplicity signal (caption Spearman ρ). */
export const VARIANCE_SIGNAL_RHO = 0.3;

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
