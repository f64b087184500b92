// Spaces, encoders, heads and glyphs in real Chromium against browser mode: encode the sample with
// the baseline encoder from the UI (progress, a new active space, the map redrawn with the same
// points), switch back to the folder's embeddings, train a PCME++ head for 3 epochs from the Train
// tab (live curve, result), then the map draws variance glyphs, the uncertainty histogram renders,
// and neighbour rows show the exact CSD and match probability.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newAppPage } from '../helpers/chromium.js';
import { serveSample, type ServeHandle } from '../helpers/server.js';
import { tempDir } from '../helpers/tmp.js';
import { docsScreenshot } from '../helpers/screenshots.js';
import { SCIENCE_RUNS } from '../../src/shared/science_findings.js';
import { targetSummary } from '../../src/shared/science_findings_types.js';

const tmp = tempDir('mlens-e2e-spaces-');
let server: ServeHandle;
let browser: Browser;
let page: Page;

type GlyphLod = { drawn: number; candidates: number; small: number; limit: string };
type MapHook = { pointCount: number; frames: number; glyphCount: number; glyphsDrawn: number; glyphLod: GlyphLod | null; scale: number };
const mapState = () => page.evaluate(() => {
  const m = (globalThis as unknown as { __mlensMap?: MapHook }).__mlensMap;
  return m ? { pointCount: m.pointCount, frames: m.frames, glyphCount: m.glyphCount, glyphsDrawn: m.glyphsDrawn, glyphLod: m.glyphLod, scale: m.scale } : null;
});

