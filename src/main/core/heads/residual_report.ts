// What the residual-variance head mixed into its variance, in words: the same lines for `mlens
// train --head residual` and for the Train tab's result (TrainResultView.varianceNotes).
import type { ResidualResult } from './residual.js';

const rho = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

/**
 * One line per signal (the effective partners, then coverage per modality, each check's outcome),
 * and the filler words dropped, when there are any.
 */
export function residualVarianceLines(r: Pick<ResidualResult, 'partners' | 'coverage'>): { signals: string[]; filler: string | null } {
  const pt = r.partners;
  const signals = [
    pt
      ? `variance: the residual blended with effective partners (τ ${pt.tau}; weight ${pt.captionWeight} for captions, ${pt.imageWeight} for images${pt.sampled ? `; galleries sampled to ${pt.galleryImages.toLocaleString('en-US')} images and ${pt.galleryCaptions.toLocaleString('en-US')} captions` : ''})`
      : 'variance: the residual alone',
  ];
  const cv = r.coverage;
  if (!cv) return { signals, filler: null };
  // A modality's coverage judged against its own items' effective partners.
  const ownCheck = (what: string, name: string, defined: string, applied: boolean, weight: number, agreement: number, why = ''): string =>
    applied
      ? `${what}: ${name} (${defined}) mixed in at weight ${weight}: it ranks ${what} like their effective partners here (ρ ${rho(agreement)} > ${cv.minAgreement})`
      : `${what}: ${name} not used${weight > 0 ? `: it does not rank ${what} like their effective partners here (ρ ${rho(agreement)} ≤ ${cv.minAgreement})${why}` : ' (weight 0)'}`;
  const imagesDefined = "captions of the split, not the image's own, whose content words its captions all hold";
  signals.push(
    ownCheck('captions', 'caption coverage', "images of the split whose other captions hold all of a caption's content words", cv.applied, cv.weight, cv.agreement, ", so the captions' words do not say how generic they are on this dataset"),
    cv.imageCheck === 'image'
      ? ownCheck('images', 'coverage', imagesDefined, cv.imageApplied, cv.imageWeight, cv.imageAgreement)
      : cv.imageApplied
        ? `images: coverage (${imagesDefined}) mixed in at weight ${cv.imageWeight}: it is caption coverage's transpose, and caption coverage passed its check (ρ ${rho(cv.agreement)} > ${cv.minAgreement}); against the images' own effective partners ρ ${rho(cv.imageAgreement)}`
        : `images: coverage not used${cv.imageWeight > 0 ? `: it is caption coverage's transpose, and caption coverage failed its check (ρ ${rho(cv.agreement)} ≤ ${cv.minAgreement})` : ' (weight 0)'}`,
  );
  const filler = cv.filler.length ? `words left out as filler (on the captions of more than half of the images): ${cv.filler.slice(0, 12).join(', ')}${cv.filler.length > 12 ? `, … (${cv.filler.length})` : ''}` : null;
  return { signals, filler };
}
