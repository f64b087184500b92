// Lasso selection on the real map in headless Chromium against browser mode: the map's coordinates
// arrive as a binary WebSocket frame; Shift-drag lassos a region of the sample map (mouse events on
// the canvas), Alt-drag subtracts a smaller lasso from it; the selection is flagged in one action;
// the flags are in the flag list and in the SQLite store, and survive a reload; picking a flag in
// the list flies the map to its point. The marquee tool and the toolbar's Intersect mode, and the
// CSV download, are driven too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

let server: ServeHandle;
let browser: Browser;
let page: Page;
const tmp = tempDir('mlens-lasso-');
const binaryFrames: number[] = [];

beforeAll(async () => {
  server = await startServe({ dataDir: join(tmp.dir, 'data') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => {
      if (typeof f.payload !== 'string') binaryFrames.push(f.payload.length);
    });
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

/** A regular polygon (screen px) around (cx, cy). */
function ring(cx: number, cy: number, r: number, k = 16): Array<[number, number]> {
  return Array.from({ length: k }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / k), cy + r * Math.sin((2 * Math.PI * i) / k)] as [number, number]);
}

/** Drags the mouse along the polygon (closing it) with a modifier key held. */
async function drawLasso(poly: Array<[number, number]>, modifier: 'Shift' | 'Alt'): Promise<void> {
  await page.keyboard.down(modifier);
  await page.mouse.move(poly[0][0], poly[0][1]);
  await page.mouse.down();
  for (const [x, y] of [...poly.slice(1), poly[0]]) await page.mouse.move(x, y, { steps: 3 });
  await page.mouse.up();
  await page.keyboard.up(modifier);
}

/** Map points whose on-screen position is inside the polygon (even-odd), computed in the page. */
async function pointsInside(polys: Array<Array<[number, number]>>, combine: 'first-minus-rest'): Promise<number[]> {
  return page.evaluate(
    ({ polys, combine }) => {
      const inside = (x: number, y: number, p: Array<[number, number]>): boolean => {
        let c = false;
        for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
          if (p[i][1] > y !== p[j][1] > y && x < p[i][0] + ((y - p[i][1]) * (p[j][0] - p[i][0])) / (p[j][1] - p[i][1])) c = !c;
        }
        return c;
      };
      const m = (globalThis as any).__mlensMap;
      const out: number[] = [];
      for (let i = 0; i < m.pointCount; i++) {
        const s = m.project(i);
        if (combine === 'first-minus-rest' && inside(s.x, s.y, polys[0]) && !polys.slice(1).some((p) => inside(s.x, s.y, p))) out.push(i);
      }
      return out;
    },
    { polys, combine },
  );
}

