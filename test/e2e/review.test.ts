// The review flow in real Chromium against browser mode, keyboard first: open the Review tab,
// mine, label cells of the first unit (arrows, 1/4, a whole row), Enter to the next unit, u to
// undo, reload (the decisions are there), the Metrics tab moves, the Multiplicity tab shows
// histograms, the metrics plot exports as SVG and PNG, units on the map open in Review, and a
// decision acknowledged before a SIGKILL of the server is there after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newAppPage } from '../helpers/chromium.js';
import { startServe, serveSample, type ServeHandle } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { docsScreenshot } from '../helpers/screenshots.js';
import { SCIENCE_RUNS } from '../../src/shared/science_findings.js';
import { targetSummary } from '../../src/shared/science_findings_types.js';

const tmp = tempDir('mlens-e2e-review-');
let dataset = '';
let dataDir = '';
let server: ServeHandle;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ dataset, dataDir, server } = await serveSample(tmp.dir, 200));
  browser = await launchChromium();
  page = await newAppPage(browser, { acceptDownloads: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

const GRID = '[data-testid="review-grid"]';
const FOCUSED = '[data-testid="review-cell"][data-focused="true"]';

async function unitId(): Promise<number> {
  return Number(await page.getAttribute('[data-testid="review-unit"]', 'data-cluster-id'));
}

async function focusedCell(): Promise<{ image: number; caption: number; label: string }> {
  const el = page.locator(FOCUSED);
  return { image: Number(await el.getAttribute('data-image')), caption: Number(await el.getAttribute('data-caption')), label: (await el.getAttribute('data-label')) ?? '' };
}

const cellSel = (c: { image: number; caption: number }) => `[data-testid="review-cell"][data-image="${c.image}"][data-caption="${c.caption}"]`;

/** Labels of every cell of the open unit, keyed image:caption. */
async function cellLabels(): Promise<Record<string, string>> {
  return page.$$eval('[data-testid="review-cell"]', (els) => Object.fromEntries(els.map((e) => [`${e.getAttribute('data-image')}:${e.getAttribute('data-caption')}`, e.getAttribute('data-label') ?? ''])));
}

async function allSaved(): Promise<void> {
  await expect.poll(() => page.locator('[data-testid="review-cell"][data-state="saving"]').count(), { timeout: 10_000 }).toBe(0);
}

async function verifiedText(): Promise<string> {
  return (await page.locator('[data-testid="metrics-row"][data-positives="verified"]').allTextContents()).join(' | ');
}

async function metricsVersion(): Promise<number> {
  return Number(await page.getAttribute('[data-testid="metrics-updated"]', 'data-version'));
}

let firstUnit = 0;
let firstLabels: Record<string, string> = {};
let verifiedBefore = '';

describe('review flow in the browser, keyboard only', () => {
  it('opens the Review tab with the keyboard and mines, showing the summary and the first unit', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="summary"]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 120_000 });
    // Tabs are reachable from the keyboard: focus Inspect, ArrowRight selects Review.
    await page.focus('[data-testid="tab-inspect"]');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('[data-testid="tab-review"]', 'aria-selected')).toBe('true');
    await expect.poll(() => page.isVisible('[data-testid="panel-review"]')).toBe(true);

    await page.click('[data-testid="mine-button"]');
    await page.waitForSelector('[data-testid="mine-summary"]', { timeout: 120_000 });
    expect(Number((await page.textContent('[data-testid="mine-candidates"]'))!.replace(/,/g, ''))).toBeGreaterThan(100);
    expect(Number((await page.textContent('[data-testid="mine-units"]'))!.replace(/,/g, ''))).toBeGreaterThan(10);
    // With truth: precision and recall at review budgets of 100, 1,000 and 10,000 pairs.
    const pr = (await page.textContent('[data-testid="mine-pr"]'))!;
    expect(pr).toContain('10,000');
    expect(pr).toMatch(/precision vs truth/);
    // The sample repeats captions word for word: the same budgets without those pairs, as a reviewer meets them once they are accepted.
    expect(await page.textContent('[data-testid="mine-pr-needing-review"]')).toMatch(/^precision, same-text pairs left out(\d+\.\d %){3}$/);
    // What p̂ is before any review: by default the agreement check decides; on the sample it keeps
    // one chance of annotation for every valid pair, and says why.
    expect(await page.inputValue('[data-testid="mine-multiplicity-prior"]')).toBe('auto');
    expect(await page.getAttribute('[data-testid="mine-prior"]', 'data-prior')).toBe('pu');
    expect(await page.textContent('[data-testid="mine-prior"]')).toMatch(/as if every valid pair had the same chance/);
    expect(await page.getAttribute('[data-testid="mine-multiplicity"]', 'data-applied')).toBe('false');
    expect(await page.textContent('[data-testid="mine-multiplicity"]')).toMatch(/Auto: caption coverage .* disagree on which captions are generic \(Spearman -?\d\.\d\d < 0\.45\)/);
    // The sample repeats some captions word for word: those candidates are valid by the annotation.
    expect(Number(await page.getAttribute('[data-testid="mine-same-text"]', 'data-pairs'))).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="mine-same-text"]')).toMatch(/read exactly like a caption annotated on their image, so they are valid by the annotation itself \(where that annotation is right\); they make \d+\.\d % of the first [\d,]+ by p̂\. The review queue leaves them out/);
    await page.waitForSelector('[data-testid="review-unit"]', { timeout: 30_000 });
    firstUnit = await unitId();
    expect(firstUnit).toBeGreaterThan(0);
    const firstUnitIsCheck = (await page.locator('[data-testid="check-note"]').count()) === 1;
    expect(await page.locator('[data-testid="review-cell"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="unit-row"]').count()).toBeGreaterThan(10);
    // Truth stays hidden unless asked for.
    expect(await page.locator('[data-testid="truth-badge"]').count()).toBe(0);
    // Before any review p̂ is not checked against decisions: the grid shows ranks, and says why.
    expect(await page.getAttribute('[data-testid="calibration-card"]', 'data-calibrated')).toBe('false');
    expect(await page.textContent('[data-testid="calibration-card"]')).toMatch(/p̂ is shown as a rank/);
    // What calibration and the top 1,000 reached on worlds with truth, missed targets named, from the science JSON.
    const protocol = await page.textContent('[data-testid="calibration-protocol"]');
    expect(protocol).toContain(targetSummary(SCIENCE_RUNS, 'ece'));
    expect(protocol).toContain(targetSummary(SCIENCE_RUNS, 'precision_top_1000'));
    expect(await page.locator('[data-testid="review-p"]').first().textContent()).toMatch(/^#\d+$/);
    // Nor is a unit's Σ p̂ given as an expected number of valid pairs until then.
    expect(await page.textContent('[data-testid="unit-expected"]')).toBe('expected valid: after calibration');
    expect(new Set(await page.locator('[data-testid="unit-exp"]').allTextContents())).toEqual(new Set(['–']));
    // Calibration checks sit in the queue, marked, and say what they are for when opened.
    const checkRow = page.locator('[data-testid="unit-row"]:has([data-testid="check-badge"])').first();
    expect(await page.locator('[data-testid="check-badge"]').count()).toBeGreaterThan(0);
    await checkRow.click();
    await page.waitForSelector('[data-testid="check-note"]', { timeout: 10_000 });
    expect(await page.textContent('[data-testid="check-note"]')).toMatch(/drawn at random from every candidate/);
    await page.click(`[data-testid="unit-row"][data-cluster-id="${firstUnit}"]`);
    await page.waitForSelector(`[data-testid="review-unit"][data-cluster-id="${firstUnit}"]`, { timeout: 10_000 });
    expect(await page.locator('[data-testid="check-note"]').count()).toBe(firstUnitIsCheck ? 1 : 0);
  });

  it('accepts the same-text pairs in one batch, refuses to double them, and one undo takes them back', async () => {
    const pairs = Number(await page.getAttribute('[data-testid="mine-same-text"]', 'data-pairs'));
    const result = () => page.textContent('[data-testid="accept-same-text-result"]').catch(() => '');
    await page.click('[data-testid="accept-same-text"]');
    await expect.poll(result, { timeout: 30_000 }).toMatch(/Flagged [\d,]+ same-text pairs as false negatives/);
    const n = Number(/Flagged ([\d,]+)/.exec((await result())!)![1].replace(/,/g, ''));
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(pairs);
    // They are flags: the list counts them all, lists the latest (at most 300) and marks them as the rule's.
    await expect.poll(() => page.textContent('[data-testid="flags-list"] h2'), { timeout: 15_000 }).toBe(`Flags (${n})`);
    expect(await page.locator('[data-testid="flag-item"]').count()).toBe(Math.min(n, 300));
    expect(await page.locator('[data-testid="flags-more"]').count()).toBe(n > 300 ? 1 : 0);
    expect(await page.locator('[data-testid="flag-item"]').first().textContent()).toContain('(same text)');
    await page.click('[data-testid="accept-same-text"]');
    await expect.poll(result, { timeout: 30_000 }).toMatch(new RegExp(`No same-text pair to accept \\(${n.toLocaleString('en')} already labelled`));
    // The review grid's undo takes the batch back: accepting again flags the same pairs.
    await page.click('[data-testid="review-undo"]');
    await expect.poll(() => page.textContent('[data-testid="notice"]'), { timeout: 15_000 }).toBe('Undone: the last review step');
    await page.click('[data-testid="accept-same-text"]');
    await expect.poll(result, { timeout: 30_000 }).toMatch(new RegExp(`Flagged ${n.toLocaleString('en')} same-text pairs`));
    await page.click('[data-testid="review-undo"]');
    await expect.poll(() => page.textContent('[data-testid="notice"]'), { timeout: 15_000 }).toBe('Undone: the last review step');
  });

  it('records the verified metrics before any decision', async () => {
    await page.click('[data-testid="tab-metrics"]');
    await page.waitForSelector('[data-testid="metrics-row"][data-positives="verified"]', { timeout: 60_000 });
    // Like `mlens eval`, the table opens on the test split and says so; its queries are that split's.
    expect(await page.getAttribute('[data-testid="metrics-split"]', 'data-split')).toBe('test');
    expect(await page.textContent('[data-testid="metrics-split"]')).toMatch(/test split only/);
    expect(await page.inputValue('[data-testid="split-select"]')).toBe('test');
    const testQueries = await page.locator('[data-testid="metrics-row"][data-positives="annotated"][data-dir="i2t"] td').last().textContent();
    expect((await page.textContent('[data-testid="split-select"] option[value="test"]'))!).toContain(`(${testQueries} images`);
    // Reviews land in every split: the rest of this file reads the table on all items.
    const v = await metricsVersion();
    await page.selectOption('[data-testid="split-select"]', 'all');
    await expect.poll(metricsVersion, { timeout: 30_000 }).toBeGreaterThan(v);
    // A recompute that an earlier event started (the acceptance's undo) may land first, on the test split.
    await expect.poll(() => page.getAttribute('[data-testid="metrics-split"]', 'data-split'), { timeout: 30_000 }).toBe('all');
    verifiedBefore = await verifiedText();
    expect(await page.locator('[data-testid="metrics-row"]').count()).toBe(6); // 3 positive sets × 2 directions
    await page.click('[data-testid="tab-review"]');
  });

  it('labels cells with arrows, 1 and 4, a whole row with r, and Enter goes to the next unit', async () => {
    await page.focus('[data-testid="reviewer-input"]');
    await page.keyboard.type('tester');
    await page.focus(GRID);
    const a = await focusedCell();
    await page.keyboard.press('1');
    await expect.poll(() => page.getAttribute(cellSel(a), 'data-label')).toBe('1');
    await page.keyboard.press('ArrowRight');
    const b = await focusedCell();
    await page.keyboard.press('4');
    await expect.poll(() => page.getAttribute(cellSel(b), 'data-label')).toBe('4');
    if (b.image !== a.image || b.caption !== a.caption) expect(await page.getAttribute(cellSel(a), 'data-label')).toBe('1');
    // Down a row, label it 1, then the whole row with r.
    await page.keyboard.press('ArrowDown');
    const c = await focusedCell();
    await page.keyboard.press('1');
    await page.keyboard.press('r');
    const row = page.locator(`[data-testid="review-cell"][data-caption="${c.caption}"]`);
    await expect.poll(async () => (await row.evaluateAll((els) => els.map((e) => e.getAttribute('data-label')))).every((l) => l === '1')).toBe(true);
    await allSaved();
    firstLabels = Object.fromEntries(Object.entries(await cellLabels()).filter(([, l]) => l !== ''));
    expect(Object.keys(firstLabels).length).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.textContent(`[data-testid="unit-row"][data-cluster-id="${firstUnit}"] [data-testid="unit-reviewed"]`), { timeout: 10_000 }).toMatch(new RegExp(`^${Object.keys(firstLabels).length}/`));

    await docsScreenshot(page, 'review.png');

    await page.keyboard.press('Enter');
    await expect.poll(unitId, { timeout: 15_000 }).not.toBe(firstUnit);
    await page.waitForSelector(FOCUSED);
  });

  it('u undoes the last decision', async () => {
    const second = await unitId();
    await page.focus(GRID);
    const cell = await focusedCell();
    expect(cell.label).toBe('');
    await page.keyboard.press('4');
    await expect.poll(() => page.getAttribute(cellSel(cell), 'data-label')).toBe('4');
    await allSaved();
    await page.keyboard.press('u');
    await expect.poll(() => page.getAttribute(cellSel(cell), 'data-label'), { timeout: 10_000 }).toBe('');
    expect(await unitId()).toBe(second);
  });

  it('keeps every decision across a reload', async () => {
    await page.reload();
    await page.waitForSelector('[data-testid="review-unit"]', { timeout: 60_000 });
    await page.click(`[data-testid="unit-row"][data-cluster-id="${firstUnit}"]`);
    await expect.poll(unitId).toBe(firstUnit);
    const labels = await cellLabels();
    for (const [k, l] of Object.entries(firstLabels)) expect(labels[k], k).toBe(l);
    expect(Object.values(labels).filter((l) => l !== '').length).toBe(Object.keys(firstLabels).length);
    // The reviewer name is remembered; every decision carries it and its time.
    expect(await page.inputValue('[data-testid="reviewer-input"]')).toBe('tester');
    const storePath = (await page.textContent('[data-testid="statusbar"] span[title="project store"]'))!;
    const db = new Database(storePath, { readonly: true });
    const rows = db.prepare('SELECT reviewer, seconds, cluster_id AS cluster, undone FROM review_decisions ORDER BY id').all() as Array<{ reviewer: string; seconds: number | null; cluster: number; undone: number }>;
    db.close();
    const live = rows.filter((r) => !r.undone);
    expect(live.length).toBeGreaterThanOrEqual(Object.keys(firstLabels).length);
    expect(live.every((r) => r.reviewer === 'tester' && r.seconds != null && r.seconds >= 0)).toBe(true);
    expect(live.filter((r) => r.cluster === firstUnit).length).toBeGreaterThanOrEqual(Object.keys(firstLabels).length);
    expect(rows.some((r) => r.undone)).toBe(true); // the undone decision is kept, marked undone
  });

  it('after a reload the stored queue still offers the same-text acceptance, which writes rule flags with the reviewer\'s name, and undo takes them back', async () => {
    await page.click('[data-testid="accept-same-text"]');
    await expect.poll(() => page.textContent('[data-testid="accept-same-text-result"]').catch(() => ''), { timeout: 30_000 }).toMatch(/Flagged [\d,]+ same-text pairs/);
    const n = Number(/Flagged ([\d,]+)/.exec((await page.textContent('[data-testid="accept-same-text-result"]'))!)![1].replace(/,/g, ''));
    const storePath = (await page.textContent('[data-testid="statusbar"] span[title="project store"]'))!;
    const rule = () => {
      const db = new Database(storePath, { readonly: true });
      const r = db.prepare("SELECT COUNT(*) AS n, SUM(who = 'tester') AS named FROM flags WHERE source = 'rule' AND active = 1 AND label = 'false_negative'").get() as { n: number; named: number };
      db.close();
      return r;
    };
    expect(rule()).toEqual({ n, named: n });
    await page.click('[data-testid="review-undo"]');
    await expect.poll(() => page.textContent('[data-testid="notice"]'), { timeout: 15_000 }).toBe('Undone: the last review step');
    expect(rule().n).toBe(0);
  });

  it('the Metrics tab shows the verified row changed, and the plot exports as SVG and PNG', async () => {
    await page.click('[data-testid="tab-metrics"]');
    await page.waitForSelector('[data-testid="metrics-row"][data-positives="verified"]', { timeout: 60_000 });
    await expect.poll(verifiedText, { timeout: 30_000 }).not.toBe(verifiedBefore);
    // Later decisions recompute the open panel (on the `reviews` event).
    const v0 = await metricsVersion();
    const annotated = (await page.locator('[data-testid="metrics-row"][data-positives="annotated"]').allTextContents()).join('|');
    await page.click('[data-testid="tab-review"]');
    await page.focus(GRID);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('1');
    await page.keyboard.press('r');
    await allSaved();
    await page.click('[data-testid="tab-metrics"]');
    await expect.poll(metricsVersion, { timeout: 30_000 }).toBeGreaterThan(v0);
    expect((await page.locator('[data-testid="metrics-row"][data-positives="annotated"]').allTextContents()).join('|')).toBe(annotated);

    await page.waitForSelector('[data-testid="metrics-plot"]');
    const [svgDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-svg"]')]);
    expect(svgDl.suggestedFilename()).toMatch(/\.svg$/);
    const svg = readFileSync((await svgDl.path())!, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('http://www.w3.org/2000/svg');
    expect(svg).toContain('mAP@R');
    expect(svg).toContain('verified');
    const [pngDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-png"]')]);
    expect(pngDl.suggestedFilename()).toMatch(/\.png$/);
    const png = readFileSync((await pngDl.path())!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(2000);
  });

  it('the Multiplicity tab shows histograms of annotated, verified and true counts', async () => {
    await page.click('[data-testid="tab-multiplicity"]');
    await page.waitForSelector('[data-testid="hist-images-per-caption"]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="hist-captions-per-image"]');
    for (const s of ['annotated', 'verified', 'true']) expect(await page.locator(`[data-testid="hist-images-per-caption"] rect[data-series="${s}"]`).count(), s).toBeGreaterThan(0);
    const mean = (name: string) => page.textContent(`[data-testid="mult-stat-${name}"] td`).then((t) => Number(t));
    expect(await mean('verified')).toBeGreaterThan(await mean('annotated'));
    // Spaces by their human name; the id stays in the tooltip.
    expect(await page.textContent('[data-testid="precision-per-space"] th[title="dataset"]')).toContain('oracle (built from truth)');
  });

  it('outlines the top pending units on the map; clicking one opens it in Review', async () => {
    await page.waitForSelector('[data-testid="map-unit"]');
    const n = await page.locator('[data-testid="map-unit"]').count();
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(30);
    // The units card stays inside its overlay column, beside the Review panel's width.
    const spill = await page.locator('.overlay-stack').evaluateAll((stacks) =>
      stacks.flatMap((st) => {
        const s = st.getBoundingClientRect();
        return ([...Array.from(st.children), ...Array.from(st.querySelectorAll('input, select, button'))] as any[]).filter((c) => c.getBoundingClientRect().left < s.left - 1 || c.getBoundingClientRect().right > s.right + 1).map((c) => c.getAttribute('data-testid'));
      }),
    );
    expect(spill).toEqual([]);
    const target = page.locator('[data-testid="map-unit"]').nth(Math.min(2, n - 1));
    const id = Number(await target.getAttribute('data-cluster-id'));
    await target.hover();
    await target.click();
    expect(await page.getAttribute('[data-testid="tab-review"]', 'aria-selected')).toBe('true');
    await expect.poll(unitId, { timeout: 10_000 }).toBe(id);
  });

  it('a decision acknowledged before a SIGKILL of the server is there after a restart', async () => {
    await page.focus(GRID);
    const unit = await unitId();
    const cell = await focusedCell();
    await page.keyboard.press(cell.label === '3' ? '2' : '3');
    const want = cell.label === '3' ? '2' : '3';
    // Acknowledged: the cell leaves the saving state only when recordReview has returned.
    await expect.poll(() => page.getAttribute(cellSel(cell), 'data-state'), { timeout: 10_000 }).toBe('saved');
    expect(await page.getAttribute(cellSel(cell), 'data-label')).toBe(want);
    await server.stop('SIGKILL');
    server = await startServe({ dataDir, dataset });
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="summary"]', { timeout: 60_000 });
    await page.click('[data-testid="tab-review"]');
    await page.waitForSelector(`[data-testid="unit-row"][data-cluster-id="${unit}"]`, { timeout: 60_000 });
    await page.click(`[data-testid="unit-row"][data-cluster-id="${unit}"]`);
    await expect.poll(unitId).toBe(unit);
    expect(await page.getAttribute(cellSel(cell), 'data-label')).toBe(want);
  });
});
