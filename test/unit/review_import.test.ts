// Importing extra positives: ECCV Caption JSON (both directions), CxC CSV, positives.jsonl, and
// broken files with errors that name the file and the line or row.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportError, importPositivesFile } from '../../src/main/core/review/import_positives.js';
import { importPositivesIntoProject } from '../../src/main/core/mining/project.js';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { ReviewStore } from '../../src/main/core/review/review_store.js';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-import-');
afterAll(() => tmp.cleanup());

const items = {
  images: [
    { id: '100', path: 'images/COCO_val2014_000000000100.jpg' },
    { id: '200', path: 'images/b.png' },
    { id: 'x7', path: 'images/x7.png' },
  ],
  captions: [{ id: '5001' }, { id: '5002' }, { id: '5003' }],
};

function file(name: string, text: string): string {
  const f = join(tmp.dir, name);
  writeFileSync(f, text);
  return f;
}

function error(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return e as ImportError;
  }
  throw new Error('expected an ImportError');
}

describe('ECCV Caption JSON', () => {
  it('reads the t2i form, mapping ids, file names and COCO numbers', () => {
    const r = importPositivesFile(file('t2i.json', '{\n  "5001": [100, "b.png"],\n  "5002": ["x7", "COCO_val2014_000000000100.jpg"]\n}'), items);
    expect(r.format).toBe('eccv-json');
    expect(r.direction).toBe('t2i');
    expect(r.pairs).toEqual([[0, 0, 0], [1, 0, 0], [2, 1, 0], [0, 1, 0]]);
    expect(r.unmatched.count).toBe(0);
  });

  it('reads the i2t form and reports unmatched ids with their line', () => {
    const r = importPositivesFile(file('i2t.json', '{\n "100": [5001, 5003],\n "200": [5002, 9999]\n}'), items);
    expect(r.direction).toBe('i2t');
    expect(r.pairs).toEqual([[0, 0, 0], [0, 2, 0], [1, 1, 0]]);
    expect(r.unmatched.count).toBe(1);
    expect(r.unmatched.examples[0]).toMatch(/line 3: key "200": caption 9999/);
  });

  it('fails clearly on broken files', () => {
    expect(error(() => importPositivesFile(file('bad1.json', '{\n  "5001": [100,\n  200'), items)).message).toMatch(/bad1\.json:\d+: malformed JSON/);
    expect(error(() => importPositivesFile(file('bad2.json', '[1, 2]'), items)).message).toMatch(/bad2\.json: expected an object/);
    const e3 = error(() => importPositivesFile(file('bad3.json', '{\n "5001": [100],\n "5002": 7\n}'), items));
    expect(e3.message).toMatch(/bad3\.json:3: key "5002": expected an array/);
    expect(e3.line).toBe(3);
    expect(error(() => importPositivesFile(file('bad4.json', '{"5001": [{"id": 1}]}'), items)).message).toMatch(/is not an id/);
    expect(error(() => importPositivesFile(file('bad5.json', '{"nope": [1], "neither": [2]}'), items)).message).toMatch(/bad5\.json:1: key "nope" is neither a caption id nor an image id/);
    expect(error(() => importPositivesFile(file('bad6.json', '{"5001": [777, 888]}'), items)).message).toMatch(/no reference matches/);
    expect(error(() => importPositivesFile(join(tmp.dir, 'missing.json'), items)).message).toMatch(/missing\.json: cannot read/);
    expect(error(() => importPositivesFile(file('x.txt', ''), items)).message).toMatch(/unknown positives format/);
  });
});

