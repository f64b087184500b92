// Effective partners: how many items of the other modality an item is about equally close to, read
// from any space (an encoder's, a head's), with no head to train.
//
// For a caption c with scores s_ci = cos(t_c, v_i) over the gallery images, p_i = softmax(s_ci / τ)
// and N_eff(c) = exp(H(p)) = exp(−Σ p_i log p_i): 1 when one image stands out, k when k images tie
// and the rest are far. Images the same way over the captions. A caption true of many images ("a dog
// on grass") sits about equally close to all of them, so N_eff estimates multiplicity where PCME++'s
// Σσ² on a real encoder space does not (docs/variance.md): Σσ² is learned from the item's own
// features and, trained one-to-one, follows the distance to the nearest partner instead.
//
// τ on cosine scores was chosen on seed 0 of the sample only (presets A–C, noise 0 and 0.2, and the
// digits world). At 200 images: τ ∈ {0.02, 0.03, 0.05, 0.1}, gallery = every item or only the item's
// split, gave τ = 0.1 with every item of the other modality as the gallery (a caption of a held-out
// image is then judged against everything the encoder knows). The best τ shrinks as the gallery
// grows (more far items add to the entropy at a fixed τ): `npm run bench -- partners-tau` found
// 0.1 best at 200 images and 0.03 at 3,000 for both modalities; at 1,000, 0.05 for images and 0.03
// for captions. τ = 0.1·(200/n)^0.43 (`partnerTau`, n = gallery images; 0.1 at 200 or fewer) passes
// through the first two and the images' third. Above 3,000 images it is extrapolated.
// docs/science.md gives the figures on unseen seeds.
//
// Cost: n_query × n_gallery dot products through the SIMD engine. Galleries above `maxGallery` are
// a seeded uniform sample (said in the result); queries are never sampled.
import { createDotEngine, paddedRow } from '../compute/dot_engine.js';

/** τ at or below PARTNER_TAU_IMAGES gallery images. */
export const PARTNER_TAU = 0.1;
export const PARTNER_TAU_IMAGES = 200;
export const PARTNER_TAU_EXPONENT = 0.43;

/** The default τ for a gallery of n images: 0.1 up to 200, then 0.1·(200/n)^0.43, to three significant digits. */
export function partnerTau(galleryImages: number): number {
  if (!(galleryImages > PARTNER_TAU_IMAGES)) return PARTNER_TAU;
  return Number((PARTNER_TAU * (PARTNER_TAU_IMAGES / galleryImages) ** PARTNER_TAU_EXPONENT).toPrecision(3));
}
export const PARTNER_MAX_GALLERY = 20_000;

/** Multiply-adds a report may spend by default (a few seconds on the SIMD engine). */
export const PARTNER_BUDGET = 1e10;
/** The smallest gallery that still ranks; below it the space is refused. */
export const PARTNER_MIN_GALLERY = 1000;

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

export interface PartnerOptions {
  /** Softmax temperature on cosine scores (default: partnerTau of the image gallery's size). */
  tau?: number;
  /** Gallery rows at most; more are sampled (default PARTNER_MAX_GALLERY). */
  maxGallery?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface EffectivePartners {
  /** Per image: effective number of captions. */
  image: Float32Array;
  /** Per caption: effective number of images. */
  text: Float32Array;
  tau: number;
  /** Gallery sizes used (images for the captions, captions for the images). */
  galleryImages: number;
  galleryCaptions: number;
  /** A gallery was a sample of its modality. */
  sampled: boolean;
  seconds: number;
}

/** Seeded uniform sample of min(n, max) indices, increasing. */
function gallerySample(n: number, max: number, seed: number): Int32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= max) return idx;
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rnd() * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.subarray(0, max).sort();
}

/**
 * N_eff of every row of `q` against the rows `gallery` of `g` (both nq × dims / ng × dims, row-major;
 * rows are L2-normalised on the way in, so scores are cosines). A row of zeros or non-finite values
 * gets NaN.
 */
export function partnersOf(q: Float32Array, nq: number, g: Float32Array, gallery: ArrayLike<number>, dims: number, tau: number, progress?: (done: number) => void, signal?: AbortSignal): Float32Array {
  const out = new Float32Array(nq).fill(NaN);
  const nG = gallery.length;
  if (nG === 0 || nq === 0) return out;
  const rf = paddedRow(dims);
  const block = 64;
  const qOff = nG * rf;
  const oOff = qOff + block * rf;
  const engine = createDotEngine(oOff + block * nG);
  const mem = engine.memory;
  // Copies a row, normalised; false when it has no direction.
  const put = (x: Float32Array, src: number, at: number): boolean => {
    let s = 0;
    for (let d = 0; d < dims; d++) s += x[src * dims + d] * x[src * dims + d];
    if (!(s > 0) || !Number.isFinite(s)) {
      mem.fill(0, at, at + rf);
      return false;
    }
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dims; d++) mem[at + d] = x[src * dims + d] * inv;
    return true;
  };
  const gOk = new Uint8Array(nG);
  for (let j = 0; j < nG; j++) gOk[j] = put(g, gallery[j], j * rf) ? 1 : 0;
  const qOk = new Uint8Array(block);
  const invTau = 1 / tau;
  for (let b0 = 0; b0 < nq; b0 += block) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const nb = Math.min(block, nq - b0);
    mem.fill(0, qOff, qOff + block * rf);
    for (let i = 0; i < nb; i++) qOk[i] = put(q, b0 + i, qOff + i * rf) ? 1 : 0;
    engine.dots(qOff, nb, 0, nG, rf, oOff, nG);
    for (let i = 0; i < nb; i++) {
      if (!qOk[i]) continue;
      const row = oOff + i * nG;
      let m = -Infinity;
      for (let j = 0; j < nG; j++) if (gOk[j] && mem[row + j] > m) m = mem[row + j];
      if (m === -Infinity) continue;
      // H = log Z − Σ e^{x_j} x_j / Z with x_j = (s_j − m)/τ ≤ 0.
      let z = 0;
      let zx = 0;
      for (let j = 0; j < nG; j++) {
        if (!gOk[j]) continue;
        const x = (mem[row + j] - m) * invTau;
        const e = Math.exp(x);
        z += e;
        zx += e * x;
      }
      out[b0 + i] = Math.exp(Math.log(z) - zx / z);
    }
    progress?.(b0 + nb);
  }
  return out;
}

