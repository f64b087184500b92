// The sample generator (src/main/core/sample): exact truth checked by an independent checker,
// determinism, real PNGs, noisy correspondence, atomic folder replacement.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../src/main/core/sample/generate.js';
import type { SampleOptions } from '../../src/main/core/sample/generate.js';
import { checkSampleFolder } from './sample_checker.js';

const root = mkdtempSync(join(tmpdir(), 'mlens-sample-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(root, `s${n++}`);

function hashFolder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

const lines = (file: string): Array<Record<string, unknown>> =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('sample dataset: truth agrees with an independent checker', () => {
  const cases: Array<Omit<SampleOptions, 'out'>> = [
    { images: 300, preset: 'A', seed: 0 },
    { images: 150, preset: 'A', seed: 11, size: 224 },
    { images: 250, preset: 'B', seed: 1 },
    { images: 400, preset: 'C', seed: 2 },
    { images: 200, preset: 'A', seed: 3, noise: 0.2 },
    { images: 100, preset: 'B', seed: 4, noise: 0.5 },
  ];
  for (const c of cases) {
    it(`preset ${c.preset}, ${c.images} images, seed ${c.seed}${c.noise ? `, noise ${c.noise}` : ''}`, async () => {
      const out = fresh();
      const stats = await generateSample({ out, ...c });
      const report = checkSampleFolder(out, { checkFiles: true });
      expect(report.errors).toEqual([]);
      expect(report.images).toBe(c.images);
      expect(report.captions).toBe(c.images! * (c.preset === 'B' ? 2 : 5));
      // Every annotated (non-noisy) pair is valid.
      expect(report.annotatedNotInTruth).toBe(0);
      expect(report.validPairs).toBe(stats.validPairs);
      expect(report.noisyCaptions).toBe(stats.noisyPairs);
      expect(JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8'))).toEqual(stats);
      expect(readdirSync(join(out, 'images')).length).toBe(c.images);
    });
  }

  it('writes the generic format: fields, aspects, splits, embeddings', async () => {
    const out = fresh();
    const stats = await generateSample({ out, images: 200, seed: 5 });
    const caps = lines(join(out, 'captions.jsonl'));
    const aspects = new Set(['colour', 'shape', 'size', 'position', 'count', 'relation']);
    for (const c of caps) {
      expect(typeof c.caption).toBe('string');
      expect(String(c.image)).toMatch(/^images\/\d{6}\.png$/);
      expect(['train', 'val', 'test']).toContain(c.split);
      for (const a of c.aspects as string[]) expect(aspects.has(a)).toBe(true);
    }
    expect(new Set(caps.map((c) => c.id)).size).toBe(caps.length);
    expect(stats.splits).toEqual({
      train: expect.objectContaining({ images: 160, captions: 800 }),
      val: expect.objectContaining({ images: 20, captions: 100 }),
      test: expect.objectContaining({ images: 20, captions: 100 }),
    });
    // Text is not a lookup table of the atoms: equal atoms get different words.
    const byAtoms = new Map<string, Set<string>>();
    for (const c of caps) {
      const k = JSON.stringify(c.atoms);
      byAtoms.set(k, (byAtoms.get(k) ?? new Set()).add(String(c.caption)));
    }
    expect([...byAtoms.values()].some((texts) => texts.size > 1)).toBe(true);
    const meta = JSON.parse(readFileSync(join(out, 'embeddings', 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ encoder: 'sample-oracle', dims: 64, normalized: true });
    expect(statSync(join(out, 'embeddings', 'image.npy')).size).toBe(128 + 200 * 64 * 4);
    expect(statSync(join(out, 'embeddings', 'text.npy')).size).toBe(128 + 1000 * 64 * 4);
  });

  it('captions run from "a picture with some shapes" to full descriptions with "only"', async () => {
    const out = fresh();
    await generateSample({ out, images: 100, seed: 8 });
    const caps = lines(join(out, 'captions.jsonl'));
    // Level 0 (no atoms) is chosen when the target exceeds a split's size: the 10-image val/test splits.
    expect(caps.some((c) => (c.atoms as unknown[]).length === 0)).toBe(true);
    const specific = fresh();
    await generateSample({ out: specific, images: 300, preset: 'C', seed: 8 });
    const types = lines(join(specific, 'captions.jsonl')).map((c) => (c.atoms as Array<{ type: string }>).map((a) => a.type));
    expect(types.some((t) => t.length === 1 && t[0] === 'exists')).toBe(true);
    expect(types.some((t) => t.includes('only'))).toBe(true);
    expect(types.some((t) => t.includes('count'))).toBe(true);
  });
});

describe('sample dataset: determinism', () => {
  it('the same seed gives a byte-identical folder; another seed differs', async () => {
    const a = fresh();
    const b = fresh();
    const c = fresh();
    await generateSample({ out: a, images: 120, seed: 42, noise: 0.2 });
    await generateSample({ out: b, images: 120, seed: 42, noise: 0.2 });
    await generateSample({ out: c, images: 120, seed: 43, noise: 0.2 });
    const ha = hashFolder(a);
    expect(ha.size).toBe(120 + 7);
    expect(hashFolder(b)).toEqual(ha);
    const hc = hashFolder(c);
    for (const f of ['captions.jsonl', 'truth.jsonl', 'scenes.jsonl', 'images/000000.png', 'embeddings/text.npy']) {
      expect(hc.get(f), f).not.toBe(ha.get(f));
    }
  });
});

describe('sample dataset: images', () => {
  for (const size of [128, 224] as const) {
    it(`PNGs decode at ${size}×${size} with the palette colour at each object's centre`, async () => {
      const out = fresh();
      await generateSample({ out, images: 100, seed: 9, size });
      const palette: Record<string, number[]> = {
        red: [220, 30, 40], blue: [40, 80, 220], green: [30, 160, 60], yellow: [245, 200, 0],
        purple: [130, 40, 170], orange: [250, 120, 20], pink: [250, 100, 180], brown: [130, 80, 30],
      };
      const scenes = lines(join(out, 'scenes.jsonl')).slice(0, 12);
      for (const s of scenes) {
        const png = PNG.sync.read(readFileSync(join(out, String(s.image))));
        expect([png.width, png.height]).toEqual([size, size]);
        const px = (x: number, y: number): number[] => {
          const p = (Math.floor(y) * png.width + Math.floor(x)) * 4;
          return [png.data[p], png.data[p + 1], png.data[p + 2]];
        };
        expect(px(0, 0)).toEqual([222, 222, 222]);
        for (const o of s.objects as Array<{ x: number; y: number; colour: string }>) expect(px(o.x, o.y)).toEqual(palette[o.colour]);
      }
    });
  }
});

describe('sample dataset: noisy correspondence', () => {
  it('noise 0.2 shuffles 20 % of the annotated pairs within their split and records which', async () => {
    const out = fresh();
    const stats = await generateSample({ out, images: 500, seed: 6, noise: 0.2 });
    const caps = lines(join(out, 'captions.jsonl'));
    const scenes = lines(join(out, 'scenes.jsonl'));
    const splitOf = new Map(scenes.map((s) => [s.image, s.split]));
    const noisy = caps.filter((c) => c.noisy === true);
    expect(noisy.length).toBe(stats.noisyPairs);
    expect(noisy.length / caps.length).toBeGreaterThan(0.19);
    expect(noisy.length / caps.length).toBeLessThanOrEqual(0.2);
    for (const c of noisy) {
      expect(c.true_image).not.toBe(c.image);
      expect(splitOf.get(c.image)).toBe(c.split);
      expect(splitOf.get(c.true_image)).toBe(c.split);
    }
    for (const c of caps.filter((x) => !x.noisy)) expect(c.true_image).toBeUndefined();
    // Shuffling trades images, so each image keeps its 5 annotated captions.
    expect(stats.captionsPerImage.annotated).toMatchObject({ mean: 5, max: 5, median: 5 });
    expect(checkSampleFolder(out).errors).toEqual([]);
  });
});

describe('sample dataset: folder handling', () => {
  it('replaces a previous sample, refuses other folders, validates options', async () => {
    const out = fresh();
    await generateSample({ out, images: 100, seed: 1 });
    await generateSample({ out, images: 110, seed: 2 });
    expect(readdirSync(join(out, 'images')).length).toBe(110);
    const other = fresh();
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(generateSample({ out: other, images: 100 })).rejects.toThrow(/not a sample/);
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine');
    await expect(generateSample({ out: fresh(), images: 50 })).rejects.toThrow(RangeError);
    await expect(generateSample({ out: fresh(), noise: 2 })).rejects.toThrow(RangeError);
  });

  it('an abort leaves neither the dataset nor a temporary folder', async () => {
    const parent = fresh();
    mkdirSync(parent);
    const out = join(parent, 'sample');
    const ac = new AbortController();
    const phases = new Set<string>();
    const run = generateSample({
      out,
      images: 400,
      signal: ac.signal,
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase === 'render' && p.done >= 100) ac.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(phases.has('render')).toBe(true);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });
});
