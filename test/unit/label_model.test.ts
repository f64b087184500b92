// The one label model: a flag, a lasso flag, a review key and an import are one kind of record,
// and every consumer (verified positives, refit labels, multi-positive head) reads them the same.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { ReviewStore } from '../../src/main/core/review/review_store.js';
import { readLabels, pairTraining, countLabels, flagsOf } from '../../src/main/core/labels/label_model.js';
import { verifiedFromLabels } from '../../src/main/core/labels/verified_labels.js';
import { extraPositives } from '../../src/main/core/heads/multipos.js';
import { tempDir } from '../helpers/tmp.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

// 4 images, 4 captions; caption c is annotated with image c.
const annotated = Int32Array.of(0, 1, 2, 3);
const ds = {
  images: [0, 1, 2, 3].map((i) => ({ id: `i${i}`, path: `${i}.png`, split: null, missing: false })),
  captions: [0, 1, 2, 3].map((c) => ({ id: `c${c}`, text: `caption ${c}`, imageIndex: c, split: null })),
  positives: [] as Array<[number, number, number]>,
  truth: null,
};

function open() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const store = new ProjectStore(join(t.dir, 'project.sqlite'));
  cleanups.unshift(() => store.close());
  return { store, reviews: new ReviewStore(store.db), file: join(t.dir, 'project.sqlite') };
}

