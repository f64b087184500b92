// Round trip per export format: a project with flags of every label, review decisions of every
// grade (one superseded, one undone) and imported positives is exported; the file is imported
// into a fresh project of the same dataset, and the label sets are compared exactly (CxC and ECCV,
// which carry only positives: the verified positive sets). Real dataset folders, real files, real
// SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { openDataset } from '../../src/main/core/datasets/open.js';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { ReviewStore } from '../../src/main/core/review/review_store.js';
import { readLabels, type PairLabel } from '../../src/main/core/labels/label_model.js';
import { verifiedFromLabels } from '../../src/main/core/labels/verified_labels.js';
import { exportProjectLabels } from '../../src/main/core/labels/label_service.js';
import { importIntoProject } from '../../src/main/core/export/import_file.js';
import { importPositivesFile } from '../../src/main/core/review/import_positives.js';
import { exportFormatFor } from '../../src/main/core/export/export_format.js';
import { FLAG_LABELS } from '../../src/shared/flags.js';
import type { ExportFormat } from '../../src/shared/labels.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('mlens-formats-');
afterAll(() => tmp.cleanup());

const IMAGES = ['images/a.png', 'images/b.png', 'images/c.png', 'images/d.png', 'more/a.png', 'images/f.png'];
const CAPTIONS = [
  { image: 0, text: 'a red circle' },
  { image: 1, text: 'two squares, "blue" ones' },
  { image: 2, text: 'a triangle\nover two lines' },
  { image: 3, text: 'a star' },
  { image: 4, text: 'another red circle' },
  { image: 5, text: ' padded text ' },
  { image: 0, text: 'a circle, red' },
  { image: 2, text: 'one triangle' },
];

function writeDataset(dir: string): void {
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'more'), { recursive: true });
  for (const p of IMAGES) writeFileSync(join(dir, p), '');
  const lines = CAPTIONS.map((c, k) => JSON.stringify({ image: IMAGES[c.image], caption: c.text, id: `c${k}`, split: 'test' }));
  writeFileSync(join(dir, 'captions.jsonl'), `${lines.join('\n')}\n`);
}

interface Project {
  store: ProjectStore;
  reviews: ReviewStore;
}
const projects: Project[] = [];
function project(file: string): Project {
  const store = new ProjectStore(file);
  const p = { store, reviews: new ReviewStore(store.db, store.session) };
  projects.push(p);
  return p;
}
afterAll(() => projects.forEach((p) => p.store.close()));

/** A label without its store-local key, as a string that sorts and compares. */
const comparable = (labels: readonly PairLabel[]) => labels.map(({ key: _key, ...rest }) => JSON.stringify(rest)).sort();
const verifiedOf = (ds: Dataset, labels: readonly PairLabel[]) => {
  const v = verifiedFromLabels({ nImages: ds.images.length, annotated: ds.captions.map((c) => c.imageIndex), datasetPositives: ds.positives }, labels);
  return v.t2i.flatMap((imgs, c) => [...imgs].map((i) => `${c}:${i}`)).sort();
};

let ds: Dataset;
let source: Project;
let labels: PairLabel[];

