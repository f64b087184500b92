// The column dialog in real Chromium against browser mode: typing the folder of a Parquet table whose
// columns say nothing (pic, desc, part) opens the dialog with the columns and the guesses; Esc
// cancels and leaves the open dataset; choosing the columns and Open opens the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newAppPage } from '../helpers/chromium.js';
import { mlens } from '../helpers/cli.js';
import { writeAmbiguousTable } from '../helpers/column_tables.js';
import { startServe, type ServeHandle } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';

let server: ServeHandle;
let browser: Browser;
let page: Page;
const tmp = tempDir('mlens-e2e-columns-');
const sample = join(tmp.dir, 'sample');
const table = join(tmp.dir, 'table');

beforeAll(async () => {
  const r = mlens(['sample', '--out', sample, '--images', '100', '--json']);
  expect(r.code, r.stderr).toBe(0);
  writeAmbiguousTable(table);
  server = await startServe({ dataDir: join(tmp.dir, 'data'), dataset: sample, allow: [tmp.dir] });
  browser = await launchChromium();
  page = await newAppPage(browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

/** The data-testid of the element that has the keyboard focus. */
function focusedTestId(): Promise<string | undefined> {
  return page.evaluate(() => (globalThis as any).document.activeElement?.dataset?.testid);
}

async function typeFolder(): Promise<void> {
  await page.fill('[data-testid="folder-input"]', table);
  await page.click('[data-testid="open-folder"]');
  await page.waitForSelector('[data-testid="column-dialog"]', { timeout: 30_000 });
}

describe('column dialog', () => {
  it('shows the columns and the guesses; Esc cancels and keeps the sample open', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="summary"]', { timeout: 120_000 });
    await expect.poll(() => page.textContent('[data-testid="count-images"]'), { timeout: 30_000 }).toBe('100');
    await typeFolder();
    const list = await page.textContent('[data-testid="column-list"]');
    for (const c of ['pic', 'desc', 'note', 'part', 'score', 'double']) expect(list).toContain(c);
    expect(await page.inputValue('[data-testid="column-select-image"]')).toBe('pic');
    expect(await page.inputValue('[data-testid="column-select-caption"]')).toBe('desc');
    expect(await page.inputValue('[data-testid="column-select-split"]')).toBe('');
    // the first select has the focus; its label names it
    expect(await focusedTestId()).toBe('column-select-image');
    expect(await page.getByLabel('Caption', { exact: true }).getAttribute('data-testid')).toBe('column-select-caption');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('[data-testid="column-dialog"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="count-images"]')).toBe('100');
  });

  it('picks the columns with the keyboard and mouse, opens the table and shows its caption count', async () => {
    await typeFolder();
    // the same column for image and caption is refused before anything is sent
    await page.selectOption('[data-testid="column-select-caption"]', 'pic');
    expect(await page.isDisabled('[data-testid="column-dialog-open"]')).toBe(true);
    expect(await page.textContent('[data-testid="column-dialog-error"]')).toContain('must differ');
    await page.selectOption('[data-testid="column-select-caption"]', 'desc');
    await page.selectOption('[data-testid="column-select-split"]', 'part');
    // Tab reaches Open; Enter opens
    await page.focus('[data-testid="column-dialog-cancel"]');
    await page.keyboard.press('Tab');
    expect(await focusedTestId()).toBe('column-dialog-open');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="column-dialog"]').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.textContent('[data-testid="count-captions"]'), { timeout: 30_000 }).toBe('6');
    expect(await page.textContent('[data-testid="count-images"]')).toBe('6');
  });
});