beforeAll(async () => {
  ({ server } = await serveSample(tmp.dir, 150));
  browser = await launchChromium();
  page = await newAppPage(browser);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

let points = 0;
let encodedId = '';
/** The residual-variance head fitted from the Train tab (its means are the encoded space's). */
let residualId = '';
let autoStep = '4';

describe('spaces, encoders, heads and glyphs in the browser', () => {
  it('shows the backend and the active space in the status bar', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="summary"]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 120_000 });
    points = (await mapState())!.pointCount;
    expect(points).toBeGreaterThan(150);
    expect((await page.textContent('[data-testid="status-backend"]'))!.length).toBeGreaterThan(0);
    expect(await page.getAttribute('[data-testid="status-space"]', 'data-space-id')).toBe('dataset');
  }, 180_000);

  it('encodes with the baseline encoder from the UI: progress, a new active space, the same points redrawn', async () => {
    await page.click('[data-testid="tab-spaces"]');
    await page.waitForSelector('[data-testid="encode-panel"]');
    expect(await page.locator('[data-testid="space-row"]').count()).toBe(1);
    // Record whether the inline progress bar ever appeared (encoding 150 images can be quick).
    await page.evaluate(() => {
      const g = globalThis as any;
      const obs = new g.MutationObserver(() => {
        const el = g.document.querySelector('[data-testid="encode-progress"]');
        if (el && el.textContent) g.__sawProgress = el.textContent;
      });
      obs.observe(g.document.body, { childList: true, subtree: true, characterData: true });
    });
    await page.selectOption('[data-testid="encoder-kind"]', 'baseline');
    const framesBefore = (await mapState())!.frames;
    await page.click('[data-testid="encode-start"]');
    await page.waitForSelector('[data-testid="encode-result"]', { timeout: 240_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { __sawProgress?: string }).__sawProgress ?? '')).not.toBe('');
    await expect.poll(() => page.locator('[data-testid="space-row"]').count(), { timeout: 10_000 }).toBe(2);
    const active = page.locator('[data-testid="space-row"][data-active="true"]');
    encodedId = (await active.getAttribute('data-space-id'))!;
    expect(encodedId).not.toBe('dataset');
    await expect.poll(() => page.getAttribute('[data-testid="status-space"]', 'data-space-id'), { timeout: 10_000 }).toBe(encodedId);
    // The map reloads the projection of the new space and redraws the same items.
    await expect.poll(async () => (await mapState())!.frames, { timeout: 120_000 }).toBeGreaterThan(framesBefore);
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 120_000 });
    expect((await mapState())!.pointCount).toBe(points);
    expect(await page.locator('[data-testid="encode-error"]').count()).toBe(0);
  }, 300_000);

  it('names the missing model files when a CLIP folder is incomplete', async () => {
    await page.selectOption('[data-testid="encoder-kind"]', 'clip');
    await page.fill('[data-testid="encoder-path"]', join(tmp.dir, 'no-such-model'));
    await page.click('[data-testid="encode-start"]');
    await page.waitForSelector('[data-testid="encode-error"]', { timeout: 60_000 });
    expect((await page.textContent('[data-testid="encode-error"]'))!.length).toBeGreaterThan(5);
    await page.selectOption('[data-testid="encoder-kind"]', 'baseline');
  }, 90_000);

  it("passes the built-in encoder's settings through and shows a bad one's error by name", async () => {
    await page.selectOption('[data-testid="encoder-kind"]', 'baseline');
    await page.fill('[data-testid="encoder-settings"]', 'textDropout=1');
    await page.click('[data-testid="encode-start"]');
    await page.waitForSelector('[data-testid="encode-error"]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid="encode-error"]')).toMatch(/textDropout=1 must be below 1/);
    expect(await page.locator('[data-testid="space-row"]').count()).toBe(2);
    await page.fill('[data-testid="encoder-settings"]', '');
  }, 90_000);

  it('switches back to the folder embeddings', async () => {
    await page.click('[data-testid="space-row"][data-space-id="dataset"] [data-testid="activate-space"]');
    await expect.poll(() => page.getAttribute('[data-testid="status-space"]', 'data-space-id'), { timeout: 10_000 }).toBe('dataset');
    await expect.poll(() => page.getAttribute('[data-testid="space-row"][data-space-id="dataset"]', 'data-active')).toBe('true');
  });

  it('trains a PCME++ head for 3 epochs from the Train tab with a live curve and a result', async () => {
    await page.click('[data-testid="tab-train"]');
    await page.selectOption('[data-testid="head-kind"]', 'pcme');
    await page.fill('[data-testid="head-epochs"]', '3');
    await page.click('[data-testid="train-start"]');
    await page.waitForSelector('[data-testid="train-result"]', { timeout: 240_000 });
    expect(await page.getAttribute('[data-testid="train-curves"]', 'data-epochs')).toBe('3');
    expect(await page.locator('[data-testid="loss-chart-point"]').count()).toBe(3);
    expect(await page.locator('[data-testid="val-chart-point"]').count()).toBe(6);
    expect(await page.textContent('[data-testid="train-result"]')).toMatch(/validation/);
    // the last epoch's validation scores beside the kept (best) ones
    expect(await page.textContent('[data-testid="train-result-last"]')).toMatch(/last epoch/);
    await page.waitForSelector('[data-testid="run-row"]', { timeout: 30_000 });
    // The new probabilistic space is active.
    await expect.poll(() => page.textContent('[data-testid="status-space"]'), { timeout: 10_000 }).toContain('probabilistic');
  }, 300_000);

  it('trains PCME++ with the inclusion option: it warns of the cost, keeps the last epoch and names itself', async () => {
    // Trained on the folder embeddings, as the plain head was; the plain head's space is active again afterwards.
    const plain = (await page.getAttribute('[data-testid="status-space"]', 'data-space-id'))!;
    const activate = async (id: string) => {
      await page.click('[data-testid="tab-spaces"]');
      await page.click(`[data-testid="space-row"][data-space-id="${id}"] [data-testid="activate-space"]`);
      await expect.poll(() => page.getAttribute('[data-testid="status-space"]', 'data-space-id'), { timeout: 10_000 }).toBe(id);
    };
    await activate('dataset');
    await page.click('[data-testid="tab-train"]');
    await page.selectOption('[data-testid="head-kind"]', 'pcme');
    expect(await page.locator('[data-testid="head-inclusion-note"]').count()).toBe(0);
    await page.check('[data-testid="head-inclusion"]');
    expect(await page.textContent('[data-testid="head-inclusion-note"]')).toMatch(/costs retrieval/);
    await page.fill('[data-testid="head-epochs"]', '2');
    await page.click('[data-testid="train-start"]');
    await expect.poll(() => page.textContent('[data-testid="train-kept-last"]').catch(() => ''), { timeout: 240_000 }).toMatch(/^kept the last epoch \(best validation mAP@R at epoch \d\)$/);
    expect(await page.textContent('[data-testid="train-result"]')).toMatch(/pcme \+ inclusion 0\.3 on /);
    // Compare runs: the kept weights' validation mAP@R says it is the last epoch's; the plain run's does not.
    const row = (text: RegExp) => page.locator('[data-testid="run-row"]', { hasText: text }).locator('[data-testid="run-kept"]');
    await expect.poll(() => row(/inclusion/).textContent().catch(() => ''), { timeout: 30_000 }).toMatch(/^[01]\.\d{3} \(last epoch\)$/);
    expect(await row(/^(?!.*inclusion).*pcme on /).first().textContent()).toMatch(/^[01]\.\d{3}$/);
    await expect.poll(() => page.textContent('[data-testid="status-space"]'), { timeout: 10_000 }).toContain('inclusion');
    // The box stays a PCME++ option: another head does not offer it.
    await page.selectOption('[data-testid="head-kind"]', 'cond');
    expect(await page.locator('[data-testid="head-inclusion"]').count()).toBe(0);
    await page.selectOption('[data-testid="head-kind"]', 'pcme');
    await page.uncheck('[data-testid="head-inclusion"]');
    await activate(plain);
  }, 300_000);

  it('draws variance glyphs on the map, with a legend and an exaggeration control', async () => {
    await page.waitForSelector('[data-testid="map-canvas"][data-ready="true"]', { timeout: 120_000 });
    await expect.poll(async () => (await mapState())!.glyphCount, { timeout: 120_000 }).toBeGreaterThan(0);
    expect((await mapState())!.pointCount).toBe(points);
    expect(await page.textContent('[data-testid="glyph-legend"]')).toContain('radius = √(Σσ²) in local map units');
    // The glyphs start scaled down when the variances are large next to the map ("auto"), else at ×1.
    const startValue = Number((await page.textContent('[data-testid="glyph-exaggeration-value"]'))!.slice(1));
    autoStep = await page.inputValue('[data-testid="glyph-exaggeration"]');
    expect(startValue).toBeLessThanOrEqual(1);
    expect(await page.locator('[data-testid="glyph-exaggeration-auto"]').count()).toBe(startValue < 1 ? 1 : 0);
    await page.fill('[data-testid="glyph-exaggeration"]', '6');
    expect(await page.textContent('[data-testid="glyph-exaggeration-value"]')).toBe('×3');
    expect(await page.locator('[data-testid="glyph-exaggeration-auto"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="glyph-legend"]')).toContain('× 3 (exaggerated)');
    await page.fill('[data-testid="glyph-exaggeration"]', '4');
    expect(await page.textContent('[data-testid="glyph-exaggeration-value"]')).toBe('×1');
    await page.uncheck('[data-testid="show-glyphs"]');
    await expect.poll(async () => (await mapState())!.glyphCount).toBe(0);
    // No glyphs, no glyph legend.
    expect(await page.locator('[data-testid="glyph-legend"]').count()).toBe(0);
    await page.check('[data-testid="show-glyphs"]');
    await expect.poll(async () => (await mapState())!.glyphCount).toBeGreaterThan(0);
  }, 180_000);

  it('draws glyphs with a level of detail: zoomed far out they are plain points, and the legend says so', async () => {
    // At the fitted view the glyphs on screen are drawn as glyph quads.
    await page.focus('[data-testid="map-canvas"]');
    const framesBefore = (await mapState())!.frames;
    await page.keyboard.press('0');
    await expect.poll(async () => (await mapState())!.frames, { timeout: 30_000 }).toBeGreaterThan(framesBefore);
    const fitted = (await mapState())!;
    expect(fitted.glyphsDrawn).toBeGreaterThan(0);
    expect(fitted.glyphsDrawn).toBeLessThanOrEqual(fitted.glyphCount);
    expect(fitted.glyphsDrawn).toBe(fitted.glyphLod!.drawn);
    // Zoom out to the limit (1/20 of the fitted scale): glyphs shrink under 1.5 px and become points.
    for (let k = 0; k < 16; k++) await page.keyboard.press('-');
    await expect.poll(async () => (await mapState())!.scale, { timeout: 30_000 }).toBeLessThan(fitted.scale / 10);
    // (At the fitted view the pixel budget may bind, so fewer glyphs are not guaranteed; sub-pixel ones are.)
    await expect.poll(async () => (await mapState())!.glyphLod!.small, { timeout: 30_000 }).toBeGreaterThan(fitted.glyphLod!.small);
    const far = (await mapState())!;
    expect(far.glyphsDrawn).toBe(far.glyphLod!.drawn);
    expect(far.pointCount).toBe(points);
    const note = page.locator('[data-testid="glyph-lod-note"]');
    await expect.poll(() => note.textContent(), { timeout: 10_000 }).toMatch(/glyphs? under 1\.5 px radius shown as plain points/);
    // Fitting again brings the glyphs back.
    await page.keyboard.press('0');
    await expect.poll(async () => (await mapState())!.glyphsDrawn, { timeout: 30_000 }).toBe(fitted.glyphsDrawn);
  }, 90_000);

  it('renders the uncertainty histogram and selects an item from the most-uncertain list', async () => {
    await page.click('[data-testid="tab-uncertainty"]');
    await page.waitForSelector('[data-testid="uncertainty-hist"]', { timeout: 60_000 });
    // One histogram per modality, each on its own axis.
    expect(await page.locator('[data-testid="uncertainty-hist-images"] rect[data-series]').count()).toBeGreaterThan(1);
    expect(await page.locator('[data-testid="uncertainty-hist-captions"] rect[data-series]').count()).toBeGreaterThan(1);
    expect(await page.locator('[data-testid="uncertain-item"]').count()).toBeGreaterThan(5);
    // What Σσ² follows: the sample has truth, so multiplicity and nearest-partner ρ are both numbers.
    await page.waitForSelector('[data-testid="variance-follows"]', { timeout: 60_000 });
    for (const cell of ['follows-caption-multiplicity', 'follows-caption-multiplicity-valtest', 'follows-caption-nearest', 'follows-image-multiplicity', 'follows-image-nearest']) {
      expect(await page.textContent(`[data-testid="${cell}"]`)).toMatch(/^-?[01]\.\d\d$/);
    }
    // beside each multiplicity ρ, the partial ρ given the nearest-partner distance
    for (const cell of ['follows-caption-multiplicity-partial', 'follows-caption-multiplicity-valtest-partial', 'follows-image-multiplicity-partial']) {
      expect(await page.textContent(`[data-testid="${cell}"]`)).toMatch(/^-?[01]\.\d\d$/);
    }
    // The protocol's verdicts on the Σσ² targets, per head, as the science JSON gives them (misses named with their world).
    const pcme = targetSummary(SCIENCE_RUNS, 'caption_variance_rho');
    expect(pcme).not.toBe('');
    expect(await page.textContent('[data-testid="findings-pcme-caption"]')).toContain(pcme);
    expect(await page.textContent('[data-testid="findings-residual-image"]')).toContain(targetSummary(SCIENCE_RUNS, 'residual_image_variance_rho'));
    expect(await page.textContent('[data-testid="variance-follows"]')).toMatch(/Over [\d,]+ captions/);
    await page.check('[data-testid="color-uncertainty"]');
    // Colouring by Σσ² shows its scale, with the symbol as written (no uppercase σ → Σ).
    await page.waitForSelector('[data-testid="colour-scale"]');
    expect(await page.textContent('[data-testid="colour-scale"] .colour-scale-title')).toBe('Σσ² (active space)');
    expect(Number(await page.getAttribute('[data-testid="colour-scale"]', 'data-hi'))).toBeGreaterThan(Number(await page.getAttribute('[data-testid="colour-scale"]', 'data-lo')));
    await page.click('[data-testid="uncertain-item"] >> nth=0 >> button');
    await page.waitForSelector('[data-testid="detail-panel"]', { timeout: 30_000 });
  }, 90_000);

  it('shows the exact CSD and match probability of neighbour pairs', async () => {
    await page.waitForSelector('[data-testid="neighbor-row"] [data-testid="neighbor-csd"]', { timeout: 30_000 });
    const text = (await page.locator('[data-testid="neighbor-csd"]').first().textContent())!;
    expect(text).toMatch(/CSD \d/);
    expect(text).toMatch(/match p 0?\.\d+|match p 1\.0/);
    await page.click('[data-testid="neighbor-row"] >> nth=0 >> [data-testid="push-button"]');
    await page.waitForSelector('[data-testid="pair-csd-p"]', { timeout: 30_000 });
    expect(await page.textContent('[data-testid="pair-csd"]')).toContain('Σσ²');
    // A picture of the glyphs with the detail panel (docs/glyphs.png).
    const dismiss = page.locator('[data-testid="error"] button.x');
    if (await dismiss.count()) await dismiss.click();
    await page.uncheck('[data-testid="color-uncertainty"]');
    await page.fill('[data-testid="glyph-exaggeration"]', autoStep);
    await page.waitForTimeout(400);
    await docsScreenshot(page, 'glyphs.png');
  }, 60_000);

  it('fits the residual-variance head from the Train tab: no epochs, closed form, a new probabilistic space', async () => {
    await page.click('[data-testid="tab-spaces"]');
    await page.click(`[data-testid="space-row"][data-space-id="${encodedId}"] [data-testid="activate-space"]`);
    await expect.poll(() => page.getAttribute('[data-testid="status-space"]', 'data-space-id'), { timeout: 10_000 }).toBe(encodedId);
    await page.click('[data-testid="tab-train"]');
    await page.selectOption('[data-testid="head-kind"]', 'residual');
    expect(await page.locator('[data-testid="head-epochs"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="head-residual-note"]')).toMatch(/No epochs/);
    await page.click('[data-testid="train-start"]');
    await expect.poll(() => page.textContent('[data-testid="train-result"]').catch(() => ''), { timeout: 120_000 }).toMatch(/residual variance on .* · residual · closed form/);
    expect(await page.locator('[data-testid="train-result-last"]').count()).toBe(0);
    expect(await page.textContent('[data-testid="train-spearman"]')).toMatch(/Spearman ρ/);
    // What the variance mixed in, and each check's outcome, as `mlens train` prints them.
    const notes = await page.locator('[data-testid="train-variance-notes"] li').allTextContents();
    expect(notes[0]).toMatch(/^variance: the residual blended with effective partners \(τ [\d.]+; weight 0\.75 for captions, 0\.5 for images\)$/);
    expect(notes[1]).toMatch(/^captions: caption coverage (\(images of the split whose other captions hold all of a caption's content words\) mixed in|not used)/);
    expect(notes[2]).toMatch(/^images: coverage .*caption coverage('s transpose| passed| failed)/);
    await expect.poll(() => page.textContent('[data-testid="status-space"]'), { timeout: 10_000 }).toContain('residual variance');
    residualId = (await page.getAttribute('[data-testid="status-space"]', 'data-space-id'))!;
    expect(residualId).not.toBe(encodedId);
    // Its Σσ² can span a narrow range: each histogram's axis still prints its two ends apart.
    await page.click('[data-testid="tab-uncertainty"]');
    for (const which of ['images', 'captions']) {
      const hist = `[data-testid="uncertainty-hist-${which}"]`;
      await page.waitForSelector(`${hist} rect[data-series]`, { timeout: 60_000 });
      const lo = await page.textContent(`${hist} text[data-axis="lo"]`);
      const hi = await page.textContent(`${hist} text[data-axis="hi"]`);
      expect(Number(hi)).toBeGreaterThan(Number(lo));
    }
  }, 180_000);

  it("mines the encoders' spaces and not the oracle by default, and the space boxes say so", async () => {
    await page.click('[data-testid="tab-review"]');
    const box = (id: string) => page.locator(`[data-testid="mine-spaces"] input[data-space-id="${id}"]`);
    expect(await page.locator('[data-testid="mine-spaces"] input').count()).toBeGreaterThanOrEqual(3);
    expect(await box('dataset').isChecked()).toBe(false);
    expect(await box(encodedId).isChecked()).toBe(true);
    expect(await page.locator('[data-testid="mine-oracle-note"]').count()).toBe(0);
    // The residual head keeps the encoded space's means: left out while its parent is mined, and said why.
    expect(await box(residualId).isChecked()).toBe(false);
    expect(await page.textContent('[data-testid="mine-residual-note"]')).toMatch(/keeps its parent's means: mined only when ticked/);
    await page.click('[data-testid="mine-button"]');
    await page.waitForSelector('[data-testid="mine-summary"]', { timeout: 120_000 });
    const summary = (await page.textContent('[data-testid="mine-summary"]'))!;
    expect(summary).toContain('baseline');
    expect(summary).not.toContain("oracle");
    expect(summary).not.toContain('residual variance');
    // Ticking the residual head beside its parent says what that does to agreement.
    await box(residualId).check();
    expect(await page.textContent('[data-testid="mine-residual-note"]')).toMatch(/keeps its ticked parent's means: a pair both propose counts as two spaces agreeing/);
    // Ticking the oracle says what its candidates are; unticking every box leaves nothing to mine.
    await box('dataset').check();
    expect(await page.textContent('[data-testid="mine-oracle-note"]')).toMatch(/built from the truth/);
    for (const input of await page.locator('[data-testid="mine-spaces"] input').all()) await input.uncheck();
    expect(await page.isDisabled('[data-testid="mine-button"]')).toBe(true);
    expect(await page.textContent('[data-testid="mine-no-space"]')).toMatch(/tick at least one space/);
  }, 180_000);
});
