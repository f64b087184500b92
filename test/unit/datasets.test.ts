import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError, type Dataset } from '../../src/main/core/datasets/dataset.js';
import { datasetHash } from '../../src/main/core/datasets/hash.js';
import { arrayElementLines, findJsonError, lineColumn } from '../../src/main/core/datasets/jsonl.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { parseTruthBytes } from '../../src/main/core/datasets/truth.js';
import { PathEscapeError, normalizeRel, resolveInside } from '../../src/main/core/datasets/paths.js';
import { summarize } from '../../src/main/core/datasets/summary.js';
import type { Problem } from '../../src/shared/dataset.js';
import { cleanupTmp, jsonl, makeGeneric, matrix, tmpDir, writeFile, writeNpyFile, writePng } from '../fixtures/datasets/make.js';

afterAll(cleanupTmp);

async function openFails(dir: string, opts?: Parameters<typeof openDataset>[1]): Promise<DatasetError> {
  try {
    await openDataset(dir, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return err as DatasetError;
  }
  throw new Error(`expected ${dir} to fail to open`);
}

function problemsOf(ds: Dataset, file: string): Problem[] {
  return ds.problems.filter((p) => p.file === file);
}

function only(ds: Dataset, file: string, re: RegExp): Problem {
  const hits = problemsOf(ds, file).filter((p) => re.test(p.message));
  expect(hits, `problems for ${file}: ${JSON.stringify(ds.problems, null, 1)}`).toHaveLength(1);
  return hits[0];
}

const F = (ds: Dataset): string => JSON.stringify(ds.problems, null, 1);

describe('generic folder', () => {
  it('reads images, captions, splits, extra keys, truth and positives', async () => {
    const root = tmpDir();
    for (const n of ['a', 'b', 'sub/c']) writePng(root, `images/${n}.png`, n.length);
    writeFile(
      root,
      'captions.jsonl',
      '\uFEFF' +
        jsonl([
          { image: 'images/b.png', caption: 'a dog', id: 'x1', split: 'train', atoms: ['dog'] },
          { image: 'images/a.png', caption: 'a cat', split: 'val' },
          '',
          { image: './images/b.png', caption: 'a brown dog', id: 7 },
          { image: 'images/sub/c.png', caption: 'a bird', split: 'test' },
        ]),
    );
    writeFile(root, 'truth.jsonl', jsonl([{ caption_index: 0, images: [0, 'images/a.png'] }, { caption_index: 1, images: [1] }, { caption_index: 2, images: [0] }, { caption_index: 3, images: [2] }]));
    writeFile(root, 'positives.jsonl', jsonl([{ image: 'images/a.png', caption_index: 2, label: 3 }, { image: 2, caption_index: 0 }]));
    const phases = new Set<string>();
    const ds = await openDataset(root, { onProgress: (p) => phases.add(p.phase) });
    expect(ds.format).toBe('generic');
    expect(ds.name).toBe(path.basename(root));
    expect(ds.images.map((i) => i.path)).toEqual(['images/b.png', 'images/a.png', 'images/sub/c.png']);
    expect(ds.images.map((i) => i.id)).toEqual(['b', 'a', 'sub/c']);
    expect(ds.images.map((i) => i.split)).toEqual(['train', 'val', 'test']);
    expect(ds.images.every((i) => !i.missing)).toBe(true);
    expect(ds.captions.map((c) => [c.id, c.text, c.imageIndex, c.split])).toEqual([
      ['x1', 'a dog', 0, 'train'],
      ['1', 'a cat', 1, 'val'],
      ['7', 'a brown dog', 0, null],
      ['3', 'a bird', 2, 'test'],
    ]);
    expect(ds.captions[0].extra).toEqual({ atoms: ['dog'] });
    expect(ds.captions[1].extra).toBeUndefined();
    expect(ds.truth?.map((t) => [...t])).toEqual([[0, 1], [1], [0], [2]]);
    expect(ds.positives).toEqual([
      [1, 2, 3],
      [2, 0, 0],
    ]);
    expect(ds.embeddings).toBeNull();
    expect(ds.problems).toEqual([]);
    expect(ds.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(phases.has('captions')).toBe(true);

    const s = summarize(ds);
    expect(s).toMatchObject({ format: 'generic', images: 3, captions: 4, annotatedPairs: 4, missingImages: 0, hasTruth: true, extraPositives: 2, embeddings: null });
    expect(s.splits).toEqual({ train: { images: 1, captions: 1 }, val: { images: 1, captions: 1 }, test: { images: 1, captions: 1 } });
  });

  it('hash is deterministic and follows the index files', async () => {
    const { root } = makeGeneric();
    const h1 = (await openDataset(root)).hash;
    expect((await openDataset(root)).hash).toBe(h1);
    expect(await datasetHash(root, ['captions.jsonl', 'truth.jsonl'])).toBe(h1); // missing files are skipped
    writeFile(root, 'positives.jsonl', jsonl([{ image: 0, caption_index: 1 }]));
    const h2 = (await openDataset(root)).hash;
    expect(h2).not.toBe(h1);
    writePng(root, 'images/img0.png', 99); // pixels are not hashed
    expect((await openDataset(root)).hash).toBe(h2);
  });

  it('loads float32 embeddings', async () => {
    const { root, nImages, nCaptions } = makeGeneric({ embeddings: 'float32', dims: 4 });
    writeFile(root, 'embeddings/meta.json', JSON.stringify({ encoder: 'clip-vit-b32', normalized: true }));
    const ds = await openDataset(root);
    expect(ds.problems).toEqual([]);
    const e = ds.embeddings!;
    expect(e).toMatchObject({ dims: 4, dtype: 'float32', source: 'clip-vit-b32', imageLogvar: null, textLogvar: null });
    expect(e.meta).toEqual({ encoder: 'clip-vit-b32', normalized: true });
    expect(e.image).toEqual(matrix(nImages, 4));
    expect(e.text).toEqual(matrix(nCaptions, 4));
    expect(summarize(ds).embeddings).toEqual({ dims: 4, dtype: 'float32', probabilistic: false, source: 'clip-vit-b32' });
  });

  it('loads float16 embeddings with std files converted to log-variance', async () => {
    const { root, nImages, nCaptions } = makeGeneric({ embeddings: 'float16', dims: 2 });
    writeNpyFile(root, 'embeddings/image_std.npy', matrix(nImages, 2, () => 0.5), [nImages, 2], 'float16');
    writeNpyFile(root, 'embeddings/text_logvar.npy', matrix(nCaptions, 2, () => -1), [nCaptions, 2], 'float16');
    const ds = await openDataset(root);
    expect(ds.problems).toEqual([]);
    const e = ds.embeddings!;
    expect(e.dtype).toBe('float16');
    expect(e.source).toBe('embeddings/*.npy');
    expect(e.image).toEqual(matrix(nImages, 2));
    expect(e.text).toEqual(matrix(nCaptions, 2));
    for (const v of e.imageLogvar!) expect(v).toBeCloseTo(2 * Math.log(0.5), 5);
    expect([...e.textLogvar!].every((v) => v === -1)).toBe(true);
    expect(summarize(ds).embeddings?.probabilistic).toBe(true);
  });
});

describe('bad input: generic folder', () => {
  it('skips and lists a malformed JSONL line (file, line, column); strict mode makes it fatal', async () => {
    const { root } = makeGeneric();
    writeFile(root, 'captions.jsonl', jsonl([{ image: 'images/img0.png', caption: 'ok' }, '', '{"image": "images/img1.png", "caption": "x",}']));
    const ds = await openDataset(root);
    expect(ds.captions.map((c) => c.text)).toEqual(['ok']);
    const p = ds.problems.filter((x) => x.severity === 'error');
    expect(p).toEqual([{ severity: 'error', file: 'captions.jsonl', line: 3, message: 'invalid JSON at column 45: Expected double-quoted property name; line skipped' }]);
    const err = await openFails(root, { strict: true });
    expect(err.file).toBe('captions.jsonl');
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^captions\.jsonl:3: invalid JSON at column 45: Expected double-quoted property name \(strict mode/);
  });

  it('skips records with the wrong shape, one error Problem per line', async () => {
    const { root } = makeGeneric();
    writeFile(
      root,
      'captions.jsonl',
      jsonl([
        { image: 'images/img0.png', caption: 'fine' },
        { image: 'images/img1.png' },
        { image: 'images/img1.png', caption: 42 },
        [1, 2],
        { caption: 'no image' },
        { image: 'images/img2.png', caption: 'fine too' },
      ]),
    );
    const ds = await openDataset(root);
    expect(ds.captions.map((c) => c.text)).toEqual(['fine', 'fine too']);
    // the image of a bad caption line still counts, so image order follows the file
    expect(ds.images.map((i) => i.path)).toEqual(['images/img0.png', 'images/img1.png', 'images/img2.png']);
    const bad = problemsOf(ds, 'captions.jsonl').filter((p) => p.severity === 'error');
    expect(bad.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(bad[0].message).toContain('missing "caption"');
    expect(bad[1].message).toContain('"caption" must be string, got number');
    expect(bad[3].message).toContain('missing "image"');
    expect(bad.every((p) => p.message.endsWith('line skipped'))).toBe(true);
    expect(only(ds, 'captions.jsonl', /no caption/).severity).toBe('warning'); // img1 lost its captions
  });

  it('is fatal when no valid record remains, and when the file is empty', async () => {
    const { root } = makeGeneric();
    writeFile(root, 'captions.jsonl', jsonl([{ image: 'images/img0.png' }, { text: 'x' }]));
    const err = await openFails(root);
    expect(err.message).toMatch(/^captions\.jsonl: none of its 2 records is a valid caption \(first problem: line 1: bad record: missing "caption"/);
    writeFile(root, 'captions.jsonl', '\n\n');
    expect((await openFails(root)).message).toBe('captions.jsonl: has no records (the file is empty)');
  });

  it('caps the listing at 50 problems plus a count', async () => {
    const { root } = makeGeneric();
    const lines: unknown[] = [{ image: 'images/img0.png', caption: 'ok' }];
    for (let i = 0; i < 70; i++) lines.push({ image: 'images/img0.png', caption: null });
    writeFile(root, 'captions.jsonl', jsonl(lines));
    const ds = await openDataset(root);
    const listed = problemsOf(ds, 'captions.jsonl').filter((p) => p.line != null);
    expect(listed).toHaveLength(50);
    expect(listed[49].line).toBe(51);
    expect(only(ds, 'captions.jsonl', /in all/).message).toBe('70 skipped lines in all; the first 50 are listed, 20 more not shown');
  });

  it('marks missing images and loads the rest', async () => {
    const { root } = makeGeneric();
    writeFile(
      root,
      'captions.jsonl',
      jsonl([{ image: 'images/img0.png', caption: 'a' }, { image: 'images/gone.png', caption: 'b' }, { image: 'images/gone.png', caption: 'c' }, { image: 'img1.png', caption: 'bare name' }]),
    );
    const ds = await openDataset(root);
    expect(ds.captions).toHaveLength(4);
    expect(ds.images.map((i) => [i.path, i.missing])).toEqual([
      ['images/img0.png', false],
      ['images/gone.png', true],
      ['images/img1.png', false], // a bare name is also looked up under images/
    ]);
    const p = only(ds, 'captions.jsonl', /not found/);
    expect(p).toMatchObject({ severity: 'warning', line: 2, message: 'image file not found: images/gone.png' });
    expect(summarize(ds).missingImages).toBe(1);
  });

  it('skips captions whose image path escapes the folder', async () => {
    const { root } = makeGeneric();
    const outside = tmpDir('mlens-outside-');
    writePng(outside, 'secret.png');
    mkdirSync(path.join(outside, 'dir'));
    symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'images', 'link.png'));
    symlinkSync(path.join(outside, 'dir'), path.join(root, 'images', 'linkdir'));
    writeFile(
      root,
      'captions.jsonl',
      jsonl([
        { image: 'images/img0.png', caption: 'ok' },
        { image: '../secret.png', caption: 'up' },
        { image: '/etc/passwd', caption: 'abs' },
        { image: 'images/link.png', caption: 'link' },
        { image: 'images/linkdir/missing.png', caption: 'link dir' },
        { image: 'images/../../x.png', caption: 'sneaky' },
        { image: 'C:\\Windows\\x.png', caption: 'drive' },
      ]),
    );
    const ds = await openDataset(root);
    expect(ds.captions.map((c) => c.text)).toEqual(['ok']);
    expect(ds.images.map((i) => i.path)).toEqual(['images/img0.png']);
    const errs = problemsOf(ds, 'captions.jsonl').filter((p) => p.severity === 'error');
    expect(errs.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(errs[0].message).toBe('"image": path "../secret.png" leads outside the dataset folder; line skipped');
    expect(errs[1].message).toContain('is absolute');
    expect(errs[2].message).toContain('link to a place outside');
    expect(errs[3].message).toContain('linked folder outside');
  });

  it('opens without embeddings when row counts or dims do not match, naming both numbers', async () => {
    const cases: Array<[string, (root: string, nI: number, nC: number) => void, string, RegExp]> = [
      ['image rows', (r, nI) => writeNpyFile(r, 'embeddings/image.npy', matrix(nI + 1, 4), [nI + 1, 4]), 'embeddings/image.npy', /has 4 rows but the dataset has 3 images/],
      ['text rows', (r, _nI, nC) => writeNpyFile(r, 'embeddings/text.npy', matrix(nC - 1, 4), [nC - 1, 4]), 'embeddings/text.npy', /has 5 rows but the dataset has 6 captions/],
      ['dims', (r, _nI, nC) => writeNpyFile(r, 'embeddings/text.npy', matrix(nC, 3), [nC, 3]), 'embeddings/text.npy', /has 3 dims but embeddings\/image\.npy has 4 dims/],
      [
        'logvar shape',
        (r, nI, nC) => {
          writeNpyFile(r, 'embeddings/image_logvar.npy', matrix(nI, 4), [nI, 4]);
          writeNpyFile(r, 'embeddings/text_logvar.npy', matrix(nC, 2), [nC, 2]);
        },
        'embeddings/text_logvar.npy',
        /has shape \(6, 2\) but embeddings\/text\.npy has shape \(6, 4\)/,
      ],
      ['1-D', (r, nI) => writeNpyFile(r, 'embeddings/image.npy', matrix(nI, 4), [nI * 4]), 'embeddings/image.npy', /must be a 2-D array.*shape \(12\)/],
      ['not npy', (r) => writeFile(r, 'embeddings/text.npy', 'hello'), 'embeddings/text.npy', /cannot be read: not a \.npy file/],
    ];
    for (const [name, breakIt, file, re] of cases) {
      const { root, nImages, nCaptions } = makeGeneric({ embeddings: 'float32', dims: 4 });
      breakIt(root, nImages, nCaptions);
      const ds = await openDataset(root);
      expect(ds.embeddings, name).toBeNull();
      expect(ds.captions).toHaveLength(nCaptions);
      const p = only(ds, file, re);
      expect(p.severity).toBe('error');
      expect(p.message).toMatch(/the dataset opens without embeddings$/);
    }
    const { root } = makeGeneric({ embeddings: 'float32' });
    rmSync(path.join(root, 'embeddings/text.npy'));
    const ds = await openDataset(root);
    expect(ds.embeddings).toBeNull();
    only(ds, 'embeddings/text.npy', /is missing/);
  });

  it('zeroes NaN/Inf rows and names the first offending rows', async () => {
    const { root, nImages, nCaptions } = makeGeneric({ dims: 3 });
    writeNpyFile(root, 'embeddings/image.npy', matrix(nImages, 3, (r, k) => (r === 1 && k === 2 ? NaN : 1)), [nImages, 3]);
    writeNpyFile(root, 'embeddings/text.npy', matrix(nCaptions, 3, (r, k) => (r >= 3 && k === 0 ? Infinity : 1)), [nCaptions, 3], 'float16');
    const ds = await openDataset(root);
    const e = ds.embeddings!;
    expect(e).not.toBeNull();
    expect([...e.image.subarray(3, 6)]).toEqual([0, 0, 0]);
    expect([...e.image.subarray(0, 3)]).toEqual([1, 1, 1]);
    expect([...e.text.subarray(9, 18)]).toEqual(new Array(9).fill(0));
    const pi = only(ds, 'embeddings/image.npy', /NaN/);
    expect(pi).toMatchObject({ severity: 'error', line: 2, message: '1 row hold NaN or Inf: image 1 (0-based image indices); those rows were set to 0' });
    const pt = only(ds, 'embeddings/text.npy', /NaN/);
    expect(pt.message).toBe('3 rows hold NaN or Inf: caption 3, 4, 5 (0-based caption indices); those rows were set to 0');
    expect(pt.line).toBe(4);
  });

  it('uses text.npy rows of the loaded captions when it has one row per record', async () => {
    const { root } = makeGeneric();
    writeFile(root, 'captions.jsonl', jsonl([{ image: 'images/img0.png', caption: 'a' }, { image: 'images/img1.png', caption: 5 }, { image: 'images/img1.png', caption: 'c' }]));
    writeNpyFile(root, 'embeddings/image.npy', matrix(2, 2), [2, 2]);
    writeNpyFile(root, 'embeddings/text.npy', matrix(3, 2), [3, 2]);
    writeFile(root, 'truth.jsonl', jsonl([{ caption_index: 0, images: [0] }, { caption_index: 1, images: [1] }, { caption_index: 2, images: [1, 0] }]));
    const ds = await openDataset(root);
    expect([...ds.embeddings!.text]).toEqual([...matrix(3, 2).subarray(0, 2), ...matrix(3, 2).subarray(4, 6)]);
    only(ds, 'embeddings/text.npy', /one per caption record including the 1 skipped/);
    // truth caption_index counts records: line 3 of truth.jsonl is caption 1 here
    expect(ds.truth!.map((t) => [...t])).toEqual([[0], [0, 1]]);
    expect(only(ds, 'truth.jsonl', /skipped/)).toMatchObject({ line: 2, severity: 'error' });
  });

  it('reports out-of-range indices in truth.jsonl and positives.jsonl with file and line', async () => {
    const { root } = makeGeneric(); // 3 images, 6 captions
    writeFile(
      root,
      'truth.jsonl',
      jsonl([{ caption_index: 0, images: [0, 9] }, { caption_index: 6, images: [0] }, { caption_index: 1, images: 'x' }, { caption_index: 2, images: ['images/nope.png', 2] }, { caption_index: 0, images: [1] }]),
    );
    writeFile(root, 'positives.jsonl', jsonl([{ image: 5, caption_index: 0 }, { image: 0, caption_index: -1 }, { image: 'images/img1.png', caption_index: 1, label: 7 }, { image: 'images/img2.png', caption_index: 0, label: 4 }, { image: '../x.png', caption_index: 0 }]));
    const ds = await openDataset(root);
    const t = problemsOf(ds, 'truth.jsonl');
    expect(t.find((p) => p.line === 1)?.message).toBe('"images"[1]: image index 9 is out of range (the dataset has 3 images, indices 0..2); reference ignored');
    expect(t.find((p) => p.line === 2)?.message).toBe('caption_index 6 is out of range (captions.jsonl has 6 captions, indices 0..5); line skipped');
    expect(t.find((p) => p.line === 3)?.message).toContain('"images" must be array');
    expect(t.find((p) => p.line === 4)?.message).toContain('"images/nope.png" is not an image of this dataset');
    expect(t.find((p) => p.line === 5)?.message).toContain('merged');
    expect(only(ds, 'truth.jsonl', /has no line for/).message).toBe('has no line for 4 of 6 captions (first: caption 1); their truth is just the annotated image');
    expect(ds.truth!.map((t) => [...t])).toEqual([[0, 1], [1], [2], [0], [1], [2]]);
    const p = problemsOf(ds, 'positives.jsonl');
    expect(p.map((x) => x.line)).toEqual([1, 2, 3, 5]);
    expect(p[0].message).toContain('image index 5 is out of range');
    expect(p[1].message).toContain('caption_index -1 is out of range');
    expect(p[2].message).toContain('"label"');
    expect(p[3].message).toContain('leads outside');
    expect(ds.positives).toEqual([[2, 0, 4]]);
  });

  it('keeps the truth of each caption sorted and without repeats, across repeated lines and mixed references', async () => {
    const { root } = makeGeneric(); // 3 images, 6 captions
    writeFile(root, 'truth.jsonl', jsonl([{ caption_index: 0, images: [2, 0, 2] }, { caption_index: 1, images: [1, 'images/img0.png'] }, { caption_index: 0, images: [1, 0] }, { caption_index: 2, images: [] }]));
    const ds = await openDataset(root);
    expect(ds.truth!.slice(0, 3).map((t) => [...t])).toEqual([[0, 1, 2], [0, 1], []]);
    expect(ds.truth![0]).toBeInstanceOf(Int32Array);
    expect(problemsOf(ds, 'truth.jsonl').find((p) => p.line === 3)?.message).toContain('merged');
  });

  it('reads the writer\'s truth lines from their bytes, and anything else through JSON, with the same result', async () => {
    const into = { caption: -1, images: new Int32Array(2), n: 0 };
    const ok = (line: string): number[] | null => (parseTruthBytes(Buffer.from(line), into) ? [into.caption, ...into.images.subarray(0, into.n)] : null);
    expect(ok('{"caption_index":12,"images":[3,0,7,123456789]}')).toEqual([12, 3, 0, 7, 123456789]);
    expect(ok('{"caption_index":0,"images":[]}')).toEqual([0]);
    for (const other of ['{"caption_index": 1, "images": [0]}', '{"caption_index":1,"images":[01]}', '{"caption_index":1,"images":[1.5]}', '{"caption_index":1,"images":[-1]}', '{"caption_index":1,"images":[1e3]}', '{"caption_index":1,"images":[1234567890]}', '{"caption_index":1,"images":["images/a.png"]}', '{"caption_index":1,"images":[1,]}', '{"caption_index":1,"images":[1]} ', '{"caption_index":1,"images":[1],"x":2}', '{"images":[1],"caption_index":1}']) {
      expect(ok(other), other).toBeNull();
    }
    // The same truth written compactly (bytes) and with spaces (JSON): the same lists and problems.
    const lines = [
      { caption_index: 0, images: [2, 0, 2] },
      { caption_index: 1, images: [1, 9] },
      { caption_index: 0, images: [1] },
      { caption_index: 7, images: [0] },
      { caption_index: 2, images: [] },
    ];
    const a = makeGeneric();
    writeFile(a.root, 'truth.jsonl', jsonl(lines));
    const b = makeGeneric();
    writeFile(b.root, 'truth.jsonl', lines.map((l) => JSON.stringify(l, null, 1).replace(/\n/g, '')).join('\n') + '\n');
    const [da, db] = [await openDataset(a.root), await openDataset(b.root)];
    expect(da.truth!.map((t) => [...t])).toEqual(db.truth!.map((t) => [...t]));
    expect(da.truth!.slice(0, 3).map((t) => [...t])).toEqual([[0, 1, 2], [1], []]);
    const msgs = (d: typeof da) => problemsOf(d, 'truth.jsonl').map((x) => [x.line, x.message]);
    expect(msgs(da)).toEqual(msgs(db));
    expect(msgs(da).length).toBe(4);
  });

  it('skips a malformed truth.jsonl line with file and line; strict mode makes it fatal', async () => {
    const { root } = makeGeneric();
    writeFile(root, 'truth.jsonl', '{"caption_index": 0, "images": [0]}\n{"caption_index": 1, "images": [0\n');
    const ds = await openDataset(root);
    expect(ds.truth).not.toBeNull();
    expect(ds.problems).toContainEqual(expect.objectContaining({ severity: 'error', file: 'truth.jsonl', line: 2, message: expect.stringMatching(/^invalid JSON at the end.*; line skipped$/) }));
    const err = await openFails(root, { strict: true });
    expect(err.message).toMatch(/^truth\.jsonl:2: invalid JSON at the end/);
  });

  it('can leave truth.jsonl unread (verbs that never use it) with the same hash, still saying the dataset has truth', async () => {
    const { root } = makeGeneric();
    writeFile(root, 'truth.jsonl', '{"caption_index": 0, "images": [0, 1]}\n{"caption_index": 1, "images": [0\n');
    const read = await openDataset(root);
    const unread = await openDataset(root, { readTruth: false, strict: true });
    expect(unread.truth).toBeNull();
    expect(unread.truthNotRead).toBe(true);
    expect(read.truthNotRead).toBeUndefined();
    expect(unread.hash).toBe(read.hash);
    expect(unread.problems.filter((p) => p.file === 'truth.jsonl')).toEqual([]);
    expect(summarize(unread).hasTruth).toBe(true);
    rmSync(path.join(root, 'truth.jsonl'));
    const none = await openDataset(root, { readTruth: false });
    expect(none.truthNotRead).toBeUndefined();
    expect(summarize(none).hasTruth).toBe(false);
  });

  it('rejects folders with no dataset, missing paths and files', async () => {
    const empty = tmpDir();
    writeFile(empty, 'readme.txt', 'hi');
    const e1 = await openFails(empty);
    expect(e1.message).toContain('no dataset found: looked for captions.jsonl (generic folder), dataset_coco.json / dataset_flickr30k.json / dataset_f8k.json (Karpathy split), annotations/captions_*.json (COCO captions), results.csv / results_20130124.token / Flickr8k.token.txt (Flickr30k / Flickr8k), numbered shard folders of KEY.jpg + KEY.txt (img2dataset), NNNNN.tar shards of KEY.jpg + KEY.txt (WebDataset), metadata/metadata_N.parquet with img_emb/ and text_emb/ (clip-retrieval), *.arrow / *.feather tables or a Hugging Face save_to_disk folder (state.json), or *.parquet / data/*.parquet caption tables');
    expect(e1.file).toBe(empty);
    const e2 = await openFails(path.join(empty, 'nope'));
    expect(e2.message).toBe(`${path.join(empty, 'nope')}: does not exist`);
    const e3 = await openFails(path.join(empty, 'readme.txt'));
    expect(e3.message).toContain('is not a folder');
    const e4 = await openFails(makeGeneric().root, { format: 'coco' });
    expect(e4.message).toContain('no coco dataset here');
  });
});

describe('COCO captions', () => {
  function makeCoco(): string {
    const root = tmpDir();
    writePng(root, 'val2017/000000000001.jpg', 1);
    writePng(root, 'val2017/000000000002.jpg', 2);
    writePng(root, 'images/train2017/000000000010.jpg', 3);
    const val = {
      info: {},
      images: [
        { id: 2, file_name: '000000000002.jpg', width: 2, height: 2 },
        { id: 1, file_name: '000000000001.jpg' },
        { id: 3, file_name: '000000000003.jpg' },
      ],
      annotations: [
        { image_id: 1, id: 100, caption: 'one' },
        { image_id: 2, id: 101, caption: 'two' },
        { image_id: 1, id: 102, caption: 'one again' },
        { image_id: 3, id: 103, caption: 'three' },
      ],
    };
    const train = { images: [{ id: 10, file_name: '000000000010.jpg' }], annotations: [{ image_id: 10, id: 200, caption: 'ten' }] };
    writeFile(root, 'annotations/captions_val2017.json', JSON.stringify(val, null, 2));
    writeFile(root, 'annotations/captions_train2017.json', JSON.stringify(train));
    return root;
  }

  it('combines caption files, takes the split from the file name and finds the image folders', async () => {
    const root = makeCoco();
    writeNpyFile(root, 'embeddings/image.npy', matrix(4, 2), [4, 2], 'float16');
    writeNpyFile(root, 'embeddings/text.npy', matrix(5, 2), [5, 2], 'float16');
    const ds = await openDataset(root);
    expect(ds.format).toBe('coco');
    expect(ds.images.map((i) => [i.id, i.path, i.split, i.missing])).toEqual([
      ['10', 'images/train2017/000000000010.jpg', 'train2017', false],
      ['2', 'val2017/000000000002.jpg', 'val2017', false],
      ['1', 'val2017/000000000001.jpg', 'val2017', false],
      ['3', 'val2017/000000000003.jpg', 'val2017', true],
    ]);
    expect(ds.captions.map((c) => [c.id, c.text, c.imageIndex, c.split])).toEqual([
      ['200', 'ten', 0, 'train2017'],
      ['100', 'one', 2, 'val2017'],
      ['101', 'two', 1, 'val2017'],
      ['102', 'one again', 2, 'val2017'],
      ['103', 'three', 3, 'val2017'],
    ]);
    expect(ds.embeddings?.dtype).toBe('float16');
    expect(ds.embeddings?.image).toEqual(matrix(4, 2));
    const miss = only(ds, 'annotations/captions_val2017.json', /not found/);
    expect(miss.line).toBe(14); // the line where images[2] starts in the pretty-printed file
    expect(miss.message).toMatch(/^images\[2\]: image file not found: 000000000003\.jpg/);
    expect(summarize(ds).splits).toEqual({ train2017: { images: 1, captions: 1 }, val2017: { images: 3, captions: 4 } });
  });

  it('skips bad records naming the array index and line', async () => {
    const root = makeCoco();
    const doc = {
      images: [{ id: 1, file_name: '000000000001.jpg' }, { id: 2 }, { id: 4, file_name: '../../etc/passwd' }],
      annotations: [{ image_id: 1, caption: 'ok' }, { image_id: 1, caption: ['x'] }, { image_id: 99, id: 5, caption: 'orphan' }],
    };
    writeFile(root, 'annotations/captions_val2017.json', JSON.stringify(doc, null, 1));
    const ds = await openDataset(root);
    const ps = problemsOf(ds, 'annotations/captions_val2017.json').filter((p) => p.severity === 'error');
    expect(ps.map((p) => [p.line, p.message.split(':')[0]])).toEqual([
      [7, 'images[1]'],
      [10, 'images[2]'],
      [20, 'annotations[1]'],
      [26, 'annotations[2]'],
    ]);
    expect(ps[0].message).toContain('missing "file_name"');
    expect(ps[1].message).toContain('leads outside the dataset folder');
    expect(ps[3].message).toContain('image_id 99 is not among the usable images');
    expect(ds.captions.map((c) => c.text)).toEqual(['ten', 'ok']);
    expect(ds.captions[1].id).toBe('annotations/captions_val2017.json#0');
  });

  it('malformed JSON is fatal with line and column; oversized files are refused', async () => {
    const root = makeCoco();
    writeFile(root, 'annotations/captions_val2017.json', '{\n  "images": [],\n  "annotations": [\n    {"image_id": 1, "caption": tru}\n  ]\n}\n');
    const err = await openFails(root);
    expect(err.file).toBe('annotations/captions_val2017.json');
    expect(err.line).toBe(4);
    expect(err.message).toBe('annotations/captions_val2017.json:4: invalid JSON at column 32: Unexpected token \'}\'');
    const big = makeCoco();
    const e2 = await openFails(big, { maxJsonBytes: 100 });
    expect(e2.message).toMatch(/^annotations\/captions_train2017\.json: is \d+ bytes, over the 100 bytes limit for a single JSON file; split it or convert it to captions\.jsonl/);
    writeFile(big, 'annotations/captions_train2017.json', JSON.stringify({ images: [] }));
    expect((await openFails(big)).message).toBe('annotations/captions_train2017.json: not a COCO captions file: missing "annotations"');
  });
});

describe('Karpathy split files', () => {
  function makeKarpathy(layout: 'images' | 'flat'): string {
    const root = tmpDir();
    const dir = layout === 'images' ? 'images/' : '';
    writePng(root, `${dir}val2014/a.jpg`, 1);
    writePng(root, `${dir}train2014/b.jpg`, 2);
    const doc = {
      dataset: 'coco',
      images: [
        { filepath: 'val2014', filename: 'a.jpg', imgid: 0, split: 'test', sentences: [{ raw: 'A cat.', sentid: 0 }, { raw: 'A kitten.', sentid: 1 }] },
        { filepath: 'train2014', filename: 'b.jpg', imgid: 1, split: 'restval', sentences: [{ raw: 'A dog.', sentid: 2 }] },
      ],
    };
    writeFile(root, 'dataset_coco.json', JSON.stringify(doc));
    return root;
  }

  it('reads images (under images/ or the folder itself) and sentences', async () => {
    for (const layout of ['images', 'flat'] as const) {
      const root = makeKarpathy(layout);
      writeNpyFile(root, 'embeddings/image.npy', matrix(2, 8), [2, 8]);
      writeNpyFile(root, 'embeddings/text.npy', matrix(3, 8), [3, 8]);
      const ds = await openDataset(root);
      expect(ds.format).toBe('karpathy');
      expect(ds.problems, F(ds)).toEqual([]);
      const pre = layout === 'images' ? 'images/' : '';
      expect(ds.images.map((i) => [i.id, i.path, i.split, i.missing])).toEqual([
        ['0', `${pre}val2014/a.jpg`, 'test', false],
        ['1', `${pre}train2014/b.jpg`, 'restval', false],
      ]);
      expect(ds.captions.map((c) => [c.id, c.text, c.imageIndex, c.split])).toEqual([
        ['0', 'A cat.', 0, 'test'],
        ['1', 'A kitten.', 0, 'test'],
        ['2', 'A dog.', 1, 'restval'],
      ]);
      expect(ds.embeddings?.dims).toBe(8);
    }
  });

  it('skips bad image and sentence records, naming file, index and line', async () => {
    const root = makeKarpathy('images');
    const doc = {
      images: [
        { filename: 'a.jpg', filepath: 'val2014', split: 'test', imgid: 0, sentences: [{ raw: 'ok', sentid: 0 }, { tokens: [] }] },
        { filename: 'b.jpg', imgid: 1, split: 'train' },
        { filename: 'c.jpg', imgid: 2, split: 'train', sentences: [{ raw: 'missing image' }] },
      ],
    };
    writeFile(root, 'dataset_coco.json', JSON.stringify(doc, null, 2).replace(/\n\s*"sentences"/g, ' "sentences"'));
    writeFile(root, 'dataset_f8k.json', '{}');
    const ds = await openDataset(root);
    expect(ds.captions.map((c) => [c.id, c.text])).toEqual([
      ['0', 'ok'],
      ['2:0', 'missing image'],
    ]);
    const ps = problemsOf(ds, 'dataset_coco.json');
    const byMsg = (re: RegExp): Problem => ps.find((p) => re.test(p.message))!;
    expect(byMsg(/sentences\[1\]/)).toMatchObject({ severity: 'error', message: 'images[0].sentences[1]: bad sentence: missing "raw"; caption skipped' });
    expect(byMsg(/images\[1\]/).message).toContain('missing "sentences"');
    expect(byMsg(/not found/)).toMatchObject({ severity: 'warning', message: 'images[2]: image file not found: images/c.jpg' });
    const lines = ps.map((p) => p.line);
    expect(lines.every((l) => typeof l === 'number' && l > 1)).toBe(true);
    expect(only(ds, 'dataset_f8k.json', /ignored/).message).toContain('read the folder as karpathy (dataset_coco.json)');
  });

  it('malformed Karpathy JSON is fatal with the line', async () => {
    const root = makeKarpathy('flat');
    writeFile(root, 'dataset_coco.json', '{"images": [\n{"filename": "a.jpg", "sentences": []}\n{"filename": "b.jpg"}]}');
    const err = await openFails(root);
    expect(err.message).toBe("dataset_coco.json:3: invalid JSON at column 1: Expected ',' or ']' after array element");
  });
});

describe('paths and JSON helpers', () => {
  it('resolveInside accepts paths inside and refuses escapes', () => {
    const root = tmpDir();
    writePng(root, 'images/a.png');
    const outside = tmpDir('mlens-outside-');
    writeFileSync(path.join(outside, 'x.png'), 'x');
    symlinkSync(path.join(outside, 'x.png'), path.join(root, 'images', 'out.png'));
    symlinkSync(path.join(root, 'images', 'a.png'), path.join(root, 'in.png'));
    expect(resolveInside(root, 'images/a.png')).toBe(path.join(root, 'images', 'a.png'));
    expect(resolveInside(root, 'images\\a.png')).toBe(path.join(root, 'images', 'a.png'));
    expect(resolveInside(root, 'in.png')).toBe(path.join(root, 'in.png'));
    expect(resolveInside(root, 'images/not-yet.png')).toBe(path.join(root, 'images', 'not-yet.png'));
    for (const bad of ['../x.png', 'images/../../x.png', '/etc/passwd', 'C:/x.png', '\\\\server\\x', 'images/out.png', '', '.', 'a\0b']) {
      expect(() => resolveInside(root, bad), bad).toThrow(PathEscapeError);
    }
    expect(normalizeRel('./images//a.png')).toBe('images/a.png');
  });

  it('locates JSON syntax errors', () => {
    for (const [s, pos] of [
      ['{"a": 1}', -1],
      ['[1, 2, {"b": [true, null, "x\\n"]}]', -1],
      ['{"a": 1,}', 8],
      ['{"a" 1}', 5],
      ['[1,2', 4],
      ['{"a":tru}', 5],
      ['{"a":1}x', 7],
      ['"\\q"', 1],
      ['01', 1],
      ['', 0],
    ] as Array<[string, number]>) {
      expect(findJsonError(s), s).toBe(pos);
    }
    expect(lineColumn('ab\ncd\nef', 7)).toEqual({ line: 3, column: 2 });
    const text = JSON.stringify({ x: [1], images: [{ a: '[,]' }, 2, [3, { b: 1 }]], annotations: [] }, null, 1);
    expect(arrayElementLines(text, 'images')).toEqual([6, 9, 10]);
  });
});
