// The map's tools in real Chromium against browser mode: search a caption word and fly to the
// result, colour by split and by a number (a key with the split names, a scale with its ends),
// the `?` shortcuts overlay, overlays that never overlap, the confined folder picker, and a folder
// without embeddings encoded with one click.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newAppPage } from '../helpers/chromium.js';
import { root, serveSample, type ServeHandle } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-e2e-maptools-');
const base = realpathSync(tmp.dir);
let server: ServeHandle;
let dataset = '';
let browser: Browser;
let page: Page;
let nImages = 0;
let captions: Array<{ image: string; caption: string; id: string; split: string }> = [];

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const map = <T,>(fn: string) => page.evaluate((f) => (globalThis as any).__mlensMap[f], fn) as Promise<T>;

beforeAll(async () => {
  ({ server, dataset } = await serveSample(base, 150, { allow: [base] }));
  captions = readFileSync(join(dataset, 'captions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  nImages = new Set(captions.map((c) => c.image)).size;
  // A second folder with images and captions but no embeddings (no map until it is encoded).
  const plain = join(base, 'plain');
  mkdirSync(join(plain, 'images'), { recursive: true });
  const some = captions.filter((c) => Number(c.image.match(/\d+/)![0]) < 40);
  for (const img of new Set(some.map((c) => c.image))) copyFileSync(join(dataset, img), join(plain, img));
  writeFileSync(join(plain, 'captions.jsonl'), some.map((c) => JSON.stringify({ image: c.image, caption: c.caption, id: c.id, split: c.split })).join('\n') + '\n');
  browser = await launchChromium();
  page = await newAppPage(browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

describe('map tools in the browser', () => {
  it('opens the sample with the path box showing its folder', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 120_000 });
    expect(await map<number>('pointCount')).toBe(nImages + captions.length);
    expect(await page.inputValue('[data-testid="folder-input"]')).toBe(realpathSync(dataset));
  }, 180_000);

  it('finds a caption by a word, flies to it and selects it', async () => {
    const target = 7;
    const word = captions[target].caption.split(/\s+/).sort((a, b) => b.length - a.length)[0].toUpperCase();
    await page.fill('[data-testid="map-search-input"]', word);
    const hit = page.locator(`[data-testid="map-search-hit"][data-kind="caption"][data-index="${target}"]`);
    await hit.waitFor({ timeout: 10_000 });
    // Case-insensitive: every hit contains the word in any case.
    for (const t of await page.locator('[data-testid="map-search-hit"] .search-hit-text').allTextContents()) expect(t.toLowerCase()).toContain(word.toLowerCase());
    await hit.click();
    await expect.poll(() => page.textContent('[data-testid="detail-panel"] h2'), { timeout: 10_000 }).toBe(`Caption #${target}`);
    expect(await page.locator('[data-testid="map-search-results"]').count()).toBe(0);
    // The camera flew there: the point is at the centre of the map.
    const canvas = (await page.locator('[data-testid="map-canvas"]').boundingBox())!;
    await expect
      .poll(async () => {
        const p = await page.evaluate((i) => (globalThis as any).__mlensMap.project(i), nImages + target);
        return Math.hypot(p.x - (canvas.x + canvas.width / 2), p.y - (canvas.y + canvas.height / 2));
      }, { timeout: 5_000 })
      .toBeLessThan(2);
  }, 60_000);

  it('finds an image by its file name and by its id', async () => {
    await page.fill('[data-testid="map-search-input"]', '000042.png');
    const hit = page.locator('[data-testid="map-search-hit"][data-kind="image"][data-index="42"]');
    await hit.waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="map-search-hit"]').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid="detail-panel"] h2'), { timeout: 10_000 }).toMatch(/^Image #42/);
    // By id ("000042" is the sample's id of that image): the exact id comes first.
    await page.fill('[data-testid="map-search-input"]', '000042');
    await expect.poll(() => page.locator('[data-testid="map-search-hit"]').first().getAttribute('data-index'), { timeout: 10_000 }).toBe('42');
    expect(await page.locator('[data-testid="map-search-hit"]').first().getAttribute('data-kind')).toBe('image');
    await page.fill('[data-testid="map-search-input"]', 'no such caption anywhere');
    await expect.poll(() => page.textContent('[data-testid="map-search-results"]'), { timeout: 10_000 }).toContain('Nothing matches');
    await page.fill('[data-testid="map-search-input"]', '');
  }, 30_000);

  it('colours by split with a key naming the splits, and by a number with a scale', async () => {
    await page.selectOption('[data-testid="colour-by-select"]', 'split');
    const entries = page.locator('[data-testid="colour-legend-entry"]');
    await expect.poll(() => entries.count(), { timeout: 10_000 }).toBeGreaterThan(1);
    const labels = (await page.locator('[data-testid="colour-legend-entry"] .colour-key-label').allTextContents()).sort();
    expect(labels).toEqual([...new Set(captions.map((c) => c.split))].sort());
    // The key counts every point drawn.
    const counts = (await entries.evaluateAll((els) => els.map((e) => Number(e.getAttribute('title')!.match(/: ([\d,]+) points/)![1].replace(/,/g, '')))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(nImages + captions.length);
    // The default dot legend is gone: it would not describe these colours.
    expect(await page.locator('[data-testid="map-legend"] .dot').count()).toBe(0);

    await page.selectOption('[data-testid="colour-by-select"]', 'value:caption_words');
    await page.waitForSelector('[data-testid="colour-scale"]');
    const words = captions.map((c) => c.caption.trim().split(/\s+/).length);
    const lo = Number(await page.getAttribute('[data-testid="colour-scale"]', 'data-lo'));
    const hi = Number(await page.getAttribute('[data-testid="colour-scale"]', 'data-hi'));
    expect(lo).toBeGreaterThanOrEqual(Math.min(...words));
    expect(hi).toBeLessThanOrEqual(Math.max(...words));
    expect(hi).toBeGreaterThan(lo);
    expect(await page.textContent('[data-testid="colour-scale"]')).toContain(`${nImages} without a value (grey)`);
    const bar = await page.locator('.colour-scale-bar').evaluate((e) => (globalThis as any).getComputedStyle(e).backgroundImage);
    expect(bar).toContain('linear-gradient');

    // Effective partners of the map's space: computed when chosen, every item has one (≥ 1).
    await page.selectOption('[data-testid="colour-by-select"]', 'value:partners');
    await page.waitForSelector('[data-testid="colour-scale"]', { timeout: 20_000 });
    expect(await page.textContent('[data-testid="partners-note"]')).toMatch(/effective partners: how many items of the other modality/);
    const plo = Number(await page.getAttribute('[data-testid="colour-scale"]', 'data-lo'));
    const phi = Number(await page.getAttribute('[data-testid="colour-scale"]', 'data-hi'));
    expect(plo).toBeGreaterThanOrEqual(1);
    expect(phi).toBeGreaterThan(plo);
    expect(await page.textContent('[data-testid="colour-scale"]')).not.toContain('without a value');

    await page.selectOption('[data-testid="colour-by-select"]', 'default');
    expect(await page.locator('[data-testid="colour-scale"]').count()).toBe(0);
    expect(await page.locator('[data-testid="partners-note"]').count()).toBe(0);
    expect(await page.locator('[data-testid="map-legend"] .dot').count()).toBe(3);
  }, 60_000);

  it('draws a key for the lines of a selection, and no overlay covers another', async () => {
    expect(await page.locator('[data-testid="line-key-entry"]').allTextContents()).toEqual(expect.arrayContaining(['annotated partner']));
    // Each card with the controls inside it (an input wider than its column would spill over the other).
    const boxes = () =>
      page.locator('.overlay-stack > *').evaluateAll((els) =>
        els.flatMap((e, card) =>
          [e, ...Array.from(e.querySelectorAll('input, select, button'))].map((x) => {
            const r = x.getBoundingClientRect();
            return { card, x: r.x, y: r.y, width: r.width, height: r.height, name: `${e.getAttribute('data-testid') ?? e.className}${x === e ? '' : ` ${x.tagName.toLowerCase()}`}` };
          }),
        ),
      );
    // No control sticks out of its overlay column, whatever happens to be beside it.
    const spills = () =>
      page.locator('.overlay-stack').evaluateAll((stacks) =>
        stacks.flatMap((st) => {
          const s = st.getBoundingClientRect();
          return ([...Array.from(st.children), ...Array.from(st.querySelectorAll('input, select, button'))] as any[])
            .map((x) => ({ r: x.getBoundingClientRect(), name: x.getAttribute('aria-label') ?? x.getAttribute('placeholder') ?? x.tagName }))
            .filter(({ r }) => r.width > 0 && (r.left < s.left - 1 || r.right > s.right + 1))
            .map(({ name }) => name);
        }),
      );
    const check = async (): Promise<void> => {
      expect(await spills()).toEqual([]);
      const b = (await boxes()).filter((x) => x.width > 0 && x.height > 0);
      expect(new Set(b.map((x) => x.card)).size).toBeGreaterThanOrEqual(4);
      for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) if (b[i].card !== b[j].card) expect(overlaps(b[i], b[j]), `${b[i].name} × ${b[j].name}`).toBe(false);
    };
    await check();
    // A narrow map (a small window, or wide side panels) must not make them collide either.
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 1000, height: size.height });
    try {
      await page.waitForTimeout(300);
      await check();
    } finally {
      await page.setViewportSize(size);
    }
  }, 30_000);

  it('opens the shortcuts with ? and closes them with Esc, keeping the selection', async () => {
    await page.focus('[data-testid="map-canvas"]');
    await page.keyboard.press('?');
    const overlay = page.locator('[data-testid="shortcuts-overlay"]');
    await overlay.waitFor({ timeout: 5_000 });
    const text = (await overlay.textContent())!;
    expect(text).toContain('fit the whole map in view');
    expect(text).toContain('zoom in / out');
    expect(text).toContain('clear the selection');
    expect(await page.textContent('[data-testid="help-corner"]')).toMatch(/0\s*fit.*\+\s*-\s*zoom/);
    await page.keyboard.press('Escape');
    await expect.poll(() => overlay.count(), { timeout: 5_000 }).toBe(0);
    expect(await page.locator('[data-testid="detail-panel"]').count()).toBe(1);
    await page.click('[data-testid="help-corner"]');
    await overlay.waitFor({ timeout: 5_000 });
    await page.keyboard.press('Escape');
    await expect.poll(() => overlay.count(), { timeout: 5_000 }).toBe(0);
  }, 30_000);

  it('browses the allowed folders only, and opens one that has no embeddings', async () => {
    // A status message about the sample ("Nothing to undo"), which must not outlive it.
    await page.focus('[data-testid="map-canvas"]');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.textContent('[data-testid="notice"]'), { timeout: 5_000 }).toBe('Nothing to undo');
    await page.click('[data-testid="browse-folders"]');
    const picker = page.locator('[data-testid="folder-picker"]');
    await picker.waitFor({ timeout: 5_000 });
    // It starts at the open folder (a dataset); up one level are the sample and the plain folder.
    await expect.poll(() => page.inputValue('[data-testid="folder-picker-path"]'), { timeout: 5_000 }).toBe(realpathSync(dataset));
    await page.click('[data-testid="folder-up"]');
    await expect.poll(() => page.inputValue('[data-testid="folder-picker-path"]'), { timeout: 5_000 }).toBe(base);
    const names = await page.locator('[data-testid="folder-entry"]').allTextContents();
    expect(names.join(' ')).toContain('plain');
    expect(await page.locator('[data-testid="folder-up"]').count()).toBe(0); // the root's parent is not allowed
    // Outside the allowed root: refused with a message.
    await page.fill('[data-testid="folder-picker-path"]', '/');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('[data-testid="folder-picker-error"]'), { timeout: 5_000 }).toContain('outside the folders this server may browse');
    await page.fill('[data-testid="folder-picker-path"]', join(base, 'plain'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.isEnabled('[data-testid="folder-picker-open"]'), { timeout: 5_000 }).toBe(true);
    await page.click('[data-testid="folder-picker-open"]');
    await page.waitForSelector('[data-testid="encode-prompt"]', { timeout: 60_000 });
    expect(await page.inputValue('[data-testid="folder-input"]')).toBe(join(base, 'plain'));
    // What belonged to the sample is gone: its selection, its notices.
    expect(await page.locator('[data-testid="detail-panel"]').count()).toBe(0);
    expect(await page.locator('[data-testid="projection-error"]').count()).toBe(0);
    expect(await page.locator('[data-testid="notice"]').count()).toBe(0);
  }, 90_000);

  it('encodes the folder with one click; the map and the summary show the new space', async () => {
    await page.click('[data-testid="encode-builtin"]');
    // While it runs, the job bar's Cancel button is not covered by anything on the map.
    const cancel = page.locator('[data-testid="cancel-job"]').first();
    await cancel.waitFor({ timeout: 30_000 });
    const cancelBox = (await cancel.boundingBox())!;
    const topAtCancel = await page.evaluate(([x, y]) => (globalThis as any).document.elementFromPoint(x, y)?.getAttribute('data-testid'), [cancelBox.x + cancelBox.width / 2, cancelBox.y + cancelBox.height / 2]);
    expect(topAtCancel).toBe('cancel-job');
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 240_000 });
    await expect.poll(() => page.locator('[data-testid="encode-prompt"]').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.textContent('[data-testid="summary-space"]'), { timeout: 30_000 }).toMatch(/baseline/i);
    expect(await page.textContent('[data-testid="status-space"]')).toMatch(/baseline/i);
    expect(await page.textContent('[data-testid="notice"]')).toMatch(/^Encoded plain: space “.+” \(\d+-d\) is now active$/);
  }, 300_000);

  it('resolves a relative path typed in the path box and shows the folder it opened', async () => {
    await page.fill('[data-testid="folder-input"]', relative(root, dataset));
    await page.click('[data-testid="open-folder"]');
    await expect.poll(() => page.inputValue('[data-testid="folder-input"]'), { timeout: 60_000 }).toBe(realpathSync(dataset));
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 120_000 });
    expect(await page.textContent('[data-testid="summary"] h2')).toBe('sample');
  }, 180_000);
});
