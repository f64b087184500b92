// A map selection through the API on a generated sample: sent to review it becomes one unit at the
// front of the queue (every selected caption × selected image, annotated pairs included), capped
// with a message when too large; one undo takes it back; re-sending a mined pair moves it and undo
// puts it back. Exported, it is a SQLite file (label schema + `selection` table), a Parquet file
// and a CSV file, each read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parquetReadObjects } from 'hyparquet';
import { LensService } from '../../src/main/core/app/lens_service.js';
import { REFIT_DELAY_MS } from '../../src/main/core/services/review.js';
import { generateSample } from '../../src/main/core/sample/generate.js';
import { planSelectionUnit } from '../../src/main/core/review/selection_unit.js';
import { decodeSelectionBits, encodeSelectionBits } from '../../src/shared/selection_bits.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-selunit-');
let service: LensService;
let captionImage: number[] = [];

beforeAll(async () => {
  const out = join(tmp.dir, 'sample');
  await generateSample({ out, images: 100, preset: 'A', seed: 3, renderImages: false });
  service = new LensService({ dataDir: join(tmp.dir, 'data'), mode: 'browser' });
  await service.api.datasets.open({ path: out });
  captionImage = (await service.api.datasets.items()).captions.map((c) => c.imageIndex);
}, 120_000);

afterAll(() => {
  service?.close();
  tmp.cleanup();
});

describe('planSelectionUnit', () => {
  it('keeps captions with their annotated image first, then images annotated to kept captions, and says when it cut', () => {
    const ci = [0, 0, 1, 5, 9];
    const p = planSelectionUnit({ images: [0, 1, 2, 3], captions: [4, 3, 2, 1, 0] }, ci, { captions: 3, images: 2 });
    expect(p.captions).toEqual([0, 1, 2]);
    expect(p.images).toEqual([0, 1]);
    expect(p.referenceImages).toEqual([0, 1]);
    expect(p.capped).toBe(true);
    expect(planSelectionUnit({ images: [0, 1], captions: [0, 2] }, ci).capped).toBe(false);
  });
});

describe('selection bits', () => {
  it('round-trip a mask, fit a million-point lasso under the 1 MiB message limit, and refuse a wrong length', () => {
    for (const n of [5, 7, 8, 9, 23, 24, 25, 1000]) {
      const mask = Uint8Array.from({ length: n }, (_, i) => ((i * 7919) % 3 === 0 ? 1 : 0));
      const back = decodeSelectionBits(encodeSelectionBits(mask), 5, n - 5);
      const want = [...mask.keys()].filter((i) => mask[i]);
      expect([...back.images, ...back.captions.map((c) => c + 5)]).toEqual(want);
    }
    const big = new Uint8Array(1_000_000).fill(1, 0, 500_000);
    const bits = encodeSelectionBits(big);
    expect(bits.length).toBeLessThan(200_000);
    expect(decodeSelectionBits(bits, 400_000, 600_000).captions).toHaveLength(100_000);
    expect(() => decodeSelectionBits(bits, 10, 10)).toThrow(/cover/);
  });
});

describe('a map selection sent to review', () => {
  it('becomes the first unit of the queue, a block of every selected caption × image, and one undo removes it', async () => {
    const captions = [0, 1, 2, 3];
    const images = [...new Set(captions.map((c) => captionImage[c]))].concat([40]);
    const r = await service.api.review.sendSelection({ images, captions });
    expect(r.captions).toBe(4);
    expect(r.images).toBe(images.length);
    expect(r.pairs).toBe(4 * images.length);
    expect(r.capped).toBe(false);
    expect(r.message).toContain(`unit #${r.clusterId}`);
    const queue = await service.api.review.queue({});
    expect(queue[0].id).toBe(r.clusterId);
    expect(queue[0].source).toBe('selection');
    const unit = await service.api.review.unit({ clusterId: r.clusterId });
    expect(unit!.candidates).toHaveLength(r.pairs);
    // The annotated pairs are cells to review too.
    for (const c of captions) expect(unit!.candidates.some((k) => k.caption === c && k.image === captionImage[c])).toBe(true);
    // A decision made in it, then undo twice: first the decision, then the unit.
    await service.api.review.record({ decisions: [{ image: captionImage[0], caption: 0, label: 1 }], reviewer: 't', clusterId: r.clusterId });
    expect(await service.api.review.undo()).toBe(true);
    expect((await service.api.review.queue({}))[0]?.id).toBe(r.clusterId);
    expect(await service.api.review.undo()).toBe(true);
    expect((await service.api.review.queue({})).some((u) => u.id === r.clusterId)).toBe(false);
    expect(await service.api.review.unit({ clusterId: r.clusterId })).toBeNull();
  });

  it('takes the selection as bits, as the app sends it', async () => {
    const n = captionImage.length;
    const nImages = 100;
    const mask = new Uint8Array(nImages + n);
    mask[captionImage[5]] = 1;
    mask[nImages + 5] = 1;
    mask[nImages + 6] = 1;
    const r = await service.api.review.sendSelection({ bits: encodeSelectionBits(mask) });
    expect(r.captions).toBe(2);
    expect(r.images).toBe(1);
    await service.api.review.undo();
  });

  it('caps a large selection and says what it kept; refuses a selection without captions', async () => {
    const all = captionImage.map((_, c) => c);
    const imgs = Array.from({ length: 60 }, (_, i) => i);
    const r = await service.api.review.sendSelection({ images: imgs, captions: all });
    expect(r.capped).toBe(true);
    expect(r.captions).toBe(40);
    expect(r.images).toBe(40);
    expect(r.message).toMatch(/more than a unit holds/);
    await service.api.review.undo();
    await expect(service.api.review.sendSelection({ images: [1, 2], captions: [] })).rejects.toThrow(/needs captions and images/);
  });
});