describe('CxC CSV', () => {
  it('keeps rows with score ≥ 3', () => {
    const csv = [
      'caption,image,agg_score,sampling_method',
      'COCO_val2014:sentid:5001,COCO_val2014_000000000100.jpg,3.4,c2i_intrasim',
      'COCO_val2014:sentid:5002,COCO_val2014_000000000100.jpg,2.9,c2i_intrasim',
      '"COCO_val2014:sentid:5003","b.png",3,"i2c, quoted"',
      '',
    ].join('\n');
    const r = importPositivesFile(file('sits.csv', csv), items);
    expect(r.format).toBe('cxc-csv');
    expect(r.pairs).toEqual([[0, 0, 0], [1, 2, 0]]);
    expect(r.belowThreshold).toBe(1);
    expect(r.records).toBe(3);
    expect(importPositivesFile(file('sits2.csv', csv), items, { cxcThreshold: 2.5 }).pairs).toHaveLength(3);
  });

  it('names the row of a broken line', () => {
    const head = 'caption,image,agg_score,sampling_method\n';
    expect(error(() => importPositivesFile(file('c1.csv', 'caption1,caption2,agg_score\na,b,3\n'), items)).message).toMatch(/c1\.csv:1: row 1: expected a header with caption, image and agg_score/);
    const e2 = error(() => importPositivesFile(file('c2.csv', `${head}5001,100,3,x\n5002,100,4\n`), items));
    expect(e2.message).toMatch(/c2\.csv:3: row 3: 3 fields, the header has 4/);
    expect(e2.line).toBe(3);
    expect(error(() => importPositivesFile(file('c3.csv', `${head}5001,100,high,x\n`), items)).message).toMatch(/row 2: score "high" is not a number/);
    expect(error(() => importPositivesFile(file('c4.csv', `${head}"5001,100,3,x\n`), items)).message).toMatch(/row 2: unbalanced quote/);
  });
});

describe('positives.jsonl', () => {
  it('reads paths, indices, ids and labels', () => {
    const text = [
      '{"image": "images/b.png", "caption_index": 0, "label": 1}',
      '{"image": 2, "caption_index": 1}',
      '{"image_id": "100", "caption_id": "5003", "label": 3}',
      '{"image": "images/none.png", "caption_index": 1}',
    ].join('\n');
    const r = importPositivesFile(file('p.jsonl', text), items);
    expect(r.pairs).toEqual([[1, 0, 1], [2, 1, 0], [0, 2, 3]]);
    expect(r.unmatched.examples).toEqual(['line 4: image "images/none.png"']);
  });

  it('names the line of a broken record', () => {
    expect(error(() => importPositivesFile(file('b1.jsonl', '{"image": 0, "caption_index": 0}\n{"image": 0,'), items)).message).toMatch(/b1\.jsonl:2: malformed JSON/);
    expect(error(() => importPositivesFile(file('b2.jsonl', '{"image": 0, "caption_index": 0, "label": 7}'), items)).message).toMatch(/b2\.jsonl:1: "label" must be 1, 2, 3 or 4/);
    expect(error(() => importPositivesFile(file('b3.jsonl', '\n\n{"image": 0}'), items)).message).toMatch(/b3\.jsonl:3: needs "caption_index"/);
    expect(error(() => importPositivesFile(file('b4.jsonl', '[0, 1]'), items)).message).toMatch(/b4\.jsonl:1: expected an object/);
  });
});

describe('import into a project', () => {
  it('stores the pairs under the file name, replacing an earlier import', () => {
    const store = new ProjectStore(join(tmp.dir, 'proj', 'project.sqlite'));
    const reviews = new ReviewStore(store.db);
    const ds = items as unknown as Dataset;
    const f = file('eccv_t2i.json', '{"5001": [100, 200]}');
    expect(importPositivesIntoProject(ds, reviews, f)).toMatchObject({ source: 'eccv_t2i.json', direction: 't2i' });
    writeFileSync(f, '{"5002": ["x7"]}');
    importPositivesIntoProject(ds, reviews, f);
    expect(reviews.extraPositives()).toEqual([{ source: 'eccv_t2i.json', image: 2, caption: 1, label: 0 }]);
    store.close();
  });
});
