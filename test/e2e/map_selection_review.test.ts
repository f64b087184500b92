// The map while its layout runs, and a lasso selection sent to review and exported, in headless
// Chromium against browser mode. The first map of the sample is drawn from the partial layouts the
// projection job streams (the PCA view, then every few epochs) under a "laying out…" note, before
// the final one. Then a Shift-drag lasso selects a region; Shift+R sends it to review and the unit
// is first in the Review tab; the toolbar's SQLite button writes the selection, read back here with
// better-sqlite3; Parquet is written too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServeHandle } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

let server: ServeHandle;
let browser: Browser;
let page: Page;
const tmp = tempDir('mlens-selreview-');
const steps = new Set<string>();

beforeAll(async () => {
  server = await startServe({ dataDir: join(tmp.dir, 'data') });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 }, acceptDownloads: true });
  page.on('pageerror', (e) => console.error('page error:', e.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

function ring(cx: number, cy: number, r: number, k = 16): Array<[number, number]> {
  return Array.from({ length: k }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / k), cy + r * Math.sin((2 * Math.PI * i) / k)] as [number, number]);
}

describe('streamed partial maps, then a selection sent to review and exported', () => {
  it('draws partial layouts under a "laying out…" note before the final map', async () => {
    // Every text the job bar's label shows while the layout runs (its steps report fractions of a step).
    await page.addInitScript(() => {
      const g = globalThis as any;
      g.__progressLabels = [];
      new g.MutationObserver(() => {
        for (const el of g.document.querySelectorAll('.progress-label')) g.__progressLabels.push(el.textContent);
      }).observe(g.document, { subtree: true, childList: true, characterData: true });
    });
    await page.goto(server.url);
    // The note shows while the job runs (the PCA first view, then epoch k/N).
    const note = await page.waitForSelector('[data-testid="layout-progress"]', { timeout: 240_000 });
    steps.add((await note.getAttribute('data-step')) ?? '');
    expect(await note.textContent()).toMatch(/laying out… (PCA first view|epoch \d+\/\d+)/);
    // The final map: the selection toolbar comes with it, and the note goes.
    await page.waitForSelector('[data-testid="selection-bar"]', { timeout: 240_000 });
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]');
    expect(await page.locator('[data-testid="layout-progress"]').count()).toBe(0);
    // The bar's label counts whole steps ("neighbours 9 / 22"), never "9.16 / 22".
    const labels = (await page.evaluate(() => (globalThis as any).__progressLabels)) as string[];
    const counts = labels.filter((l) => / \/ /.test(l));
    expect(counts.length).toBeGreaterThan(0);
    for (const l of counts) expect(l).toMatch(/ [\d,]+ \/ [\d,]+$/);
    const received = Number(await page.getAttribute('.map-area', 'data-layout-frames'));
    const drawn = await page.evaluate(() => (globalThis as any).__mlensMap as { positionSets: number; partialSets: number });
    // PCA + 19 epoch snapshots arrive; at least two distinct partial point sets were drawn, then the final one.
    expect(received).toBeGreaterThanOrEqual(2);
    expect(drawn.partialSets).toBeGreaterThanOrEqual(2);
    expect(drawn.positionSets).toBeGreaterThan(drawn.partialSets);
    expect(await page.evaluate(() => (globalThis as any).__mlensMap.pointCount)).toBe(6000);
  }, 300_000);

  it('sends a lasso selection to review with Shift+R; the unit is first in the Review tab', async () => {
    const c = await page.evaluate(() => (globalThis as any).__mlensMap.project(1000 + 11));
    const poly = ring(c.x, c.y, 90);
    await page.keyboard.down('Shift');
    await page.mouse.move(poly[0][0], poly[0][1]);
    await page.mouse.down();
    for (const [x, y] of [...poly.slice(1), poly[0]]) await page.mouse.move(x, y, { steps: 3 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForSelector('[data-testid="selection-count"]');
    const title = (await page.getAttribute('[data-testid="selection-count"]', 'title'))!;
    const [, images, captions] = /(\d+) images, (\d+) captions/.exec(title)!.map(Number);
    expect(images).toBeGreaterThan(0);
    expect(captions).toBeGreaterThan(0);

    await page.keyboard.press('Shift+R');
    await expect.poll(() => page.textContent('[data-testid="notice"]'), { timeout: 15_000 }).toMatch(/to review as unit #\d+/);
    const notice = (await page.textContent('[data-testid="notice"]'))!;
    const id = /unit #(\d+)/.exec(notice)![1];
    expect(notice).toContain(`${Math.min(captions, 40)} captions × ${Math.min(images, 40)} images`);

    await page.click('[data-testid="tab-review"]');
    const row = page.locator(`[data-testid="unit-row"][data-cluster-id="${id}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="unit-row"]').first().getAttribute('data-cluster-id')).toBe(id);
    await row.click();
    await page.waitForSelector(`[data-testid="review-unit"][data-cluster-id="${id}"]`, { timeout: 15_000 });
    expect(await page.textContent('[data-testid="unit-progress"]')).toContain(`0/${Math.min(captions, 40) * Math.min(images, 40)} decided`);
  }, 120_000);

  it('exports the selection as SQLite (read back) and Parquet from the toolbar', async () => {
    const n = Number(await page.getAttribute('[data-testid="selection-count"]', 'data-count'));
    await page.click('[data-testid="selection-sqlite"]');
    await expect.poll(() => page.getAttribute('[data-testid="selection-exported"]', 'data-format'), { timeout: 15_000 }).toBe('sqlite');
    const file = (await page.getAttribute('[data-testid="selection-exported"]', 'data-path'))!;
    expect(file).toMatch(/selection-.*\.sqlite$/);
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT kind, x, y FROM selection').all() as { kind: string; x: number | null; y: number | null }[];
      expect(rows).toHaveLength(n);
      expect(rows.every((r) => r.x != null && r.y != null)).toBe(true);
      const meta = db.prepare("SELECT value FROM meta WHERE key = 'content'").get() as { value: string };
      expect(meta.value).toBe('map selection');
    } finally {
      db.close();
    }
    await page.click('[data-testid="selection-parquet"]');
    await expect.poll(() => page.getAttribute('[data-testid="selection-exported"]', 'data-format'), { timeout: 15_000 }).toBe('parquet');
    expect(existsSync((await page.getAttribute('[data-testid="selection-exported"]', 'data-path'))!)).toBe(true);
  }, 60_000);
});