describe('map selection, end to end', () => {
  it('receives the map coordinates as a binary frame', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 240_000 });
    expect(await page.evaluate(() => (globalThis as any).__mlensMap.pointCount)).toBe(6000);
    // 6,000 points × 2 × float32 = 48,000 bytes, raw.
    expect(binaryFrames).toContain(48_000);
  }, 300_000);

  it('lassos a region (Shift-drag), subtracts a smaller lasso (Alt-drag), and counts what is inside', async () => {
    // Centre the lasso on a caption point so the region is not empty.
    const c = await page.evaluate(() => (globalThis as any).__mlensMap.project(1000 + 11));
    const outer = ring(c.x, c.y, 70);
    const inner = ring(c.x, c.y, 25);
    await drawLasso(outer, 'Shift');
    const wantOuter = await pointsInside([outer], 'first-minus-rest');
    expect(wantOuter.length).toBeGreaterThan(5);
    await expect.poll(() => page.getAttribute('[data-testid="selection-count"]', 'data-count')).toBe(String(wantOuter.length));
    await drawLasso(inner, 'Alt');
    const want = await pointsInside([outer, inner], 'first-minus-rest');
    expect(want.length).toBeLessThan(wantOuter.length);
    expect(want.length).toBeGreaterThan(0);
    await expect.poll(() => page.getAttribute('[data-testid="selection-count"]', 'data-count')).toBe(String(want.length));
    // The lasso did not pan the map: the centre point is where it was.
    const c2 = await page.evaluate(() => (globalThis as any).__mlensMap.project(1000 + 11));
    expect(Math.hypot(c2.x - c.x, c2.y - c.y)).toBeLessThan(0.5);

    // Marquee tool + Intersect mode from the toolbar: a plain drag keeps what is also in the rectangle.
    await page.click('[data-testid="tool-marquee"]');
    await page.click('[data-testid="op-intersect"]');
    const rect: Array<[number, number]> = [[c.x - 80, c.y - 80], [c.x + 5, c.y - 80], [c.x + 5, c.y + 80], [c.x - 80, c.y + 80]];
    await page.mouse.move(rect[0][0], rect[0][1]);
    await page.mouse.down();
    await page.mouse.move(rect[2][0], rect[2][1], { steps: 6 });
    await page.mouse.up();
    const inRect = new Set(await pointsInside([rect], 'first-minus-rest'));
    const both = want.filter((i) => inRect.has(i));
    expect(both.length).toBeGreaterThan(0);
    expect(both.length).toBeLessThan(want.length);
    await expect.poll(() => page.getAttribute('[data-testid="selection-count"]', 'data-count')).toBe(String(both.length));
    await page.click('[data-testid="tool-pan"]');
    await page.click('[data-testid="op-replace"]');
  });

  it('exports the selection as CSV, one row per selected item', async () => {
    const n = Number(await page.getAttribute('[data-testid="selection-count"]', 'data-count'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="selection-csv"]')]);
    const file = join(tmp.dir, 'selection.csv');
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('kind,index,id,image_path,caption_text,image_index,x,y');
    expect(lines).toHaveLength(n + 1);
    expect(lines.slice(1).every((l) => /^(image|caption),\d+,/.test(l))).toBe(true);
  });

  it('flags the whole selection in one action; the flags are in the list, in the store, and survive a reload', async () => {
    const n = Number(await page.getAttribute('[data-testid="selection-count"]', 'data-count'));
    await page.selectOption('[data-testid="selection-label"]', 'ambiguous');
    await page.selectOption('[data-testid="selection-target"]', 'items');
    await page.click('[data-testid="selection-flag"]');
    // The list counts every flag and lists the latest 300 (FlagsList's FLAGS_LISTED), saying so.
    const listed = async () => ({ header: await page.textContent('[data-testid="flags-list"] h2'), items: await page.locator('[data-testid="flag-item"]').count(), more: await page.locator('[data-testid="flags-more"]').count() });
    const want = { header: `Flags (${n})`, items: Math.min(n, 300), more: n > 300 ? 1 : 0 };
    await expect.poll(listed, { timeout: 15_000 }).toEqual(want);
    expect(await page.textContent('[data-testid="notice"]')).toContain(`Flagged ${n} items`);

    const storePath = await page.getAttribute('.statusbar .muted[title="project store"]', 'title').then(() => page.textContent('.statusbar .muted[title="project store"]'));
    const db = new Database(storePath!, { readonly: true });
    const rows = db.prepare("SELECT COUNT(*) AS c FROM flags WHERE active = 1 AND label = 'ambiguous' AND target = 'item'").get() as { c: number };
    db.close();
    expect(rows.c).toBe(n);

    // Flagging the same selection again adds nothing.
    await page.click('[data-testid="selection-flag"]');
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain(`(${n} already were)`);
    expect(await listed()).toEqual(want);

    await page.reload();
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 120_000 });
    await expect.poll(listed, { timeout: 15_000 }).toEqual(want);
  }, 180_000);

  it('flies the map to an item picked in the flag list', async () => {
    const link = page.locator('[data-testid="flag-item"] button.link').first();
    const text = (await link.textContent())!;
    const m = /(image|caption) #(\d+)/.exec(text)!;
    const index = m[1] === 'image' ? Number(m[2]) : 1000 + Number(m[2]);
    const before = await page.evaluate(() => (globalThis as any).__mlensMap.camera);
    await link.click();
    await expect.poll(() => page.evaluate(() => (globalThis as any).__mlensMap.camera.flying), { timeout: 5_000 }).toBe(false);
    const after = await page.evaluate(() => (globalThis as any).__mlensMap.camera);
    expect(after.scale).toBeGreaterThan(before.scale * 2);
    // The picked point is now at the centre of the canvas.
    const p = await page.evaluate((i) => (globalThis as any).__mlensMap.project(i), index);
    const box = (await page.locator('[data-testid="map-canvas"]').boundingBox())!;
    expect(Math.abs(p.x - (box.x + box.width / 2))).toBeLessThan(2);
    expect(Math.abs(p.y - (box.y + box.height / 2))).toBeLessThan(2);
  });
});
