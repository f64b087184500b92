// An independent checker for sample dataset folders. It shares no code with the generator: it reads
// captions.jsonl, scenes.jsonl and truth.jsonl, re-implements the atom semantics of SCIENCE.md §6.2,
// evaluates every caption on every scene of its split and compares with truth.jsonl.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Attrs = Record<string, string>;
interface CheckedObject extends Attrs {
  shape: string;
  colour: string;
  size: string;
  column: string;
  row: string;
}
interface SceneLine {
  image: string;
  index: number;
  split: string;
  objects: CheckedObject[];
}
interface CaptionLine {
  image: string;
  caption: string;
  id: string;
  split: string;
  atoms: Array<Record<string, unknown>>;
  aspects: string[];
  noisy?: boolean;
  true_image?: string;
}

export interface CheckReport {
  images: number;
  captions: number;
  /** Problems found; empty when the folder is consistent. */
  errors: string[];
  /** Non-noisy annotated pairs absent from the truth. */
  annotatedNotInTruth: number;
  noisyCaptions: number;
  validPairs: number;
}

const COLUMN_RANK: Record<string, number> = { left: 0, center: 1, right: 2 };
const ATTRIBUTE_NAMES = new Set(['shape', 'colour', 'size', 'column', 'row']);

function jsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

function fits(obj: CheckedObject, desc: unknown): boolean {
  if (typeof desc !== 'object' || desc === null) throw new Error(`bad desc ${JSON.stringify(desc)}`);
  for (const [key, value] of Object.entries(desc as Attrs)) {
    if (!ATTRIBUTE_NAMES.has(key)) throw new Error(`unknown attribute ${key}`);
    if (obj[key] !== value) return false;
  }
  return true;
}

function atomTrue(atom: Record<string, unknown>, objs: CheckedObject[]): boolean {
  const kind = atom.type;
  if (kind === 'exists') {
    for (const o of objs) if (fits(o, atom.desc)) return true;
    return false;
  }
  if (kind === 'count') {
    const hits = objs.reduce((n, o) => n + (fits(o, atom.desc) ? 1 : 0), 0);
    return hits === atom.k;
  }
  if (kind === 'total' || kind === 'only') return objs.length === atom.n;
  if (kind === 'left_of') {
    const lefts = objs.filter((o) => fits(o, atom.a)).map((o) => COLUMN_RANK[o.column]);
    const rights = objs.filter((o) => fits(o, atom.b)).map((o) => COLUMN_RANK[o.column]);
    return lefts.length > 0 && rights.length > 0 && Math.min(...lefts) < Math.max(...rights);
  }
  throw new Error(`unknown atom type ${String(kind)}`);
}

export function checkSampleFolder(dir: string, opts: { checkFiles?: boolean } = {}): CheckReport {
  const errors: string[] = [];
  const scenes = jsonl<SceneLine>(join(dir, 'scenes.jsonl'));
  const captions = jsonl<CaptionLine>(join(dir, 'captions.jsonl'));
  const truth = jsonl<{ caption_index: number; images: number[] }>(join(dir, 'truth.jsonl'));

  // Image index = order of first appearance in captions.jsonl; it must agree with scenes.jsonl.
  const indexOf = new Map<string, number>();
  for (const c of captions) if (!indexOf.has(c.image)) indexOf.set(c.image, indexOf.size);
  if (indexOf.size !== scenes.length) errors.push(`captions name ${indexOf.size} images, scenes.jsonl has ${scenes.length}`);
  scenes.forEach((s, i) => {
    if (s.index !== i) errors.push(`scenes.jsonl line ${i + 1}: index ${s.index}`);
    if (indexOf.get(s.image) !== i) errors.push(`${s.image}: first appearance ${indexOf.get(s.image)} but scene index ${i}`);
    const digits = /(\d+)\.png$/.exec(s.image);
    if (!digits || Number(digits[1]) !== i) errors.push(`${s.image}: file number is not the image index ${i}`);
    if (opts.checkFiles && !existsSync(join(dir, s.image))) errors.push(`${s.image} is missing`);
  });
  if (truth.length !== captions.length) errors.push(`truth.jsonl has ${truth.length} lines for ${captions.length} captions`);

  const scenesOfSplit = new Map<string, number[]>();
  scenes.forEach((s, i) => {
    const list = scenesOfSplit.get(s.split) ?? [];
    list.push(i);
    scenesOfSplit.set(s.split, list);
  });

  let annotatedNotInTruth = 0;
  let noisyCaptions = 0;
  let validPairs = 0;
  captions.forEach((c, ci) => {
    const expected: number[] = [];
    for (const i of scenesOfSplit.get(c.split) ?? []) {
      if (c.atoms.every((a) => atomTrue(a, scenes[i].objects))) expected.push(i);
    }
    const t = truth[ci];
    if (!t || t.caption_index !== ci) {
      errors.push(`truth.jsonl line ${ci + 1}: caption_index ${t?.caption_index}`);
      return;
    }
    validPairs += t.images.length;
    if (expected.length !== t.images.length || expected.some((v, k) => v !== t.images[k])) {
      errors.push(`caption ${ci} (${c.caption}): checker finds ${expected.length} images, truth.jsonl lists ${t.images.length}`);
    }
    const annotated = indexOf.get(c.image) ?? -1;
    if (scenes[annotated]?.split !== c.split) errors.push(`caption ${ci}: annotated image is in another split`);
    if (c.noisy) {
      noisyCaptions++;
      const src = c.true_image !== undefined ? indexOf.get(c.true_image) : undefined;
      if (src === undefined || src === annotated) errors.push(`caption ${ci}: noisy without a distinct true_image`);
      else if (!expected.includes(src)) errors.push(`caption ${ci}: its true image does not satisfy it`);
    } else if (!expected.includes(annotated)) annotatedNotInTruth++;
  });
  return { images: scenes.length, captions: captions.length, errors, annotatedNotInTruth, noisyCaptions, validPairs };
}
