// Frame time of the WebGL2 map in headless Chromium (software GL here) at 1k (baseline), 50k and
// 100k points, and 100k points with variance glyphs on, zooming every frame. Serves out/renderer/bench.html from a throwaway static server.
// Glyph cases (level of detail, glyph_lod.ts): the fitted view; the worst cases for fill (glyphs ×3
// exaggerated, so the area budget is full of large glyphs; zoomed in ×8, so every glyph on screen
// is large and many are capped); and the level of detail switched off (every glyph a quad, as before)
// for comparison, with few frames because it takes seconds per frame under software GL.
import { createServer } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { packageRoot } from '../core/jobs/worker_path.js';

/** A static server for out/renderer and headless Chromium (software GL), for the map benches. */
export async function startBenchBrowser(): Promise<{ port: number; browser: import('playwright-core').Browser; close(): Promise<void> } | { skipped: string }> {
  const chromiumPath = process.env.MLENS_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) return { skipped: `${chromiumPath} missing` };
  const root = join(packageRoot(), 'out', 'renderer');
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1));
    const file = join(root, rel);
    if (rel.startsWith('..') || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  return {
    port,
    browser,
    async close() {
      await browser.close();
      server.close();
    },
  };
}

/** Opens bench.html?QUERY for each case in its own page and stores its result (or why there is none) under its name. */
export async function runBenchPages(started: { port: number; browser: import('playwright-core').Browser }, cases: ReadonlyArray<[string, string]>, results: Record<string, unknown>): Promise<void> {
  for (const [name, query] of cases) {
    const page = await started.browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`http://127.0.0.1:${started.port}/bench.html?${query}`);
      await page.waitForFunction(() => (globalThis as unknown as { __benchResult?: unknown }).__benchResult, null, { timeout: 240_000 });
      results[name] = await page.evaluate(() => (globalThis as unknown as { __benchResult: unknown }).__benchResult);
    } catch (err) {
      results[name] = { skipped: `no result within 240 s (${err instanceof Error ? err.message.split('\n')[0] : String(err)})` };
    } finally {
      await page.close();
    }
  }
}

export async function benchMap(): Promise<object> {
  const started = await startBenchBrowser();
  if ('skipped' in started) return started;
  const { port, browser } = started;
  const results: Record<string, unknown> = { renderer: 'Chromium, SwiftShader software GL (no GPU on this machine)' };
  try {
    for (const n of [1000, 50_000, 100_000]) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`http://127.0.0.1:${port}/bench.html?n=${n}`);
      await page.waitForFunction(() => (globalThis as unknown as { __benchResult?: unknown }).__benchResult, null, { timeout: 120_000 });
      results[`points_${n}`] = await page.evaluate(() => (globalThis as unknown as { __benchResult: unknown }).__benchResult);
      await page.close();
    }
    // Variance glyphs on, drawn with the level of detail.
    const glyphCases: Array<[string, string]> = [
      ['points_100000_glyphs', 'n=100000&glyphs=1&frames=20'],
      ['points_100000_glyphs_exag3', 'n=100000&glyphs=1&frames=20&exag=3'],
      ['points_100000_glyphs_zoom8', 'n=100000&glyphs=1&frames=20&zoom=8'],
      ['points_100000_glyphs_no_lod', 'n=100000&glyphs=1&frames=4&budget=1000000&area=1e15'],
    ];
    await runBenchPages(started, glyphCases, results);
    const base = (results.points_1000 as { meanFrameMs: number }).meanFrameMs;
    results.ratio50kTo1k = +((results.points_50000 as { meanFrameMs: number }).meanFrameMs / base).toFixed(2);
  } finally {
    await started.close();
  }
  return results;
}
