// The guard that keeps `npm test` from modifying the checkout: it sees a new file and a changed
// tracked file, and stays quiet when nothing changed.
import { describe, expect, it } from 'vitest';
import { treeChanges, type TreeState } from '../global/git_clean.js';

const clean: TreeState = { status: [], diffHash: 'a' };

describe('git status guard', () => {
  it('names files a test run modified or created', () => {
    expect(treeChanges(clean, { status: [' M docs/screenshot.png', '?? stray.json'], diffHash: 'b' })).toEqual(['now:     M docs/screenshot.png', 'now:    ?? stray.json']);
  });
  it('notices a change inside a file that was already modified before the run', () => {
    const dirty: TreeState = { status: [' M README.md'], diffHash: 'a' };
    expect(treeChanges(dirty, { ...dirty, diffHash: 'b' })).toEqual(['the content of a tracked file that was already modified changed']);
  });
  it('is quiet when nothing changed', () => {
    expect(treeChanges(clean, clean)).toEqual([]);
  });
});
