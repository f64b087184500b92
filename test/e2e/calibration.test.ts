// The Review tab's calibration card once reviews calibrate p̂, end to end: mine a 200-image sample
// through the API, review its queue in order (calibration checks included) with the truth as the
// reviewer, unit by unit as a user would, until mining.calibration says p̂ is calibrated; the open
// page switches, on the refit's event, from ranks to probabilities: the reliability diagram, an
// ECE ≤ 0.1 that is the API's, and p̂ as decimals in the grid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { CalibrationView, ReviewUnitView } from '../../src/shared/views/review.js';
import { launchChromium, newAppPage } from '../helpers/chromium.js';
import { connectApi, serveSample, until, type ServeHandle } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

/** Reviews after which the test gives up (an audit of this sample needed about 227). */
const MAX_REVIEWS = 400;

const tmp = tempDir('mlens-e2e-calibration-');
let dataset = '';
let server: ServeHandle;
let api: Awaited<ReturnType<typeof connectApi>>;
let browser: Browser;
let page: Page;
let reviewed = 0;
let cal: CalibrationView | null = null;

beforeAll(async () => {
  // `mlens sample` defaults to preset A, seed 0: the same 200 images on every run.
  ({ dataset, server } = await serveSample(tmp.dir, 200));
  api = await connectApi(server);
  await until(async () => (await api.call('app.session')).dataset, 'the dataset to open');
  browser = await launchChromium();
  page = await newAppPage(browser);
}, 180_000);

afterAll(async () => {
  api?.close();
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

/** The sample's truth: every valid (caption, image) pair, keyed caption:image. */
function readTruth(): Set<string> {
  const valid = new Set<string>();
  for (const line of readFileSync(join(dataset, 'truth.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const t = JSON.parse(line) as { caption_index: number; images: number[] };
    for (const i of t.images) valid.add(`${t.caption_index}:${i}`);
  }
  return valid;
}

const refits = (): number => api.events.filter((e) => e.type === 'refit').length;

describe('calibration card once reviews calibrate p̂', () => {
  it('mines through the API; the Review tab shows p̂ as a rank', async () => {
    const summary = await api.call('mining.run', { jobId: 'calibration-e2e-mine' });
    expect(summary.candidates).toBeGreaterThan(100);
    expect(await api.call('mining.calibration')).toBeNull();

    await page.goto(server.url);
    await page.waitForSelector('[data-testid="summary"]', { timeout: 120_000 });
    await page.click('[data-testid="tab-review"]');
    await page.waitForSelector('[data-testid="review-unit"]', { timeout: 60_000 });
    expect(await page.getAttribute('[data-testid="calibration-card"]', 'data-calibrated')).toBe('false');
    expect(await page.textContent('[data-testid="calibration-card"]')).toMatch(/p̂ is shown as a rank/);
    expect(await page.locator('[data-testid="review-p"]').first().textContent()).toMatch(/^#\d+$/);
  }, 240_000);

  it('reviews the queue in order with the truth as the reviewer until p̂ is calibrated', async () => {
    const truth = readTruth();
    let checks = 0;
    while (reviewed < MAX_REVIEWS) {
      // The next unit the queue serves, as the Review tab asks for it after Enter.
      const unit: ReviewUnitView | null = await api.call('review.unit', {});
      if (!unit) break;
      const pending = unit.candidates.filter((c) => c.decision == null).slice(0, MAX_REVIEWS - reviewed);
      expect(pending.length, `unit #${unit.cluster.id} is served with nothing left to decide`).toBeGreaterThan(0);
      const before = refits();
      const r = await api.call('review.record', {
        decisions: pending.map((c) => ({ image: c.image, caption: c.caption, label: truth.has(`${c.caption}:${c.image}`) ? 1 : 4 })),
        reviewer: 'truth',
        seconds: 2 * pending.length,
        clusterId: unit.cluster.id,
      });
      expect(r.recorded).toBe(pending.length);
      reviewed += pending.length;
      if (unit.cluster.kind === 'check') checks += pending.length;
      // The classifier refits (and the queue re-ranks) 400 ms after the last decision: wait for it,
      // so the next unit is the one the refitted queue puts first.
      await until(() => refits() > before, `the refit after ${reviewed} reviews`, 60_000);
      cal = await api.call('mining.calibration');
      if (cal?.calibrated) break;
    }
    expect(cal?.calibrated, `after ${reviewed} reviews (${checks} of them calibration checks) p̂ is not calibrated: ${cal ? cal.reason : 'no calibration report'}`).toBe(true);
    console.log(`p̂ calibrated after ${reviewed} reviews (${checks} calibration checks), ECE ${cal!.ece.toFixed(3)}`);
    expect(cal!.reviewed).toBeGreaterThanOrEqual(cal!.minReviews);
    expect(cal!.ece).toBeLessThanOrEqual(cal!.maxEce);
  }, 600_000);

  it('the open Review tab shows p̂ as a probability: reliability diagram, the API’s ECE, decimals in the grid', async () => {
    expect(cal?.calibrated).toBe(true);
    const card = '[data-testid="calibration-card"]';
    // The card asks again on the refit's event: no reload needed.
    await expect.poll(() => page.getAttribute(card, 'data-calibrated'), { timeout: 30_000 }).toBe('true');
    expect(await page.textContent('[data-testid="calibration-status"]')).toMatch(/^p̂ is shown as a probability/);
    expect(await page.locator(`${card} [data-testid="reliability-bin"]`).count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator(`${card} [data-testid="calibration-protocol"]`).count()).toBe(1);
    // The ECE shown is the one the API reports (no review was made since, so they settle on the same refit).
    const apiCal = (await api.call('mining.calibration')) as CalibrationView;
    await expect.poll(() => page.textContent('[data-testid="calibration-ece"]'), { timeout: 30_000 }).toBe(apiCal.ece.toFixed(3));
    expect(await page.textContent(card)).toContain(`on ${apiCal.reviewed} reviewed pairs`);
    const ece = Number(await page.textContent('[data-testid="calibration-ece"]'));
    expect(Number.isFinite(ece)).toBe(true);
    expect(ece).toBeLessThanOrEqual(0.1);
    expect(await page.locator(`${card} [data-testid="reliability-bin"]`).count()).toBe(apiCal.bins.filter((b) => b.n > 0).length);
    // The grid shows p̂ as a probability (".42", "1.00"), not a rank within the unit ("#3").
    await page.waitForSelector('[data-testid="review-p"]', { timeout: 30_000 });
    await expect
      .poll(async () => (await page.locator('[data-testid="review-p"]').allTextContents()).filter((t) => !/^(\.\d\d|1\.00)$/.test(t)), { timeout: 30_000 })
      .toEqual([]);
    expect(await page.locator('[data-testid="review-p"]').count()).toBeGreaterThan(0);
  }, 120_000);
});
