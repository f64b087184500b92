import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { exportLabels, NothingToExportError } from '../../src/main/core/export/labels_export.js';
import { readLabels } from '../../src/main/core/labels/label_model.js';
import { ReviewStore } from '../../src/main/core/review/review_store.js';
import { rmSync } from 'node:fs';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import type { Dataset } from '../../src/main/core/datasets/dataset.js';
import { tempDir } from '../helpers/tmp.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

function tinyDataset(root: string): Dataset {
  return {
    root,
    name: 'tiny',
    format: 'generic',
    images: [
      { id: 'a', path: 'images/a.png', split: 'test', missing: false },
      { id: 'b', path: 'images/b.png', split: 'test', missing: false },
      { id: 'c', path: 'images/c.png', split: 'train', missing: false },
    ],
    captions: [
      { id: 'c0', text: 'a red circle', imageIndex: 0, split: 'test' },
      { id: 'c1', text: 'two blue squares', imageIndex: 1, split: 'test' },
      { id: 'c2', text: 'a picture with some shapes', imageIndex: 2, split: 'train' },
    ],
    truth: null,
    positives: [],
    embeddings: null,
    problems: [],
    hash: 'abcdef0123456789',
  };
}

describe('exportLabels', () => {
  it('writes every label (click flags, lasso flags, review decisions, imports) with items, provenance and the dataset hash', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = new ProjectStore(join(t.dir, 'p.sqlite'));
    const reviews = new ReviewStore(store.db);
    store.addFlag({ kind: 'pair', image: 1, caption: 2 }, 'false_negative', 'also valid', false);
    store.addFlag({ kind: 'item', modality: 'image', index: 0 }, 'invalid_item');
    store.addFlags([{ target: { kind: 'pair', image: 0, caption: 1 }, label: 'false_negative' }], { source: 'lasso', provenance: 'lasso of 1 item' });
    reviews.record({ image: 2, caption: 0, label: 2, reviewer: 'ana', clusterId: 7 });
    reviews.setExtraPositives('eccv.json', [[1, 0, 1]]);
    const out = join(t.dir, 'out', 'labels.sqlite');
    const counts = exportLabels(out, tinyDataset(t.dir), readLabels(store.db), { appVersion: '9.9.9', space: 'test space' });
    store.close();
    expect(counts).toEqual({ labels: 5, flags: 3, reviews: 1, imports: 1, images: 3, captions: 3, format: 'sqlite', positives: 5, files: [out], warnings: [] });
    const db = new Database(out, { readonly: true });
    const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    expect(meta).toMatchObject({ schema_version: '3', positives: '5', app_version: '9.9.9', dataset_hash: 'abcdef0123456789', space: 'test space', dataset_format: 'generic', labels: '5' });
    const rows = db.prepare('SELECT kind, target, image_index, caption_index, scale, flag, note, who, source, provenance, annotated FROM labels ORDER BY kind, image_index, caption_index').all();
    expect(rows).toEqual([
      { kind: 'flag', target: 'item', image_index: 0, caption_index: null, scale: null, flag: 'invalid_item', note: '', who: null, source: 'click', provenance: null, annotated: null },
      { kind: 'flag', target: 'pair', image_index: 0, caption_index: 1, scale: null, flag: 'false_negative', note: '', who: null, source: 'lasso', provenance: 'lasso of 1 item', annotated: 0 },
      { kind: 'flag', target: 'pair', image_index: 1, caption_index: 2, scale: null, flag: 'false_negative', note: 'also valid', who: null, source: 'click', provenance: null, annotated: 0 },
      { kind: 'import', target: 'pair', image_index: 1, caption_index: 0, scale: 1, flag: null, note: '', who: null, source: 'import', provenance: 'eccv.json', annotated: 0 },
      { kind: 'review', target: 'pair', image_index: 2, caption_index: 0, scale: 2, flag: null, note: '', who: 'ana', source: 'review', provenance: 'unit 7', annotated: 0 },
    ]);
    // Annotated ∪ valid labels, minus the invalid image 0: why each pair is a verified positive.
    expect(db.prepare('SELECT caption_index, image_index, caption_id, image_id, source FROM verified_positives ORDER BY caption_index, image_index').all()).toEqual([
      { caption_index: 0, image_index: 1, caption_id: 'c0', image_id: 'b', source: 'import' },
      { caption_index: 0, image_index: 2, caption_id: 'c0', image_id: 'c', source: 'review' },
      { caption_index: 1, image_index: 1, caption_id: 'c1', image_id: 'b', source: 'annotated' },
      { caption_index: 2, image_index: 1, caption_id: 'c2', image_id: 'b', source: 'flag' },
      { caption_index: 2, image_index: 2, caption_id: 'c2', image_id: 'c', source: 'annotated' },
    ]);
    // Schema 1 queries on `flags` still work (a view over the flag labels).
    expect(db.prepare("SELECT label FROM flags WHERE label = 'false_negative'").all()).toHaveLength(2);
    expect(db.prepare('SELECT * FROM captions WHERE caption_index = 2').all()).toEqual([{ caption_index: 2, dataset_id: 'c2', text: 'a picture with some shapes', annotated_image_index: 2, split: 'train' }]);
    db.close();
    // No temporary file is left next to the export.
    expect(readdirSync(join(t.dir, 'out'))).toEqual(['labels.sqlite']);
  });

  it('refuses to export nothing, with a message, and writes no file', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = new ProjectStore(join(t.dir, 'p.sqlite'));
    const out = join(t.dir, 'labels.sqlite');
    expect(() => exportLabels(out, tinyDataset(t.dir), readLabels(store.db), { appVersion: '1', space: 's' })).toThrow(NothingToExportError);
    expect(() => exportLabels(out, tinyDataset(t.dir), readLabels(store.db), { appVersion: '1', space: 's' })).toThrow(/nothing to export from tiny: it has no flags, review decisions or imported positives/);
    expect(existsSync(out)).toBe(false);
    // A flag undone is not a label any more: nothing to export again.
    store.addFlag({ kind: 'pair', image: 0, caption: 0 }, 'ambiguous');
    store.undo();
    expect(() => exportLabels(out, tinyDataset(t.dir), readLabels(store.db), { appVersion: '1', space: 's' })).toThrow(NothingToExportError);
    store.close();
    expect(readdirSync(t.dir).sort()).toEqual(['p.sqlite', 'p.sqlite-shm', 'p.sqlite-wal'].filter((f) => existsSync(join(t.dir, f))));
  });

  it('replaces an existing export atomically and leaves no partial file on failure', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const out = join(t.dir, 'labels.sqlite');
    const store = new ProjectStore(join(t.dir, 'p', 'p.sqlite'));
    store.addFlag({ kind: 'pair', image: 0, caption: 0 }, 'ambiguous');
    const labels = readLabels(store.db);
    store.close();
    rmSync(join(t.dir, 'p'), { recursive: true });
    exportLabels(out, tinyDataset(t.dir), labels, { appVersion: '1', space: 's' });
    expect(exportLabels(out, tinyDataset(t.dir), labels, { appVersion: '1', space: 's' }).labels).toBe(1);
    // A write into a folder that cannot be created fails without leaving a file behind.
    expect(() => exportLabels(join(out, 'nested', 'x.sqlite'), tinyDataset(t.dir), labels, { appVersion: '1', space: 's' })).toThrow();
    expect(readdirSync(t.dir).sort()).toEqual(['labels.sqlite']);
  });
});
