// What the residual-variance head mixed into its variance, in words: the same lines for `mlens
// train --head residual` and for the Train tab's result (TrainResultView.varianceNotes).
import type { ResidualResult } from './residual.js';

const rho = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

/** One line per signal: the effective partners, then coverage per modality, then the filler words dropped. */
export function residualVarianceLines(r: Pick<ResidualResult, 'partners' | 'coverage'>): string[] {
  const pt = r.partners;
  const lines = [
    pt
      ? `variance: the residual blended with effective partners (τ ${pt.tau}; weight ${pt.captionWeight} for captions, ${pt.imageWeight} for images${pt.sampled ? `; galleries sampled to ${pt.galleryImages.toLocaleString('en-US')} images and ${pt.galleryCaptions.toLocaleString('en-US')} captions` : ''})`
      : 'variance: the residual alone',
  ];
  const cv = r.coverage;
  if (!cv) return lines;
  const captionsDefined = "images of the split whose other captions hold all of a caption's content words";
  const imagesDefined = "captions of the split, not the image's own, whose content words its captions all hold";
  lines.push(
    cv.applied
      ? `captions: caption coverage (${captionsDefined}) mixed in at weight ${cv.weight}: it ranks captions like their effective partners here (ρ ${rho(cv.agreement)} > ${cv.minAgreement})`
      : `captions: caption coverage not used${cv.weight > 0 ? `: it does not rank captions like their effective partners here (ρ ${rho(cv.agreement)} ≤ ${cv.minAgreement}), so the captions' words do not say how generic they are on this dataset` : ' (weight 0)'}`,
  );
  if (cv.imageCheck === 'caption') {
    lines.push(
      cv.imageApplied
        ? `images: coverage (${imagesDefined}) mixed in at weight ${cv.imageWeight}: it is caption coverage's transpose, and caption coverage passed its check (ρ ${rho(cv.agreement)} > ${cv.minAgreement}); against the images' own effective partners ρ ${rho(cv.imageAgreement)}`
        : `images: coverage not used${cv.imageWeight > 0 ? `: it is caption coverage's transpose, and caption coverage failed its check (ρ ${rho(cv.agreement)} ≤ ${cv.minAgreement})` : ' (weight 0)'}`,
    );
  } else {
    lines.push(
      cv.imageApplied
        ? `images: coverage (${imagesDefined}) mixed in at weight ${cv.imageWeight}: it ranks images like their effective partners here (ρ ${rho(cv.imageAgreement)} > ${cv.minAgreement})`
        : `images: coverage not used${cv.imageWeight > 0 ? `: it does not rank images like their effective partners here (ρ ${rho(cv.imageAgreement)} ≤ ${cv.minAgreement})` : ' (weight 0)'}`,
    );
  }
  if (cv.filler.length) lines.push(`words left out as filler (on the captions of more than half of the images): ${cv.filler.slice(0, 12).join(', ')}${cv.filler.length > 12 ? `, … (${cv.filler.length})` : ''}`);
  return lines;
}
