// The digits world (real MNIST digits from the mnist package): it opens as a dataset, and its
// truth is exact: every caption is true of its own image, and checked here independently from the
// labels written beside each caption, the caption's truth row is exactly the images of its split it
// describes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { generateDigits } from '../../src/main/core/sample/digits_world.js';
import { decodeImage } from '../../src/main/core/encoders/image_decode.js';
import { tempDir } from '../helpers/tmp.js';
import { mlens } from '../helpers/cli.js';

const tmp = tempDir('mlens-digits-');
afterAll(tmp.cleanup);

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** An independent reading of the caption text against a digit sequence. */
function holds(text: string, d: number[]): boolean {
  if (text === 'handwritten digits') return true;
  const count = /^(\w+) digits$/.exec(text);
  if (count) return d.length === WORDS.indexOf(count[1]);
  if (text === 'an even digit') return d.some((x) => x % 2 === 0);
  if (text === 'an odd digit') return d.some((x) => x % 2 === 1);
  if (text === 'only even digits') return d.every((x) => x % 2 === 0);
  if (text === 'a digit larger than five') return d.some((x) => x > 5);
  if (text === 'a digit smaller than three') return d.some((x) => x < 3);
  const left = /^a (\d) left of a (\d)$/.exec(text);
  if (left) return d.some((x, i) => x === Number(left[1]) && d.slice(i + 1).includes(Number(left[2])));
  const one = /^a (\d)$/.exec(text);
  if (one) return d.includes(Number(one[1]));
  const seq = /^the digits (.+)$/.exec(text);
  if (seq) return seq[1].replace(' and ', ', ').split(', ').map(Number).join() === d.join();
  throw new Error(`unknown caption ${text}`);
}

describe('digits world', () => {
  it('opens as a dataset whose truth is exact', async () => {
    const dir = join(tmp.dir, 'digits');
    const stats = await generateDigits({ out: dir, images: 100, seed: 3 });
    expect(stats.images).toBe(100);
    const ds = await openDataset(dir);
    expect(ds.images.length).toBe(100);
    expect(ds.captions.length).toBe(500);
    const lines = readFileSync(join(dir, 'captions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { image: string; caption: string; split: string; digits: number[]; level: number });
    const digitsOf = new Map(lines.map((l) => [l.image, { d: l.digits, split: l.split }]));
    const files = [...digitsOf.keys()].sort();
    expect(new Set(lines.map((l) => l.level))).toEqual(new Set([0, 1, 2]));
    lines.forEach((l, c) => {
      const valid = new Set(Array.from(ds.truth![c]));
      const own = files.indexOf(l.image);
      expect(valid.has(own), `${l.caption} of its own image`).toBe(true);
      files.forEach((f, i) => {
        const o = digitsOf.get(f)!;
        expect(valid.has(i), `${l.caption} vs ${f}`).toBe(o.split === l.split && holds(l.caption, o.d));
      });
      // a generic caption is true of every image of its split
      if (l.caption === 'handwritten digits') expect(valid.size).toBe(files.filter((f) => digitsOf.get(f)!.split === l.split).length);
    });
    const png = decodeImage(readFileSync(join(dir, files[0])), files[0]);
    expect([png.width, png.height]).toEqual([84, 84]);
  });

  it('mlens sample --world digits writes it (the built CLI)', () => {
    const out = join(tmp.dir, 'cli');
    const r = mlens(['sample', '--world', 'digits', '--images', '100', '--seed', '5', '--out', out, '--json'], { MLENS_DATA_DIR: join(tmp.dir, 'data') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ out, generator: 'multiplicity-lens-digits', images: 100, captions: 500, seed: 5 });
    const bad = mlens(['sample', '--world', 'letters'], { MLENS_DATA_DIR: join(tmp.dir, 'data') });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--world must be shapes .* or digits/);
  }, 120_000);

  it('says which file of the mnist package is missing', async () => {
    await expect(generateDigits({ out: join(tmp.dir, 'none'), images: 100, mnistDir: join(tmp.dir, 'no-mnist') })).rejects.toThrow(/needs .*no-mnist.*0\.json \(from the mnist package\)/);
  });
});
