import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { tempDir } from '../helpers/tmp.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

function fresh(): { file: string; store: ProjectStore } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const file = join(t.dir, 'project.sqlite');
  return { file, store: new ProjectStore(file) };
}

describe('ProjectStore', () => {
  it('uses WAL and synchronous=FULL so each flag is durable when made', () => {
    const { store } = fresh();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    store.close();
  });

  it('keeps flags, notes and the annotated bit across a reopen', () => {
    const { file, store } = fresh();
    store.addFlag({ kind: 'pair', image: 3, caption: 17 }, 'false_negative', 'dog on grass', false);
    store.addFlag({ kind: 'item', modality: 'caption', index: 5 }, 'invalid_item');
    store.close();
    const again = new ProjectStore(file);
    const flags = again.listFlags();
    expect(flags).toHaveLength(2);
    expect(flags[0]).toMatchObject({ target: { kind: 'pair', image: 3, caption: 17 }, label: 'false_negative', note: 'dog on grass', annotated: false });
    expect(flags[1]).toMatchObject({ target: { kind: 'item', modality: 'caption', index: 5 }, label: 'invalid_item', annotated: null });
    again.close();
  });

  it('undoes and redoes adds and removes in order, and a new action clears redo', () => {
    const { store } = fresh();
    const a = store.addFlag({ kind: 'pair', image: 0, caption: 0 }, 'ambiguous');
    const b = store.addFlag({ kind: 'pair', image: 1, caption: 2 }, 'wrong_annotation');
    store.removeFlag(a.id);
    expect(store.listFlags().map((f) => f.id)).toEqual([b.id]);
    expect(store.undo()).toBe(true); // the remove
    expect(store.listFlags().map((f) => f.id)).toEqual([a.id, b.id]);
    expect(store.undo()).toBe(true); // add b
    expect(store.listFlags().map((f) => f.id)).toEqual([a.id]);
    expect(store.canRedo()).toBe(true);
    expect(store.redo()).toBe(true); // add b again
    expect(store.listFlags().map((f) => f.id)).toEqual([a.id, b.id]);
    expect(store.undo()).toBe(true);
    store.addFlag({ kind: 'item', modality: 'image', index: 9 }, 'invalid_item');
    expect(store.canRedo()).toBe(false);
    expect(store.redo()).toBe(false);
    expect(store.undo()).toBe(true);
    expect(store.undo()).toBe(true);
    expect(store.undo()).toBe(false);
    expect(store.listFlags()).toEqual([]);
    store.close();
  });

  it('keeps the undo history across a restart when the session is resumed', () => {
    const { file, store } = fresh();
    store.addFlag({ kind: 'pair', image: 4, caption: 4 }, 'ambiguous');
    store.close();
    // A new session (another process) cannot take it back; the same session can.
    const other = new ProjectStore(file);
    expect(other.canUndo()).toBe(false);
    other.close();
    const again = new ProjectStore(file, { session: store.session });
    expect(again.canUndo()).toBe(true);
    again.undo();
    expect(again.listFlags()).toEqual([]);
    again.close();
  });

  it('refuses to remove a flag that is not active', () => {
    const { store } = fresh();
    expect(store.removeFlag(42)).toBe(false);
    store.close();
  });
});
