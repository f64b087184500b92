// Hand-made image features of the built-in encoder (no weights): the image is resized to a small
// square, then described by
//   1. a global colour histogram (27 bins: 12 soft hue bins × bright/dark for chromatic pixels,
//      3 value bins for grey pixels),
//   2. the same histogram on a coarse grid × grid layout (where the colours are),
//   3. gradient orientation histograms (12 soft bins over 0..180°, magnitude-weighted, on the
//      strongest colour channel): globally as is, and per grid cell as rotation-invariant
//      magnitudes of the histogram's Fourier transform (|H_0| … |H_6|): straight-edged shapes
//      give peaks at their symmetry order, round ones a flat histogram.
// Histograms are square-rooted (Hellinger) so a linear head compares them sensibly.
import type { RgbaImage } from '../image_decode.js';
import { resizeRgb } from '../image_decode.js';

export interface ImageFeatureParams {
  /** Working size in pixels (square). */
  size: number;
  /** Layout grid (grid × grid cells). */
  grid: number;
}

export const DEFAULT_IMAGE_FEATURES: ImageFeatureParams = { size: 64, grid: 4 };

/** Bumped when the features change: it keys the feature cache and the encoder's weights hash. */
export const IMAGE_FEATURES_VERSION = 1;

const HUE_BINS = 12;
const COLOUR_BINS = 2 * HUE_BINS + 3;
const ORIENT_BINS = 12;
const HARMONICS = 7; // |H_0| … |H_6|

export function imageFeatureDims(p: ImageFeatureParams = DEFAULT_IMAGE_FEATURES): number {
  const cells = p.grid * p.grid;
  return COLOUR_BINS * (1 + cells) + ORIENT_BINS + HARMONICS * (1 + cells);
}

/** Adds pixel (r, g, b in 0..1) with weight w into a 27-bin colour histogram at offset o. */
function addColour(h: Float32Array, o: number, r: number, g: number, b: number, w: number): void {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const v = max;
  const s = max > 0 ? (max - min) / max : 0;
  if (s < 0.25 || v < 0.15) {
    h[o + 2 * HUE_BINS + (v < 0.35 ? 0 : v < 0.7 ? 1 : 2)] += w;
    return;
  }
  const d = max - min;
  let hue: number;
  if (max === r) hue = ((g - b) / d + 6) % 6;
  else if (max === g) hue = (b - r) / d + 2;
  else hue = (r - g) / d + 4;
  // hue in 0..6 → 0..HUE_BINS, soft between the two nearest bin centres
  const pos = (hue / 6) * HUE_BINS - 0.5;
  const lo = Math.floor(pos);
  const t = pos - lo;
  const base = o + (v < 0.65 ? HUE_BINS : 0);
  h[base + ((lo + HUE_BINS) % HUE_BINS)] += w * (1 - t);
  h[base + ((lo + 1) % HUE_BINS)] += w * t;
}