describe('a map selection over mined units', () => {
  it('moves a mined pair into the unit (with its p̂), keeps the unit first after a refit, and undo puts the pair back', async () => {
    await service.api.mining.run({ jobId: 'mine1' });
    const queue = await service.api.review.queue({});
    const mined = queue.find((u) => u.source === 'mining')!;
    const before = await service.api.review.unit({ clusterId: mined.id });
    const pair = before!.candidates[0];
    const r = await service.api.review.sendSelection({ images: [pair.image], captions: [pair.caption, 0] });
    const unit = await service.api.review.unit({ clusterId: r.clusterId });
    const moved = unit!.candidates.find((k) => k.image === pair.image && k.caption === pair.caption)!;
    expect(moved.p).toBeCloseTo(pair.p, 5);
    expect(r.added).toBe(r.pairs - 1);
    // Decisions elsewhere refit the classifier and re-rank the mined units, once, after the last of
    // a quick run of decisions; the selection unit stays first.
    const refits: number[] = [];
    const off = service.onEvent((e) => {
      if (e.type === 'refit') refits.push(Date.now());
    });
    const t0 = Date.now();
    for (const k of [1, 2, 3]) {
      const other = before!.candidates[k] ?? before!.candidates[1];
      await service.api.review.record({ decisions: [{ image: other.image, caption: other.caption, label: 4 }], reviewer: 't', clusterId: mined.id });
      await new Promise((res) => setTimeout(res, 50));
    }
    const last = Date.now();
    await expect.poll(() => refits.length, { timeout: 30_000 }).toBe(1);
    await new Promise((res) => setTimeout(res, REFIT_DELAY_MS + 200));
    off();
    expect(refits).toHaveLength(1);
    expect(refits[0] - last).toBeGreaterThanOrEqual(REFIT_DELAY_MS - 60);
    expect(refits[0] - t0).toBeGreaterThanOrEqual(REFIT_DELAY_MS + 100);
    expect((await service.api.review.queue({}))[0].id).toBe(r.clusterId);
    for (let k = 0; k < 3; k++) await service.api.review.undo(); // the decisions
    await service.api.review.undo(); // the unit
    const back = await service.api.review.unit({ clusterId: mined.id });
    expect(back!.candidates.some((k) => k.image === pair.image && k.caption === pair.caption)).toBe(true);
  }, 120_000);
});

describe('a map selection exported', () => {
  const sel = { images: [0, 1, 2], captions: [0, 1, 2, 3, 4] };

  it('as SQLite: the selection table, its labels, and the meta table', async () => {
    await service.api.labels.addFlags({ targets: [{ kind: 'item', modality: 'caption', index: 1 }, { kind: 'item', modality: 'caption', index: 30 }], label: 'ambiguous', source: 'lasso' });
    const r = await service.api.export.writeSelection({ ...sel, format: 'sqlite', out: join(tmp.dir, 'sample', 'exports', 'sel.sqlite') });
    expect(r.images).toBe(3);
    expect(r.captions).toBe(5);
    expect(r.labels).toBe(1);
    const db = new Database(r.path, { readonly: true });
    try {
      const rows = db.prepare('SELECT kind, item_index, dataset_id FROM selection ORDER BY kind, item_index').all() as { kind: string; item_index: number }[];
      expect(rows.map((x) => `${x.kind}${x.item_index}`)).toEqual(['caption0', 'caption1', 'caption2', 'caption3', 'caption4', 'image0', 'image1', 'image2']);
      const labels = db.prepare('SELECT caption_index, flag FROM labels').all() as { caption_index: number; flag: string }[];
      expect(labels).toEqual([{ caption_index: 1, flag: 'ambiguous' }]);
      const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((m) => [m.key, m.value]));
      expect(meta.content).toBe('map selection');
      expect(meta.selection_captions).toBe('5');
    } finally {
      db.close();
    }
    // An existing file is replaced only when asked.
    await expect(service.api.export.writeSelection({ ...sel, format: 'sqlite', out: join(tmp.dir, 'sample', 'exports', 'sel.sqlite') })).rejects.toThrow(/exists/);
  });

  it('as Parquet and CSV: one row per selected item', async () => {
    const pq = await service.api.export.writeSelection({ ...sel, format: 'parquet', out: join(tmp.dir, 'sample', 'exports', 'sel.parquet') });
    const buf = readFileSync(pq.path);
    const rows = (await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer })) as { kind: string; item_index: number }[];
    expect(rows).toHaveLength(8);
    expect(rows.filter((x) => x.kind === 'caption').map((x) => x.item_index)).toEqual([0, 1, 2, 3, 4]);
    const csv = await service.api.export.writeSelection({ ...sel, format: 'csv' });
    expect(csv.path).toMatch(/selection-.*\.csv$/);
    const lines = readFileSync(csv.path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('kind,item_index,dataset_id,image_path,caption_text,annotated_image_index,split,x,y');
    expect(lines).toHaveLength(9);
  });
});
