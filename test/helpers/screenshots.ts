// Screenshots the e2e tests take of the app. A plain `npm test` writes them to a temporary
// folder, so it never touches tracked files; `npm run docs:screenshots` sets
// MLENS_DOCS_SCREENSHOTS to the docs folder and refreshes the README's pictures.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

export function screenshotDir(): string {
  const dir = process.env.MLENS_DOCS_SCREENSHOTS ? resolve(process.env.MLENS_DOCS_SCREENSHOTS) : join(tmpdir(), 'mlens-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Saves a screenshot of the page as NAME (e.g. 'screenshot.png'); returns its path. */
export async function docsScreenshot(page: Page, name: string): Promise<string> {
  const path = join(screenshotDir(), name);
  await page.screenshot({ path });
  return path;
}