/** Features of a decoded image into out[offset …] (imageFeatureDims values). */
export function imageFeatures(img: RgbaImage, p: ImageFeatureParams = DEFAULT_IMAGE_FEATURES, out?: Float32Array, offset = 0): Float32Array {
  const dims = imageFeatureDims(p);
  const f = out ?? new Float32Array(dims);
  const S = p.size;
  const G = p.grid;
  const cells = G * G;
  const rgb = resizeRgb(img, S);
  const oColour = offset;
  const oGridColour = oColour + COLOUR_BINS;
  const oOrient = oGridColour + COLOUR_BINS * cells;
  const oHarm = oOrient + ORIENT_BINS;
  f.fill(0, offset, offset + dims);

  const cellOf = new Int32Array(S);
  for (let i = 0; i < S; i++) cellOf[i] = Math.min(G - 1, Math.floor((i * G) / S));
  const cellPixels = new Float32Array(cells);
  const cellOrient = new Float32Array(cells * ORIENT_BINS);
  const globalOrient = new Float32Array(ORIENT_BINS);

  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const i = (y * S + x) * 3;
      const r = rgb[i];
      const g = rgb[i + 1];
      const b = rgb[i + 2];
      const cell = cellOf[y] * G + cellOf[x];
      addColour(f, oColour, r, g, b, 1);
      addColour(f, oGridColour + cell * COLOUR_BINS, r, g, b, 1);
      cellPixels[cell]++;
      if (x === 0 || y === 0 || x === S - 1 || y === S - 1) continue;
      // Sobel on each channel; the channel with the largest magnitude gives the orientation.
      let best = 0;
      let bgx = 0;
      let bgy = 0;
      for (let c = 0; c < 3; c++) {
        const p00 = rgb[((y - 1) * S + x - 1) * 3 + c];
        const p01 = rgb[((y - 1) * S + x) * 3 + c];
        const p02 = rgb[((y - 1) * S + x + 1) * 3 + c];
        const p10 = rgb[(y * S + x - 1) * 3 + c];
        const p12 = rgb[(y * S + x + 1) * 3 + c];
        const p20 = rgb[((y + 1) * S + x - 1) * 3 + c];
        const p21 = rgb[((y + 1) * S + x) * 3 + c];
        const p22 = rgb[((y + 1) * S + x + 1) * 3 + c];
        const gx = p02 + 2 * p12 + p22 - p00 - 2 * p10 - p20;
        const gy = p20 + 2 * p21 + p22 - p00 - 2 * p01 - p02;
        const m = gx * gx + gy * gy;
        if (m > best) {
          best = m;
          bgx = gx;
          bgy = gy;
        }
      }
      if (best < 1e-4) continue;
      const mag = Math.sqrt(best);
      let theta = Math.atan2(bgy, bgx);
      if (theta < 0) theta += Math.PI; // unsigned: 0..π
      const pos = (theta / Math.PI) * ORIENT_BINS - 0.5;
      const lo = Math.floor(pos);
      const t = pos - lo;
      const b0 = (lo + ORIENT_BINS) % ORIENT_BINS;
      const b1 = (lo + 1) % ORIENT_BINS;
      globalOrient[b0] += mag * (1 - t);
      globalOrient[b1] += mag * t;
      cellOrient[cell * ORIENT_BINS + b0] += mag * (1 - t);
      cellOrient[cell * ORIENT_BINS + b1] += mag * t;
    }
  }

  // Colour histograms → fractions → sqrt.
  const total = S * S;
  for (let k = 0; k < COLOUR_BINS; k++) f[oColour + k] = Math.sqrt(f[oColour + k] / total);
  for (let c = 0; c < cells; c++) {
    const inv = cellPixels[c] ? 1 / cellPixels[c] : 0;
    for (let k = 0; k < COLOUR_BINS; k++) {
      const j = oGridColour + c * COLOUR_BINS + k;
      f[j] = Math.sqrt(f[j] * inv);
    }
  }
  // Orientation: global histogram (normalised, sqrt) and harmonics, global then per cell.
  let gsum = 0;
  for (let k = 0; k < ORIENT_BINS; k++) gsum += globalOrient[k];
  for (let k = 0; k < ORIENT_BINS; k++) f[oOrient + k] = gsum > 0 ? Math.sqrt(globalOrient[k] / gsum) : 0;
  harmonics(globalOrient, 0, total, f, oHarm);
  for (let c = 0; c < cells; c++) harmonics(cellOrient, c * ORIENT_BINS, cellPixels[c] || 1, f, oHarm + (c + 1) * HARMONICS);
  return f;
}

const COS = Float64Array.from({ length: HARMONICS * ORIENT_BINS }, (_, i) => Math.cos((2 * Math.PI * Math.floor(i / ORIENT_BINS) * (i % ORIENT_BINS)) / ORIENT_BINS));
const SIN = Float64Array.from({ length: HARMONICS * ORIENT_BINS }, (_, i) => Math.sin((2 * Math.PI * Math.floor(i / ORIENT_BINS) * (i % ORIENT_BINS)) / ORIENT_BINS));

/**
 * Rotation-invariant summary of an orientation histogram: edge density sqrt(|H_0| / pixels) and
 * the relative magnitudes |H_k| / |H_0| for k = 1..6.
 */
function harmonics(h: Float32Array, o: number, pixels: number, f: Float32Array, out: number): void {
  let h0 = 0;
  for (let j = 0; j < ORIENT_BINS; j++) h0 += h[o + j];
  f[out] = Math.sqrt(h0 / pixels);
  if (h0 <= 1e-6) return;
  for (let k = 1; k < HARMONICS; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < ORIENT_BINS; j++) {
      re += h[o + j] * COS[k * ORIENT_BINS + j];
      im -= h[o + j] * SIN[k * ORIENT_BINS + j];
    }
    f[out + k] = Math.sqrt(re * re + im * im) / h0;
  }
}
