// The map at scale: frame time of the WebGL2 map in headless Chromium (SwiftShader
// software GL; no GPU here) at 1k (baseline, same browser), 100k and 1M points (while moving: every
// k-th point; and every point, as drawn once the camera is still), at 1M with a lasso selection
// greying half the points, and the hover index at 1M (grid build, lookup at the hover
// radius against a linear scan) and a lasso over a quarter of the map. `npm run bench -- map_scale`.
import { runBenchPages, startBenchBrowser } from './map_bench.js';

export async function benchMapScale(): Promise<object> {
  const started = await startBenchBrowser();
  if ('skipped' in started) return started;
  const results: Record<string, unknown> = { renderer: 'Chromium, SwiftShader software GL (no GPU on this machine)', viewport: '1280×800' };
  const cases: Array<[string, string]> = [
    ['points_1000', 'n=1000&frames=30'],
    ['points_100000', 'n=100000&frames=20&hover=1'],
    // While zooming the map draws every k-th point (moving level of detail), all once still.
    ['points_1000000_moving', 'n=1000000&frames=12&hover=1'],
    ['points_1000000_full', 'n=1000000&frames=6&moving=1e9'],
    ['points_1000000_selection_full', 'n=1000000&frames=6&sel=1&moving=1e9'],
    // Variance glyphs on every point: the glyph level of detail must still cap what is drawn.
    ['points_1000000_glyphs', 'n=1000000&frames=6&glyphs=1'],
  ];
  try {
    await runBenchPages(started, cases, results);
    const mean = (k: string): number | null => (results[k] as { meanFrameMs?: number } | undefined)?.meanFrameMs ?? null;
    const base = mean('points_1000');
    if (base) {
      for (const k of ['points_100000', 'points_1000000_moving', 'points_1000000_full', 'points_1000000_selection_full']) {
        const m = mean(k);
        if (m) results[`ratio_${k.slice(7)}_to_1k`] = +(m / base).toFixed(1);
      }
    }
  } finally {
    await started.close();
  }
  return results;
}
