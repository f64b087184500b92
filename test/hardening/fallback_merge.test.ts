// Flags made while the dataset folder was read-only must not be orphaned when it becomes writable
// again. The folder is made read-only with a real chmod. These tests run as root, and root
// writes through any directory mode, so the OS's own check (access W_OK) would always say
// "writable"; the store's detection hook is given a check that reads the owner-write bit the way
// the OS decides it for an ordinary user. Everything else (the stores, the merge) is real.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openProjectStore } from '../../src/main/core/store/fallback_merge.js';
import { ProjectStore, fallbackProjectDir, type WritableCheck } from '../../src/main/core/store/project_store.js';
import { ReviewStore } from '../../src/main/core/review/review_store.js';
import { exportProjectLabels } from '../../src/main/core/labels/label_service.js';
import { openDataset } from '../../src/main/core/datasets/open.js';
import { cleanupTmp, makeGeneric } from '../fixtures/datasets/make.js';
import { tempDir } from '../helpers/tmp.js';
import { openSqlite } from '../../src/main/core/store/sqlite.js';

const tmp = tempDir('mlens-fallback-');
afterAll(() => {
  tmp.cleanup();
  cleanupTmp();
});

/** Writable for a non-root owner: the nearest existing folder has its owner-write bit. */
const ownerWritable: WritableCheck = (dir) => {
  let d = dir;
  while (!existsSync(d)) d = dirname(d);
  return (statSync(d).mode & 0o200) !== 0;
};

describe('the fallback store of a read-only period', () => {
  it('is merged into the folder once it is writable, once, with a note, and exports see the flags', async () => {
    const { root } = makeGeneric();
    const dataDir = join(tmp.dir, 'appdata');

    chmodSync(root, 0o555);
    const ro = openProjectStore(root, dataDir, { isWritable: ownerWritable });
    expect(ro.dir).toBe(fallbackProjectDir(root, dataDir));
    expect(ro.notices).toEqual([expect.objectContaining({ severity: 'warning', file: root, message: expect.stringContaining('the dataset folder is read-only; flags and reviews are kept in') })]);
    ro.store.addFlag({ kind: 'pair', image: 0, caption: 1 }, 'false_negative', 'made read-only');
    ro.store.addFlag({ kind: 'item', modality: 'caption', index: 2 }, 'invalid_item');
    const gone = ro.store.addFlag({ kind: 'pair', image: 2, caption: 0 }, 'ambiguous');
    ro.store.removeFlag(gone.id);
    const reviews = new ReviewStore(ro.store.db, ro.store.session);
    reviews.record([
      { image: 1, caption: 0, label: 1, reviewer: 'ann' },
      { image: 1, caption: 3, label: 3, reviewer: 'ann' },
    ]);
    reviews.setExtraPositives('eccv.json', [[2, 4, 2]]);
    ro.store.close();
    expect(existsSync(join(root, '.mlens'))).toBe(false);

    // The folder becomes writable again; an in-folder store may already hold work of its own.
    chmodSync(root, 0o755);
    const rw = openProjectStore(root, dataDir, { isWritable: ownerWritable });
    expect(rw.dir).toBe(join(root, '.mlens'));
    expect(rw.notices).toEqual([
      expect.objectContaining({
        severity: 'warning',
        file: '.mlens/project.sqlite',
        message: expect.stringMatching(/^merged 2 flags, 2 review decisions and 1 imported positive pair made while the folder was read-only \(from .*project\.sqlite; that store is now marked merged\)$/),
      }),
    ]);
    const flags = rw.store.listFlags();
    expect(flags.map((f) => [f.target, f.label, f.note])).toEqual([
      [{ kind: 'pair', image: 0, caption: 1 }, 'false_negative', 'made read-only'],
      [{ kind: 'item', modality: 'caption', index: 2 }, 'invalid_item', ''],
    ]);
    const merged = new ReviewStore(rw.store.db, rw.store.session);
    expect(merged.effectiveDecisions().map((d) => [d.image, d.caption, d.label])).toEqual([
      [1, 0, 1],
      [1, 3, 3],
    ]);
    expect(merged.extraPositives()).toEqual([{ source: 'eccv.json', image: 2, caption: 4, label: 2 }]);
    // An export from the folder's store now carries the read-only period's flags.
    const ds = await openDataset(root);
    const out = join(tmp.dir, 'export.sqlite');
    expect(exportProjectLabels(out, ds, rw.store, { appVersion: 'test', space: 'none' }).flags).toBe(2);
    rw.store.close();

    // The fallback is marked merged.
    const fb = openSqlite(join(fallbackProjectDir(root, dataDir), 'project.sqlite'), { readonly: true });
    const meta = Object.fromEntries((fb.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    fb.close();
    expect(meta.merged_into).toBe(join(root, '.mlens', 'project.sqlite'));
    expect(meta.merged_at).toMatch(/^\d{4}-\d\d-\d\dT/);

    // Idempotent: opening again adds nothing and says nothing.
    const again = openProjectStore(root, dataDir, { isWritable: ownerWritable });
    expect(again.notices).toEqual([]);
    expect(again.store.listFlags()).toHaveLength(2);
    expect((again.store.db.prepare('SELECT COUNT(*) AS n FROM flags').get() as { n: number }).n).toBe(3);
    expect((again.store.db.prepare('SELECT COUNT(*) AS n FROM review_decisions').get() as { n: number }).n).toBe(2);
    const mine = again.store.addFlag({ kind: 'pair', image: 1, caption: 1 }, 'ambiguous');
    again.store.close();

    // A second read-only period (the folder and its .mlens, as on a read-only remount): only its
    // new flag is merged the next time.
    chmodSync(join(root, '.mlens'), 0o555);
    chmodSync(root, 0o555);
    const ro2 = openProjectStore(root, dataDir, { isWritable: ownerWritable });
    expect(ro2.store.file).toBe(join(fallbackProjectDir(root, dataDir), 'project.sqlite'));
    ro2.store.addFlag({ kind: 'pair', image: 2, caption: 5 }, 'false_negative');
    ro2.store.close();
    chmodSync(root, 0o755);
    chmodSync(join(root, '.mlens'), 0o755);
    const rw2 = openProjectStore(root, dataDir, { isWritable: ownerWritable });
    expect(rw2.notices.map((n) => n.message)).toEqual([expect.stringMatching(/^merged 1 flag, 0 review decisions and 0 imported positive pairs/)]);
    expect(rw2.store.listFlags().map((f) => f.target)).toEqual([
      { kind: 'pair', image: 0, caption: 1 },
      { kind: 'item', modality: 'caption', index: 2 },
      mine.target,
      { kind: 'pair', image: 2, caption: 5 },
    ]);
    rw2.store.close();
  });

  it('leaves both stores as they were when the fallback cannot be read, and says so', () => {
    const { root } = makeGeneric();
    const dataDir = join(tmp.dir, 'appdata2');
    const fbFile = join(fallbackProjectDir(root, dataDir), 'project.sqlite');
    const fb = new ProjectStore(fbFile);
    fb.addFlag({ kind: 'pair', image: 0, caption: 0 }, 'ambiguous');
    fb.db.pragma(`user_version = 99`);
    fb.close();
    const rw = openProjectStore(root, dataDir, { isWritable: ownerWritable });
    expect(rw.notices).toEqual([expect.objectContaining({ severity: 'error', file: fbFile, message: expect.stringContaining('could not merge the read-only period') })]);
    expect(rw.store.listFlags()).toEqual([]);
    rw.store.close();
  });
});