/** N_eff of every caption over the images only (mining's multiplicity estimate), same gallery and τ rule. */
export function captionPartners(space: { dims: number; image: Float32Array; text: Float32Array }, opts: PartnerOptions = {}): { text: Float32Array; tau: number; galleryImages: number } {
  const { dims } = space;
  const rows = (m: Float32Array): PartnerRows => ({ rows: Math.floor(m.length / dims), read: (start, count) => m.subarray(start * dims, (start + count) * dims) });
  const text = rows(space.text);
  const image = rows(space.image);
  // Held in memory: one block of every row.
  return captionPartnersRows(text, image, dims, { ...opts, blockRows: Math.max(1, text.rows, image.rows) });
}

/** Rows read by position (a matrix on disk, mining/disk_space.ts; io/row_shards.ts RowBlocks). */
export interface PartnerRows {
  readonly rows: number;
  read(start: number, count: number): Float32Array;
}

/**
 * captionPartners for rows that stay on disk: images and captions are read `blockRows` at a time
 * (the sampled image gallery is kept). Each caption's N_eff depends only on its row and the gallery's, so the figures
 * equal the in-memory ones.
 */
export function captionPartnersRows(text: PartnerRows, image: PartnerRows, dims: number, opts: PartnerOptions & { blockRows?: number } = {}): { text: Float32Array; tau: number; galleryImages: number } {
  const max = Math.max(1, Math.floor(opts.maxGallery ?? PARTNER_MAX_GALLERY));
  const gI = gallerySample(image.rows, max, (opts.seed ?? 1) * 2 + 1);
  const tau = opts.tau ?? partnerTau(gI.length);
  const block = Math.max(1, opts.blockRows ?? 4096);
  // The gallery's rows, read in blocks of at most `block` rows (the sample is increasing).
  const g = new Float32Array(gI.length * dims);
  for (let j = 0, i0 = 0; j < gI.length; i0 += block) {
    if (gI[j] >= i0 + block) continue;
    const n = Math.min(block, image.rows - i0);
    const rows = image.read(i0, n);
    for (; j < gI.length && gI[j] < i0 + n; j++) g.set(rows.subarray((gI[j] - i0) * dims, (gI[j] - i0 + 1) * dims), j * dims);
  }
  const local = Int32Array.from({ length: gI.length }, (_, j) => j);
  const out = new Float32Array(text.rows);
  for (let c0 = 0; c0 < text.rows; c0 += block) {
    const n = Math.min(block, text.rows - c0);
    out.set(partnersOf(text.read(c0, n), n, g, local, dims, tau, (d) => opts.onProgress?.(c0 + d, text.rows), opts.signal), c0);
  }
  return { text: out, tau, galleryImages: gI.length };
}

/** N_eff of every caption (over the images) and every image (over the captions) of a space. */
export function effectivePartners(space: { dims: number; image: Float32Array; text: Float32Array }, opts: PartnerOptions = {}): EffectivePartners {
  const t0 = performance.now();
  if (opts.tau != null && !(opts.tau > 0)) throw new Error(`effective partners: τ must be positive, got ${opts.tau}`);
  const max = Math.max(1, Math.floor(opts.maxGallery ?? PARTNER_MAX_GALLERY));
  const { dims } = space;
  const nI = Math.floor(space.image.length / dims);
  const nC = Math.floor(space.text.length / dims);
  const total = nI + nC;
  // Captions over the images (and τ from the image gallery's size), then images over the captions.
  const { text, tau, galleryImages } = captionPartners(space, { ...opts, maxGallery: max, onProgress: (d) => opts.onProgress?.(d, total) });
  const gC = gallerySample(nC, max, (opts.seed ?? 1) * 2 + 2);
  const image = partnersOf(space.image, nI, space.text, gC, dims, tau, (d) => opts.onProgress?.(nC + d, total), opts.signal);
  return { image, text, tau, galleryImages, galleryCaptions: gC.length, sampled: galleryImages < nI || gC.length < nC, seconds: (performance.now() - t0) / 1000 };
}
