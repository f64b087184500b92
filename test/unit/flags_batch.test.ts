// Flagging a lasso selection in one action: ProjectStore.addFlags writes every flag in one
// transaction; they survive a reopen; flags already there with the same label are not doubled.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ProjectStore } from '../../src/main/core/store/project_store.js';
import { requestSchemas } from '../../src/shared/schemas.js';
import { tempDir } from '../helpers/tmp.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});

describe('batch flags (a selection flagged in one action)', () => {
  it('adds one flag per target, skips ones already flagged with that label, and keeps them across a reopen', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const file = join(t.dir, 'project.sqlite');
    const store = new ProjectStore(file);
    store.addFlag({ kind: 'item', modality: 'image', index: 2 }, 'ambiguous');
    const rows = [
      { target: { kind: 'item' as const, modality: 'image' as const, index: 1 }, annotated: null },
      { target: { kind: 'item' as const, modality: 'image' as const, index: 2 }, annotated: null },
      { target: { kind: 'item' as const, modality: 'caption' as const, index: 2 }, annotated: null },
      { target: { kind: 'pair' as const, image: 1, caption: 2 }, annotated: true },
      { target: { kind: 'item' as const, modality: 'image' as const, index: 1 }, annotated: null },
    ];
    const as = (label: 'ambiguous' | 'invalid_item', note = '') => rows.map((r) => ({ ...r, label, note }));
    expect(store.addFlags(as('ambiguous', 'lasso'), { source: 'lasso' })).toHaveLength(3);
    // The same selection with another label is a different flag.
    expect(store.addFlags(as('invalid_item').slice(0, 2), { source: 'lasso' })).toHaveLength(2);
    store.close();
    const again = new ProjectStore(file);
    const flags = again.listFlags();
    expect(flags).toHaveLength(6);
    expect(flags.filter((f) => f.note === 'lasso').map((f) => f.target)).toEqual([
      { kind: 'item', modality: 'image', index: 1 },
      { kind: 'item', modality: 'caption', index: 2 },
      { kind: 'pair', image: 1, caption: 2 },
    ]);
    expect(flags.find((f) => f.target.kind === 'pair')?.annotated).toBe(true);
    // A reopened store is a new session: the batch is undone by the session that made it (below).
    expect(again.undo()).toBe(false);
    again.close();
    // Undo takes a whole batch back in one step.
    const s2 = new ProjectStore(join(t.dir, 'other.sqlite'));
    s2.addFlags(as('ambiguous'), { source: 'lasso' });
    expect(s2.listFlags()).toHaveLength(4);
    expect(s2.undo()).toBe(true);
    expect(s2.listFlags()).toHaveLength(0);
    s2.close();
  });

  it('the request schema bounds the batch and checks every target', () => {
    const s = requestSchemas.labels.addFlags;
    expect(s.safeParse({ targets: [{ kind: 'item', modality: 'image', index: 0 }], label: 'ambiguous' }).success).toBe(true);
    expect(s.safeParse({ targets: [], label: 'ambiguous' }).success).toBe(false);
    expect(s.safeParse({ targets: [{ kind: 'item', modality: 'image', index: -1 }], label: 'ambiguous' }).success).toBe(false);
    expect(s.safeParse({ targets: [{ kind: 'item', modality: 'image', index: 0 }], label: 'nope' }).success).toBe(false);
    const many = Array.from({ length: 20_001 }, (_, i) => ({ kind: 'item', modality: 'caption', index: i }));
    expect(s.safeParse({ targets: many, label: 'ambiguous' }).success).toBe(false);
  });
});
