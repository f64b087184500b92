// Effective partners of a dataset's space (metrics/effective_partners.ts) with what they rank with:
// the same diagnostics as Σσ² (true multiplicity, nearest-partner distance, known positives), so the
// CLI, the app and the science bench read one report. Large spaces get a sampled gallery sized to a
// compute budget, or are refused by name when even the smallest gallery is over it.
import { effectivePartners, partnerGallerySize, type EffectivePartners } from '../metrics/effective_partners.js';
import { datasetVarianceDiagnostics, type VarianceDiagnostics } from './variance_diagnostics.js';

export { PARTNER_BUDGET, PARTNER_MIN_GALLERY, PartnersTooLargeError, partnerGallerySize } from '../metrics/effective_partners.js';

export interface PartnersReport extends EffectivePartners {
  diagnostics: VarianceDiagnostics | null;
}

export function partnersReport(
  ds: { images: ReadonlyArray<{ split?: string | null }>; captions: ReadonlyArray<{ imageIndex: number }>; truth?: ReadonlyArray<ArrayLike<number>> | null },
  space: { dims: number; image: Float32Array; text: Float32Array },
  opts: { tau?: number; budget?: number; known?: { offsets: ArrayLike<number> } | null; onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): PartnersReport {
  const gallery = partnerGallerySize(ds.images.length + ds.captions.length, space.dims, opts.budget);
  const e = effectivePartners(space, { tau: opts.tau, maxGallery: gallery, onProgress: opts.onProgress, signal: opts.signal });
  const diagnostics = datasetVarianceDiagnostics(ds, { dims: space.dims, image: space.image, text: space.text, imageValue: e.image, textValue: e.text }, opts.known ?? null);
  return { ...e, diagnostics };
}
