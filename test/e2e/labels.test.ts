// One label model, end to end in real Chromium against browser mode: the same kind of pair
// (a caption and an unannotated image) is labelled three ways (a false-negative flag clicked in
// Inspect, review key 1 in Review, and a lasso batch flag), the Metrics tab counts the false
// negatives as verified, and the export holds all three with their provenance.
// This branch has no lasso tool on the map yet, so the lasso's flags are made the way that tool
// makes them: the page calls the batch-flag method (labels.addFlags, source 'lasso') over the app's
// WebSocket protocol with the page's own session token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newAppPage } from '../helpers/chromium.js';
import type { LensMethod } from '../../src/shared/api.js';
import { serveSample, type ServeHandle } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-e2e-labels-');
let server: ServeHandle;
let browser: Browser;
let page: Page;
const N_IMAGES = 200;

beforeAll(async () => {
  ({ server } = await serveSample(tmp.dir, N_IMAGES));
  browser = await launchChromium();
  page = await newAppPage(browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

/** One call of the app's API over its WebSocket protocol, from inside the page. */
async function pageCall(method: LensMethod, arg: unknown): Promise<any> {
  return page.evaluate(
    ([m, a]) =>
      new Promise((resolve, reject) => {
        const g = globalThis as any;
        const token = g.sessionStorage.getItem('mlens-token') ?? '';
        const ws = new WebSocket(`ws://${g.location.host}/ws?token=${encodeURIComponent(token)}`);
        ws.onerror = () => reject(new Error('websocket error'));
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: m, arg: a }));
        ws.onmessage = (ev) => {
          const msg = JSON.parse(String(ev.data));
          if (msg.id !== 1) return;
          ws.close();
          if (msg.error) reject(new Error(msg.error.message));
          else resolve(msg.result);
        };
      }),
    [method, arg] as const,
  );
}

async function fromFlags(): Promise<number> {
  return Number(await page.getAttribute('[data-testid="verified-counts"]', 'data-from-flags'));
}

const pairs: { click?: { image: number; caption: number }; review?: { image: number; caption: number }; lasso?: { image: number; caption: number } } = {};

