// Effective partners of a dataset's space (metrics/effective_partners.ts) with what they rank with:
// the same diagnostics as Σσ² (true multiplicity, nearest-partner distance, known positives), so the
// CLI, the app and the science bench read one report. Large spaces get a sampled gallery sized to a
// compute budget, or are refused by name when even the smallest gallery is over it.
import { effectivePartners, PARTNER_MAX_GALLERY, type EffectivePartners } from '../metrics/effective_partners.js';
import { datasetVarianceDiagnostics, type VarianceDiagnostics } from './variance_diagnostics.js';

/** Multiply-adds a report may spend by default (a few seconds on the SIMD engine). */
export const PARTNER_BUDGET = 1e10;
/** The smallest gallery that still ranks; below it the space is refused. */
export const PARTNER_MIN_GALLERY = 1000;

export interface PartnersReport extends EffectivePartners {
  diagnostics: VarianceDiagnostics | null;
}

export class PartnersTooLargeError extends Error {
  constructor(readonly items: number, readonly dims: number) {
    super(`effective partners: ${items.toLocaleString('en-US')} items × ${dims} dims is over the compute budget even against a sample of ${PARTNER_MIN_GALLERY.toLocaleString('en-US')} items (raise it with --budget)`);
    this.name = 'PartnersTooLargeError';
  }
}

/**
 * The gallery size a partners computation over `items` rows of `dims` may use within `budget`
 * (between PARTNER_MIN_GALLERY and PARTNER_MAX_GALLERY); throws PartnersTooLargeError, by name,
 * when even the smallest gallery is far over it. Shared by the report and the residual head, so
 * both read the same N_eff (and the same size-dependent τ) from a space.
 */
export function partnerGallerySize(items: number, dims: number, budget = PARTNER_BUDGET): number {
  const gallery = Math.min(PARTNER_MAX_GALLERY, Math.max(PARTNER_MIN_GALLERY, Math.floor(budget / Math.max(1, items * dims))));
  if (items * Math.min(gallery, items) * dims > 5 * budget) throw new PartnersTooLargeError(items, dims);
  return gallery;
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
