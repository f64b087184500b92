import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { exportFlags } from '../../src/main/core/export/flags_export.js';
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

describe('exportFlags', () => {
  it('writes flags, the items they touch and provenance to a standalone SQLite file', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const store = new ProjectStore(join(t.dir, 'p.sqlite'));
    store.addFlag({ kind: 'pair', image: 1, caption: 2 }, 'false_negative', 'also valid', false);
    store.addFlag({ kind: 'item', modality: 'image', index: 0 }, 'invalid_item');
    const out = join(t.dir, 'out', 'flags.sqlite');
    const counts = exportFlags(out, tinyDataset(t.dir), store.listFlags(), { appVersion: '9.9.9', space: 'test space' });
    store.close();
    expect(counts).toEqual({ flags: 2, images: 3, captions: 1 });
    const db = new Database(out, { readonly: true });
    const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    expect(meta).toMatchObject({ schema_version: '1', app_version: '9.9.9', dataset_hash: 'abcdef0123456789', space: 'test space', dataset_format: 'generic' });
    const flags = db.prepare('SELECT target, image_index, caption_index, label, note, annotated FROM flags ORDER BY id').all();
    expect(flags).toEqual([
      { target: 'pair', image_index: 1, caption_index: 2, label: 'false_negative', note: 'also valid', annotated: 0 },
      { target: 'item', image_index: 0, caption_index: null, label: 'invalid_item', note: '', annotated: null },
    ]);
    expect(db.prepare('SELECT * FROM captions').all()).toEqual([{ caption_index: 2, dataset_id: 'c2', text: 'a picture with some shapes', annotated_image_index: 2, split: 'train' }]);
    expect((db.prepare('SELECT path FROM images ORDER BY image_index').all() as Array<{ path: string }>).map((r) => r.path)).toEqual(['images/a.png', 'images/b.png', 'images/c.png']);
    db.close();
    // No temporary file is left next to the export.
    expect(readdirSync(join(t.dir, 'out'))).toEqual(['flags.sqlite']);
  });

  it('replaces an existing export atomically and leaves no partial file on failure', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const out = join(t.dir, 'flags.sqlite');
    exportFlags(out, tinyDataset(t.dir), [], { appVersion: '1', space: 's' });
    expect(existsSync(out)).toBe(true);
    const bad = tinyDataset(t.dir);
    // A flag pointing at an item index the dataset lacks still exports the flag row...
    const counts = exportFlags(out, bad, [{ id: 1, target: { kind: 'pair', image: 0, caption: 0 }, label: 'ambiguous', note: '', createdAt: new Date().toISOString(), annotated: true }], { appVersion: '1', space: 's' });
    expect(counts.flags).toBe(1);
    // ...and a write into a folder that cannot be created fails without leaving a file behind.
    expect(() => exportFlags(join(out, 'nested', 'x.sqlite'), bad, [], { appVersion: '1', space: 's' })).toThrow();
    expect(readdirSync(t.dir).sort()).toEqual(['flags.sqlite']);
  });
});
