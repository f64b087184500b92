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
    expect(store.addFlags(rows, 'ambiguous', 'lasso')).toEqual({ added: 3, skipped: 2 });
    // The same selection with another label is a different flag.
    expect(store.addFlags(rows.slice(0, 1), 'invalid_item')).toEqual({ added: 1, skipped: 0 });
    store.close();
    const again = new ProjectStore(file);
    const flags = again.listFlags();
    expect(flags).toHaveLength(5);
    expect(flags.filter((f) => f.note === 'lasso').map((f) => f.target)).toEqual([
      { kind: 'item', modality: 'image', index: 1 },
      { kind: 'item', modality: 'caption', index: 2 },
      { kind: 'pair', image: 1, caption: 2 },
    ]);
    expect(flags.find((f) => f.target.kind === 'pair')?.annotated).toBe(true);
    // Undo takes the batch back one flag at a time, newest first.
    expect(again.undo()).toBe(true);
    expect(again.listFlags()).toHaveLength(4);
    again.close();
  });

  it('the request schema bounds the batch and checks every target', () => {
    const s = requestSchemas.addFlags;
    expect(s.safeParse({ targets: [{ kind: 'item', modality: 'image', index: 0 }], label: 'ambiguous' }).success).toBe(true);
    expect(s.safeParse({ targets: [], label: 'ambiguous' }).success).toBe(false);
    expect(s.safeParse({ targets: [{ kind: 'item', modality: 'image', index: -1 }], label: 'ambiguous' }).success).toBe(false);
    expect(s.safeParse({ targets: [{ kind: 'item', modality: 'image', index: 0 }], label: 'nope' }).success).toBe(false);
    const many = Array.from({ length: 20_001 }, (_, i) => ({ kind: 'item', modality: 'caption', index: i }));
    expect(s.safeParse({ targets: many, label: 'ambiguous' }).success).toBe(false);
  });
});