beforeAll(async () => {
  const dir = join(tmp.dir, 'ds');
  writeDataset(dir);
  ds = await openDataset(dir);
  source = project(join(tmp.dir, 'source.sqlite'));
  const { store, reviews } = source;
  store.addFlag({ kind: 'pair', image: 1, caption: 0 }, 'false_negative', 'also valid, "really"\nsee the corner', false);
  store.addFlag({ kind: 'pair', image: 3, caption: 2 }, 'ambiguous', '', false);
  store.addFlag({ kind: 'pair', image: 1, caption: 1 }, 'wrong_annotation', 'not two', true);
  store.addFlag({ kind: 'item', modality: 'image', index: 5 }, 'invalid_item');
  store.addFlag({ kind: 'item', modality: 'caption', index: 7 }, 'invalid_item', 'garbled');
  store.addFlags(
    [
      { target: { kind: 'pair', image: 4, caption: 6 }, label: 'false_negative', annotated: false },
      { target: { kind: 'pair', image: 4, caption: 3 }, label: 'ambiguous', annotated: false },
    ],
    { source: 'lasso', provenance: 'lasso 2026-01-01 (2 items)' },
  );
  const removed = store.addFlag({ kind: 'pair', image: 2, caption: 3 }, 'false_negative');
  store.removeFlag(removed.id);
  reviews.record({ image: 3, caption: 0, label: 4, reviewer: 'ana', clusterId: 7 });
  reviews.record([
    { image: 4, caption: 0, label: 1, reviewer: 'ana', clusterId: 7 },
    { image: 2, caption: 1, label: 2, reviewer: 'ana', clusterId: 7 },
    { image: 0, caption: 3, label: 3, reviewer: 'bo', clusterId: 8 },
    { image: 5, caption: 4, label: 'invalid_image', reviewer: 'bo' },
    { image: 3, caption: 7, label: 'invalid_caption', reviewer: 'bo' },
  ]);
  reviews.record({ image: 3, caption: 0, label: 1, reviewer: 'bo', clusterId: 9 }); // supersedes the 4
  reviews.record({ image: 2, caption: 5, label: 1, reviewer: 'cy' });
  reviews.undo(); // takes the last one back
  reviews.setExtraPositives('eccv_caption_to_image.json', [
    [2, 6, 0],
    [3, 4, 1],
  ]);
  reviews.setExtraPositives('cxc.csv', [[1, 5, 0]]);
  labels = readLabels(store.db);
});

const kinds = (ls: readonly PairLabel[]) => ({
  flags: new Set(ls.filter((l) => l.kind === 'flag').map((l) => l.flag)),
  reviews: new Set(ls.filter((l) => l.kind === 'review').map((l) => l.scale ?? l.flag)),
  imports: ls.filter((l) => l.kind === 'import').length,
});