describe('label model', () => {
  it('reads click flags, lasso flags, review keys and imports as one kind of record with provenance', () => {
    const { store, reviews } = open();
    store.addFlag({ kind: 'pair', image: 1, caption: 0 }, 'false_negative', 'a dog too');
    store.addFlags(
      [
        { target: { kind: 'pair', image: 2, caption: 0 }, label: 'false_negative' },
        { target: { kind: 'pair', image: 3, caption: 0 }, label: 'false_negative' },
      ],
      { source: 'lasso', provenance: 'selection 1' },
    );
    reviews.record({ image: 0, caption: 1, label: 1, reviewer: 'ana', clusterId: 4 });
    reviews.setExtraPositives('cxc.csv', [[0, 2, 0]]);
    const labels = readLabels(store.db);
    expect(labels.map((l) => [l.kind, l.source, l.image, l.caption, l.scale, l.flag, l.provenance, l.who])).toEqual([
      ['import', 'import', 0, 2, null, null, 'cxc.csv', null],
      ['flag', 'click', 1, 0, null, 'false_negative', null, null],
      ['flag', 'lasso', 2, 0, null, 'false_negative', 'selection 1', null],
      ['flag', 'lasso', 3, 0, null, 'false_negative', 'selection 1', null],
      ['review', 'review', 0, 1, 1, null, 'unit 4', 'ana'],
    ]);
    expect(countLabels(labels)).toMatchObject({ total: 5, bySource: { click: 1, lasso: 2, review: 1, import: 1 }, flags: { false_negative: 3 }, reviews: { '1': 1 }, imports: 1 });
    // The lasso batch is one undo step.
    store.undo();
    expect(readLabels(store.db, { kinds: ['flag'] }).map((l) => l.image)).toEqual([1]);
    store.redo();
    expect(readLabels(store.db, { kinds: ['flag'] }).map((l) => l.image)).toEqual([1, 2, 3]);
  });

  it('gives the flag list the same flags as the store, read through the model', () => {
    const { store } = open();
    store.addFlag({ kind: 'pair', image: 1, caption: 0 }, 'false_negative', 'note', false);
    store.addFlag({ kind: 'item', modality: 'caption', index: 2 }, 'invalid_item');
    store.addFlags([{ target: { kind: 'item', modality: 'image', index: 3 }, label: 'ambiguous' }], { source: 'lasso', provenance: 'sel' });
    expect(flagsOf(readLabels(store.db))).toEqual(store.listFlags());
  });

  it('counts a false-negative flag as a verified positive', () => {
    const { store } = open();
    const before = verifiedFromLabels({ nImages: 4, annotated }, readLabels(store.db));
    expect(before.t2i[0]).toEqual(Int32Array.of(0));
    store.addFlag({ kind: 'pair', image: 2, caption: 0 }, 'false_negative');
    const after = verifiedFromLabels({ nImages: 4, annotated }, readLabels(store.db));
    expect(after.t2i[0]).toEqual(Int32Array.of(0, 2));
    expect(after.counts).toMatchObject({ annotated: 4, fromFlags: 1, removedByFlags: 0, total: 5 });
  });

  it('removes a pair flagged as a wrong annotation from the verified set, and says so', () => {
    const { store } = open();
    store.addFlag({ kind: 'pair', image: 3, caption: 3 }, 'wrong_annotation');
    const v = verifiedFromLabels({ nImages: 4, annotated }, readLabels(store.db));
    expect(v.t2i[3]).toEqual(new Int32Array(0));
    expect(v.counts).toMatchObject({ annotated: 4, removedByFlags: 1, total: 3 });
  });

  it('lets the latest label decide a pair: a review after a flag overrides it', () => {
    const { store, reviews } = open();
    store.addFlag({ kind: 'pair', image: 2, caption: 0 }, 'false_negative');
    expect(verifiedFromLabels({ nImages: 4, annotated }, readLabels(store.db)).t2i[0]).toEqual(Int32Array.of(0, 2));
    reviews.record({ image: 2, caption: 0, label: 4, reviewer: 'ana' });
    expect(verifiedFromLabels({ nImages: 4, annotated }, readLabels(store.db)).t2i[0]).toEqual(Int32Array.of(0));
  });

  it('feeds the refit and the multi-positive head from flags as well as reviews', () => {
    const { store, reviews } = open();
    store.addFlag({ kind: 'pair', image: 1, caption: 0 }, 'false_negative');
    store.addFlags([{ target: { kind: 'pair', image: 2, caption: 0 }, label: 'false_negative' }], { source: 'lasso' });
    store.addFlag({ kind: 'pair', image: 0, caption: 0 }, 'wrong_annotation');
    reviews.record({ image: 3, caption: 1, label: 1, reviewer: 'ana' });
    reviews.record({ image: 0, caption: 2, label: 3, reviewer: 'ana' });
    const labels = readLabels(store.db);
    const training = pairTraining(labels, 4);
    expect(Object.fromEntries(training)).toEqual({ [0 * 4 + 1]: 1, [0 * 4 + 2]: 1, [0 * 4 + 0]: 0, [1 * 4 + 3]: 1, [2 * 4 + 0]: 0 });
    const extra = extraPositives(ds, 'flags', labels);
    // caption 0 gains images 1 and 2, caption 1 gains image 3 (annotated pairs are never repeated).
    expect(extra.pairs).toBe(3);
  });

  it('migrates a schema 1 project store: its flags keep their ids and become click labels', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'old.sqlite');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE flags (id INTEGER PRIMARY KEY, target TEXT NOT NULL, image_index INTEGER, caption_index INTEGER, modality TEXT,
        label TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, annotated INTEGER, active INTEGER NOT NULL DEFAULT 1);
      CREATE TABLE actions (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, flag_id INTEGER NOT NULL REFERENCES flags(id), undone INTEGER NOT NULL DEFAULT 0, at TEXT NOT NULL);
      INSERT INTO flags(id, target, image_index, caption_index, label, note, created_at, annotated) VALUES (7, 'pair', 2, 0, 'false_negative', 'old', '2026-01-01T00:00:00.000Z', 0);
      INSERT INTO actions(kind, flag_id, at) VALUES ('add', 7, '2026-01-01T00:00:00.000Z');
      PRAGMA user_version = 1;
    `);
    old.close();
    const store = new ProjectStore(file);
    cleanups.unshift(() => store.close());
    expect(readLabels(store.db)).toMatchObject([{ key: 'flag:7', source: 'click', flag: 'false_negative', note: 'old', image: 2, caption: 0 }]);
    expect(verifiedFromLabels({ nImages: 4, annotated }, readLabels(store.db)).counts.fromFlags).toBe(1);
    // Actions from before sessions existed belong to no session: a new session cannot undo them.
    expect(store.undo()).toBe(false);
    expect(readLabels(store.db)).toHaveLength(1);
  });

  it('reads each part again only when its table changed, here or in another connection, and agrees with a read of the view', () => {
    const { store, reviews, file } = open();
    const viewOrder = () =>
      (store.db.prepare('SELECT key FROM pair_labels ORDER BY at IS NOT NULL, at, key').pluck().all() as string[]);
    store.addFlag({ kind: 'pair', image: 1, caption: 0 }, 'false_negative', 'a dog too');
    reviews.record({ image: 0, caption: 1, label: 3, reviewer: 'ana', clusterId: 4 });
    reviews.setExtraPositives('cxc.csv', [[0, 2, 0]]);
    const first = readLabels(store.db);
    expect(first.map((l) => l.key)).toEqual(viewOrder());
    // Nothing changed: the same label records come back (a new array each time).
    const again = readLabels(store.db);
    expect(again).not.toBe(first);
    expect(again.every((l, i) => l === first[i])).toBe(true);
    expect(Object.isFrozen(first[0])).toBe(true);
    // A review: the flags part is kept, the review part is read again.
    reviews.record({ image: 2, caption: 1, label: 1, reviewer: 'ana', clusterId: 4 });
    const afterReview = readLabels(store.db);
    expect(afterReview.find((l) => l.kind === 'flag')).toBe(first.find((l) => l.kind === 'flag'));
    expect(afterReview.filter((l) => l.kind === 'review').map((l) => [l.image, l.caption, l.scale])).toEqual([
      [0, 1, 3],
      [2, 1, 1],
    ]);
    // Undo of the review, removal and undo of flags are seen at once.
    reviews.undo();
    expect(readLabels(store.db, { kinds: ['review'] }).map((l) => l.image)).toEqual([0]);
    const f2 = store.addFlag({ kind: 'pair', image: 3, caption: 2 }, 'wrong_annotation', '');
    expect(readLabels(store.db, { kinds: ['flag'] }).map((l) => l.image)).toEqual([1, 3]);
    store.removeFlag(f2.id);
    expect(readLabels(store.db, { kinds: ['flag'] }).map((l) => l.image)).toEqual([1]);
    store.undo();
    expect(readLabels(store.db, { kinds: ['flag'] }).map((l) => l.image)).toEqual([1, 3]);
    // Another connection (the CLI while the app is open) writes a flag, a review and an import.
    const other = new Database(file);
    other.prepare("INSERT INTO flags (target, image_index, caption_index, label, created_at) VALUES ('pair', 2, 3, 'false_negative', '2999-01-01T00:00:00.000Z')").run();
    other.prepare("UPDATE review_decisions SET undone = 1").run();
    other.prepare('DELETE FROM review_extra_positives').run();
    other.close();
    const seen = readLabels(store.db);
    expect(seen.map((l) => l.key)).toEqual(viewOrder());
    expect(seen.map((l) => [l.kind, l.image, l.caption])).toEqual([
      ['flag', 1, 0],
      ['flag', 3, 2],
      ['flag', 2, 3],
    ]);
  });
});