describe('one label model in the browser', () => {
  it('flags a caption and an unannotated image as a false negative by clicking in Inspect', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 180_000 });
    const caption = 3;
    const p = await page.evaluate((i) => (globalThis as any).__mlensMap.project(i), N_IMAGES + caption);
    await page.mouse.click(p.x, p.y);
    await page.waitForSelector('[data-testid="detail-panel"]');
    await expect.poll(() => page.locator('[data-testid="neighbor-row"]').count()).toBeGreaterThan(2);
    const row = page.locator('[data-testid="neighbor-row"]').filter({ hasText: 'not annotated' }).first();
    const image = Number(await row.getAttribute('data-index'));
    await row.locator('[data-testid="flag-label"]').selectOption('false_negative');
    await row.locator('[data-testid="flag-note"]').fill('clicked');
    await row.locator('[data-testid="flag-button"]').click();
    await expect.poll(() => page.locator('[data-testid="flag-item"]').count()).toBe(1);
    pairs.click = { image, caption };
  });

  it('labels a candidate pair 1 with the review key', async () => {
    await page.click('[data-testid="tab-review"]');
    await page.click('[data-testid="mine-button"]');
    await page.waitForSelector('[data-testid="review-unit"]', { timeout: 120_000 });
    await page.fill('[data-testid="reviewer-input"]', 'e2e reviewer');
    await page.focus('[data-testid="review-grid"]');
    const cell = page.locator('[data-testid="review-cell"][data-focused="true"]');
    const image = Number(await cell.getAttribute('data-image'));
    const caption = Number(await cell.getAttribute('data-caption'));
    await page.keyboard.press('1');
    await expect.poll(() => cell.getAttribute('data-label')).toBe('1');
    await expect.poll(() => page.locator('[data-testid="review-cell"][data-state="saving"]').count(), { timeout: 10_000 }).toBe(0);
    pairs.review = { image, caption };
  });

  it('flags a pair from a lasso selection through the batch-flag method (no lasso tool on this branch)', async () => {
    // Another candidate pair of the open review unit (candidates are never annotated pairs).
    const cells = await page.$$eval('[data-testid="review-cell"]', (els) => els.map((e) => ({ image: Number(e.getAttribute('data-image')), caption: Number(e.getAttribute('data-caption')) })));
    const same = (a: { image: number; caption: number }, b?: { image: number; caption: number }) => !!b && a.image === b.image && a.caption === b.caption;
    const { image, caption } = cells.find((c) => !same(c, pairs.review) && !same(c, pairs.click))!;
    const clusterId = Number(await page.getAttribute('[data-testid="review-unit"]', 'data-cluster-id'));
    const flags = await pageCall('labels.addFlags', { targets: [{ kind: 'pair', image, caption }], label: 'false_negative', source: 'lasso', selection: 'e2e lasso selection' });
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ source: 'lasso', provenance: 'e2e lasso selection' });
    // The app's flag list hears about it like any other flag.
    await expect.poll(() => page.locator('[data-testid="flag-item"]').count()).toBe(2);
    // The review grid reads the same model: the unit's candidate now carries the flag.
    const unit = await pageCall('review.unit', { clusterId });
    expect(unit.candidates.find((k: { image: number; caption: number }) => same(k, { image, caption }))).toMatchObject({ flag: 'false_negative', decision: null });
    pairs.lasso = { image, caption };
  });

  it('counts the false-negative flags as verified positives in Metrics', async () => {
    await page.click('[data-testid="tab-metrics"]');
    await page.waitForSelector('[data-testid="verified-counts"]', { timeout: 120_000 });
    await expect.poll(fromFlags, { timeout: 30_000 }).toBe(2);
    const text = (await page.textContent('[data-testid="verified-counts"]'))!;
    expect(text).toMatch(/2 by false-negative flags/);
    expect(Number(await page.getAttribute('[data-testid="verified-counts"]', 'data-added'))).toBeGreaterThanOrEqual(3);
  });

  it('shows what will be exported, exports, and finds all three labels with provenance in the SQLite file', async () => {
    await page.click('[data-testid="export"]');
    await page.waitForSelector('[data-testid="export-confirm"]');
    expect(await page.getAttribute('[data-testid="export-confirm"]', 'data-total')).toBe('3');
    expect(await page.textContent('[data-testid="export-confirm"]')).toMatch(/Export 3 labels: 2 flags \(2 false negative; 1 from lasso selections\), 1 review\s+decisions \(1 rated 1\), 0 imported positives/);
    await page.click('[data-testid="export-confirm-ok"]');
    await page.waitForSelector('[data-testid="export-result"]');
    const path = (await page.textContent('[data-testid="export-result"] code'))!;
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT kind, source, provenance, image_index AS image, caption_index AS caption, scale, flag, who, annotated FROM labels ORDER BY source').all();
      expect(rows).toEqual([
        { kind: 'flag', source: 'click', provenance: null, ...pairs.click, scale: null, flag: 'false_negative', who: null, annotated: 0 },
        { kind: 'flag', source: 'lasso', provenance: 'e2e lasso selection', ...pairs.lasso, scale: null, flag: 'false_negative', who: null, annotated: 0 },
        { kind: 'review', source: 'review', provenance: expect.stringMatching(/^unit \d+$/), ...pairs.review, scale: 1, flag: null, who: 'e2e reviewer', annotated: 0 },
      ]);
      const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
      expect(meta.schema_version).toBe('3');
      expect(meta.dataset_hash).toMatch(/^[0-9a-f]{8,}$/);
      // Every labelled item is in the file.
      for (const p of Object.values(pairs)) {
        expect(db.prepare('SELECT 1 AS ok FROM images WHERE image_index = ?').get(p!.image)).toEqual({ ok: 1 });
        expect(db.prepare('SELECT 1 AS ok FROM captions WHERE caption_index = ?').get(p!.caption)).toEqual({ ok: 1 });
      }
    } finally {
      db.close();
    }
  });
});
