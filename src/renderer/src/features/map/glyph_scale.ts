// The glyph exaggeration steps and the step a new glyph set starts at.
export const EXAG_STEPS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20];
export const EXAG_ONE = EXAG_STEPS.indexOf(1);
/** Auto exaggeration keeps the 99th-percentile glyph radius within this share of the map's extent. */
const GLYPH_TARGET_SHARE = 0.05;

/**
 * The exaggeration step a new glyph set starts at: ×1 when the largest glyphs (99th percentile) are
 * already small next to the map, else the largest smaller step that brings them within
 * GLYPH_TARGET_SHARE of the extent. Radii are heavy-tailed where the map magnifies tight clusters of
 * near-duplicates (on the sample the 90th percentile is 30× the median, the 99th 200×), and a few disks as large as
 * the map would hide it.
 */
export function autoExaggerationStep(radius: Float32Array, xy: Float32Array): number {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i + 1 < xy.length; i += 2) {
    if (!Number.isFinite(xy[i]) || !Number.isFinite(xy[i + 1])) continue;
    for (const a of [0, 1]) {
      lo[a] = Math.min(lo[a], xy[i + a]);
      hi[a] = Math.max(hi[a], xy[i + a]);
    }
  }
  const extent = Math.max(hi[0] - lo[0], hi[1] - lo[1]);
  const r = Array.from(radius).filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (!(extent > 0) || r.length === 0) return EXAG_ONE;
  const large = r[Math.floor(0.99 * (r.length - 1))];
  for (let k = EXAG_ONE; k >= 0; k--) if (large * EXAG_STEPS[k] <= GLYPH_TARGET_SHARE * extent) return k;
  return 0;
}