describe('label export round trip', () => {
  it('the source project holds a flag of every label, a review of every grade and imports', () => {
    const k = kinds(labels);
    expect([...k.flags].sort()).toEqual([...FLAG_LABELS].sort());
    expect([...k.reviews].sort()).toEqual([1, 2, 3, 'invalid_caption', 'invalid_image'].sort());
    expect(k.imports).toBe(3);
    expect(labels).toHaveLength(7 + 6 + 3);
  });

  for (const [format, file] of [
    ['sqlite', 'labels.sqlite'],
    ['parquet', 'labels.parquet'],
    ['csv', 'labels.csv'],
    ['jsonl', 'labels.jsonl'],
  ] as Array<[ExportFormat, string]>) {
    it(`${format}: every label comes back into a fresh project exactly, and a second import adds nothing`, async () => {
      const out = join(tmp.dir, `rt-${format}`, file);
      expect(exportFormatFor(out)).toBe(format);
      const counts = exportProjectLabels(out, ds, source.store, { appVersion: '0.0.0', space: 'none', format });
      expect(counts).toMatchObject({ format, labels: 16, flags: 7, reviews: 6, imports: 3, files: [out], positives: verifiedOf(ds, labels).length });
      expect(readdirSync(join(tmp.dir, `rt-${format}`))).toEqual([file]);

      const fresh = project(join(tmp.dir, `fresh-${format}.sqlite`));
      const r = await importIntoProject(ds, fresh.reviews, out);
      expect(r).toMatchObject({ format, pairs: 16, skipped: 0, problems: [], warnings: [], labels: { flags: 7, reviews: 6, imports: 3, alreadyPresent: 0 } });
      const back = readLabels(fresh.store.db);
      expect(comparable(back)).toEqual(comparable(labels));
      expect(verifiedOf(ds, back)).toEqual(verifiedOf(ds, labels));

      const again = await importIntoProject(ds, fresh.reviews, out);
      expect(again.labels).toEqual({ flags: 0, reviews: 0, imports: 0, alreadyPresent: 16 });
      expect(comparable(readLabels(fresh.store.db))).toEqual(comparable(labels));
    });
  }

  it('cxc: the verified positives come back as imported positives, as CxC readers parse them', async () => {
    const out = join(tmp.dir, 'rt-cxc', 'verified.csv');
    const counts = exportProjectLabels(out, ds, source.store, { appVersion: '0.0.0', space: 'none', format: 'cxc' });
    const verified = verifiedOf(ds, labels);
    expect(counts.positives).toBe(verified.length);
    const text = readFileSync(out, 'utf8');
    const [header, ...rows] = text.trim().split('\n');
    expect(header).toBe('caption,image,agg_score,sampling_method');
    expect(rows).toHaveLength(verified.length);
    // CxC's own reader takes the number after the last ':' of the caption; ours the id after it.
    expect(rows).toContain('ds:sentid:c3,d.png,5,c2i_original');
    // images/a.png and more/a.png share a file name, so they are named by id.
    expect(rows).toContain('ds:sentid:c0,a,5,c2i_original');
    expect(rows).toContain('ds:sentid:c6,more/a,5,mlens_flag');
    const fresh = project(join(tmp.dir, 'fresh-cxc.sqlite'));
    const r = await importIntoProject(ds, fresh.reviews, out);
    expect(r).toMatchObject({ format: 'cxc-csv', pairs: verified.length, skipped: 0 });
    const imported = fresh.reviews.extraPositives().map((e) => `${e.caption}:${e.image}`).sort();
    expect(imported).toEqual(verified);
  });

  it('eccv: caption→image and image→caption files that eccv_caption loads; both read back to the verified positives', async () => {
    const out = join(tmp.dir, 'rt-eccv', 'mine_caption_to_image.json');
    const counts = exportProjectLabels(out, ds, source.store, { appVersion: '0.0.0', space: 'none', format: 'eccv' });
    const i2tFile = join(tmp.dir, 'rt-eccv', 'mine_image_to_caption.json');
    expect(counts.files).toEqual([out, i2tFile]);
    // Caption ids c0… are not integers: eccv_caption's int() cannot read them, and the export says so.
    expect(counts.warnings).toEqual([expect.stringMatching(/caption ids are not integers \(e\.g\. "c0"\): eccv_caption/), expect.stringMatching(/image ids are not integers/)]);
    const t2i = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string[]>;
    const i2t = JSON.parse(readFileSync(i2tFile, 'utf8')) as Record<string, string[]>;
    const verified = verifiedOf(ds, labels);
    const fromT2i = Object.entries(t2i).flatMap(([c, imgs]) => imgs.map((i) => `${c}|${i}`));
    const fromI2t = Object.entries(i2t).flatMap(([i, caps]) => caps.map((c) => `${c}|${i}`));
    expect(fromT2i.sort()).toEqual(fromI2t.sort());
    expect(fromT2i).toHaveLength(verified.length);
    expect(t2i.c0).toEqual(['a', 'b', 'd', 'more/a']);
    for (const f of [out, i2tFile]) {
      const back = importPositivesFile(f, ds);
      expect(back.direction).toBe(f === out ? 't2i' : 'i2t');
      expect(back.pairs.map(([i, c]) => `${c}:${i}`).sort()).toEqual(verified);
    }
    const fresh = project(join(tmp.dir, 'fresh-eccv.sqlite'));
    const r = await importIntoProject(ds, fresh.reviews, out);
    expect(r.pairs).toBe(verified.length);
    // Positives-only files cannot carry removals: the fresh project's verified set is the exported
    // one plus the annotated pairs the source's labels removed (a wrong-annotation flag, invalid items).
    const freshVerified = verifiedOf(ds, readLabels(fresh.store.db));
    const removed = ds.captions.map((c, k) => `${k}:${c.imageIndex}`).filter((p) => !verified.includes(p));
    expect(removed.sort()).toEqual(['1:1', '5:5', '7:2']);
    expect(freshVerified).toEqual([...verified, ...removed].sort());
  });

  it('integer ids are written as JSON numbers, and eccv_caption\'s int() parse of both files gives the pairs', async () => {
    const dir = join(tmp.dir, 'numeric');
    mkdirSync(join(dir, 'images'), { recursive: true });
    for (const n of ['391895', '522418']) writeFileSync(join(dir, 'images', `${n}.jpg`), '');
    const lines = [
      { image: 'images/391895.jpg', caption: 'a cat', id: 552666 },
      { image: 'images/522418.jpg', caption: 'a dog', id: 687618 },
    ];
    writeFileSync(join(dir, 'captions.jsonl'), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const nds = await openDataset(dir);
    const p = project(join(tmp.dir, 'numeric.sqlite'));
    p.store.addFlag({ kind: 'pair', image: 1, caption: 0 }, 'false_negative');
    const t2iFile = join(tmp.dir, 'numeric-out', 'eccv_caption_to_image.json');
    const i2tFile = join(tmp.dir, 'numeric-out', 'eccv_image_to_caption.json');
    const counts = exportProjectLabels(t2iFile, nds, p.store, { appVersion: '0.0.0', space: 'none', format: 'eccv' });
    expect(counts.warnings).toEqual([]);
    expect(readFileSync(t2iFile, 'utf8')).toBe('{"552666":[391895,522418],"687618":[522418]}\n');
    expect(readFileSync(i2tFile, 'utf8')).toBe('{"391895":[552666],"522418":[552666,687618]}\n');
    // eccv_caption's Metrics.__parse_json: {int(k): [int(v) for v in vs]} for the i2t and the t2i file.
    const py = spawnSync('python3', ['-c', 'import json,sys\nfor f in sys.argv[1:]:\n  d = json.load(open(f))\n  print(sorted((int(k), sorted(int(v) for v in vs)) for k, vs in d.items()))', i2tFile, t2iFile], { encoding: 'utf8' });
    if (py.error) return; // no Python here: the byte-exact files above are the check
    expect(py.stdout.trim().split('\n')).toEqual(['[(391895, [552666]), (522418, [552666, 687618])]', '[(552666, [391895, 522418]), (687618, [522418])]']);
  });
});

describe('re-importing an export into another version of the dataset', () => {
  it('warns that the dataset hash differs, matches labels by id and lists those it cannot place', async () => {
    const out = join(tmp.dir, 'hash', 'labels.sqlite');
    exportProjectLabels(out, ds, source.store, { appVersion: '0.0.0', space: 'none' });
    const db = new Database(out, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'dataset_hash'").get()).toEqual({ value: ds.hash });
    expect(db.prepare('SELECT count(*) AS n FROM verified_positives').get()).toEqual({ n: verifiedOf(ds, labels).length });
    db.close();

    // The new version lacks caption c7 and has one more caption at the front: every index moved.
    const dir = join(tmp.dir, 'ds-v2');
    writeDataset(dir);
    const v2lines = [{ image: IMAGES[1], caption: 'a new first caption', id: 'new' }, ...CAPTIONS.slice(0, 7).map((c, k) => ({ image: IMAGES[c.image], caption: c.text, id: `c${k}`, split: 'test' }))];
    writeFileSync(join(dir, 'captions.jsonl'), `${v2lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const v2 = await openDataset(dir);
    expect(v2.hash).not.toBe(ds.hash);
    const fresh = project(join(tmp.dir, 'fresh-v2.sqlite'));
    const r = await importIntoProject(v2, fresh.reviews, out);
    expect(r.warnings![0]).toMatch(new RegExp(`labels\\.sqlite was exported from a dataset \\(ds\\) with hash ${ds.hash}; ds-v2 has hash ${v2.hash}: .*matched by item id`));
    // The two labels on caption c7 (its invalid-item flag, its invalid_caption review) have no caption to go to.
    expect(r.skipped).toBe(2);
    expect(r.problems.join('\n')).toMatch(/no caption with id "c7" in ds-v2/);
    expect(r.warnings![1]).toMatch(/2 label\(s\) of labels\.sqlite were not imported/);
    // Images are in order of first appearance, so they moved too: map both by id.
    const move = (l: PairLabel) => ({
      ...l,
      image: l.image == null ? null : v2.images.findIndex((im) => im.id === ds.images[l.image!].id),
      caption: l.caption == null ? null : v2.captions.findIndex((c) => c.id === ds.captions[l.caption!].id),
    });
    const expected = labels.filter((l) => l.caption !== 7).map(move);
    expect(expected.some((l, k) => l.image !== labels.filter((x) => x.caption !== 7)[k].image)).toBe(true);
    expect(comparable(readLabels(fresh.store.db))).toEqual(comparable(expected));
  });
});

describe('older SQLite exports', () => {
  it('schema 2 (no origin column) imports every label, and a second import adds nothing', async () => {
    const out = join(tmp.dir, 'schema2', 'labels.sqlite');
    exportProjectLabels(out, ds, source.store, { appVersion: '0.0.0', space: 'none' });
    const db = new Database(out);
    db.exec("ALTER TABLE labels DROP COLUMN origin; DROP TABLE verified_positives; DELETE FROM meta WHERE key IN ('store_uid', 'positives'); UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    db.close();
    const fresh = project(join(tmp.dir, 'fresh-schema2.sqlite'));
    expect((await importIntoProject(ds, fresh.reviews, out)).labels).toEqual({ flags: 7, reviews: 6, imports: 3, alreadyPresent: 0 });
    expect(comparable(readLabels(fresh.store.db))).toEqual(comparable(labels));
    expect((await importIntoProject(ds, fresh.reviews, out)).labels).toEqual({ flags: 0, reviews: 0, imports: 0, alreadyPresent: 16 });
  });

  it('schema 1 (a flags table only) imports its flags as click flags', async () => {
    const out = join(tmp.dir, 'schema1.sqlite');
    const db = new Database(out);
    db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE images (image_index INTEGER PRIMARY KEY, dataset_id TEXT NOT NULL, path TEXT NOT NULL, split TEXT);
      CREATE TABLE captions (caption_index INTEGER PRIMARY KEY, dataset_id TEXT NOT NULL, text TEXT NOT NULL, annotated_image_index INTEGER NOT NULL, split TEXT);
      CREATE TABLE flags (id INTEGER PRIMARY KEY, target TEXT NOT NULL, image_index INTEGER, caption_index INTEGER, label TEXT NOT NULL, note TEXT NOT NULL, annotated INTEGER, created_at TEXT NOT NULL);`);
    db.prepare("INSERT INTO meta VALUES ('schema_version', '1'), ('dataset_hash', ?), ('exported_at', '2025-01-01T00:00:00.000Z')").run(ds.hash);
    db.prepare("INSERT INTO flags VALUES (4, 'pair', 1, 0, 'false_negative', 'old', 0, '2025-01-01T00:00:00.000Z')").run();
    db.close();
    const fresh = project(join(tmp.dir, 'fresh-schema1.sqlite'));
    const r = await importIntoProject(ds, fresh.reviews, out);
    expect(r).toMatchObject({ format: 'sqlite', warnings: [], labels: { flags: 1, reviews: 0, imports: 0, alreadyPresent: 0 } });
    expect(readLabels(fresh.store.db)).toMatchObject([{ kind: 'flag', target: 'pair', image: 1, caption: 0, flag: 'false_negative', note: 'old', source: 'click', at: '2025-01-01T00:00:00.000Z', annotated: false }]);
  });

  it('a SQLite file that is not a label export is refused with a message naming it', async () => {
    const out = join(tmp.dir, 'other.sqlite');
    const db = new Database(out);
    db.exec('CREATE TABLE t (x INTEGER)');
    db.close();
    const fresh = project(join(tmp.dir, 'fresh-other.sqlite'));
    await expect(importIntoProject(ds, fresh.reviews, out)).rejects.toThrow(/other\.sqlite: not a label export: it has no meta and labels tables/);
  });
});
